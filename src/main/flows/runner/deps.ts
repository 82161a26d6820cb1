/** What a run needs from the outside: the API (the only door to data), its own store, a clock, side effects. */
import type { Session } from '../../../shared/api/session';
import type { AuditInput } from '../../audit';
import type { FlowStore } from '../store';

export interface FlowApi {
  call(op: string, input: unknown, session: Session, signal?: AbortSignal): Promise<unknown>;
  stream(op: string, input: unknown, session: Session, signal?: AbortSignal): AsyncIterable<unknown>;
}

/** Desktop notifications exist only in Electron; the app passes one, `serve` and the CLI do not. */
export interface DesktopNotifier {
  notify(title: string, body: string): void;
}

export interface RunDeps {
  api: FlowApi;
  store: FlowStore;
  /** Injected so schedules and time limits are tested without sleeping. */
  clock: () => Date;
  notifier?: DesktopNotifier;
  /** Records the run's own side effects (notify, export, http), which are not API calls. */
  audit?: (entry: AuditInput) => Promise<void>;
  /** Real fetch by default; tests may pass their own. */
  fetch?: typeof fetch;
}

export class FlowRunError extends Error {
  constructor(
    message: string,
    readonly step?: string,
    readonly path?: string,
    readonly kind: 'step' | 'limit' | 'stale' | 'write' = 'step',
  ) {
    super(message);
    this.name = 'FlowRunError';
  }
}
