/**
 * Wiring for long-running hosts (the Electron app, `objectdesk serve`): one scheduler per open workspace,
 * calling the same API the UI does. One-shot CLI commands do not schedule.
 */
import type { AppContext } from '../app/context';
import type { FlowApi, DesktopNotifier } from './runner/deps';
import { FlowScheduler, type SchedulerOptions } from './scheduler';
import { FlowService } from './service';

export function startFlowScheduler(app: AppContext, api: FlowApi, options: SchedulerOptions & { notifier?: DesktopNotifier } = {}): { stop(): Promise<void>; scheduler: FlowScheduler } {
  const scheduler = new FlowScheduler(new FlowService(app, api, { notifier: options.notifier }), options);
  scheduler.start();
  return { scheduler, stop: () => scheduler.stop() };
}
