/**
 * Hot reload: watches a workspace folder with chokidar, batches bursts of file events (editors write in
 * several steps), re-reads only the changed files and emits one event per batch for the UI to follow.
 */
import { watch, type FSWatcher } from 'chokidar';
import path from 'node:path';
import { WorkspaceLoader, type LoaderOptions } from './loader';
import type { Problem } from './problems';
import type { Workspace } from './workspace';

export interface WorkspaceChangeEvent {
  /** Absolute paths of the files that were re-read (for a change to a shared helper: all of them). */
  changed: string[];
  problems: Problem[];
  /** null while the workspace has problems. */
  workspace: Workspace | null;
  /** Everything that loaded, even with problems. */
  partial: Workspace;
}

export interface WatchOptions extends LoaderOptions {
  /** Quiet time before a batch of file events is processed. */
  debounceMs?: number;
  /** Called when reloading itself fails (e.g. the workspace folder was deleted). */
  onError?: (error: Error) => void;
}

export interface WorkspaceWatcher {
  close(): Promise<void>;
  /** Resolves once the initial load is done and the file watcher is ready. */
  ready: Promise<void>;
}

export function watchWorkspace(root: string, onChange: (event: WorkspaceChangeEvent) => void, options: WatchOptions = {}): WorkspaceWatcher {
  const loader = new WorkspaceLoader(root, options);
  const debounceMs = options.debounceMs ?? 75;
  const pending = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  let closed = false;
  let watcher: FSWatcher | undefined;

  const flush = () => {
    timer = undefined;
    const batch = [...pending];
    pending.clear();
    running = running.then(async () => {
      if (closed || batch.length === 0) return;
      try {
        const { workspace, problems, partial, read } = await loader.reload(batch);
        if (!closed) onChange({ changed: read, problems, workspace, partial });
      } catch (e) {
        options.onError?.(e instanceof Error ? e : new Error(String(e)));
      }
    });
  };
  const queue = (file: string) => {
    const abs = path.resolve(loader.root, file);
    if (!loader.isRelevant(abs)) return;
    pending.add(abs);
    if (timer) clearTimeout(timer);
    timer = setTimeout(flush, debounceMs);
  };

  // Load first so the cache holds every file; later events re-read only what changed.
  const ready = loader.load().then(
    () =>
      new Promise<void>((resolve, reject) => {
        if (closed) return resolve();
        watcher = watch(loader.root, {
          ignoreInitial: true,
          ignored: (p: string) => {
            const rel = path.relative(loader.root, p);
            return rel !== '' && rel.split(path.sep).some((s) => s === 'node_modules' || s.startsWith('.'));
          },
          awaitWriteFinish: false,
        });
        watcher.on('add', queue).on('change', queue).on('unlink', queue);
        watcher.on('ready', () => resolve());
        watcher.on('error', (e) => (options.onError ? options.onError(e instanceof Error ? e : new Error(String(e))) : reject(e)));
      }),
  );

  return {
    ready,
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      await ready.catch(() => undefined);
      await watcher?.close();
      await running;
    },
  };
}
