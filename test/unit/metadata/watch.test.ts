/** Hot reload: a changed file is re-read alone and an event carries the new workspace (or its problems). */
import { writeFileSync, unlinkSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { watchWorkspace, type WorkspaceChangeEvent } from '../../../src/main/metadata';
import { ModuleLoader } from '../../../src/main/metadata/module-loader';
import { config, objectFile, removeWorkspaces, writeWorkspace } from './workspace-builder';

afterAll(removeWorkspaces);
afterEach(() => vi.restoreAllMocks());

function nextEvent(events: WorkspaceChangeEvent[], count: number): Promise<WorkspaceChangeEvent> {
  return vi.waitFor(
    () => {
      if (events.length < count) throw new Error(`waiting for event ${count}`);
      return events[count - 1];
    },
    { timeout: 10_000, interval: 20 },
  );
}

describe('watchWorkspace', () => {
  it('re-reads only the changed file and emits the new workspace', async () => {
    const root = writeWorkspace({
      'objectdesk.config.ts': config(),
      'a.object.ts': objectFile('a'),
      'b.object.ts': objectFile('b'),
      'c.object.ts': objectFile('c'),
    });
    const events: WorkspaceChangeEvent[] = [];
    const watcher = watchWorkspace(root, (e) => events.push(e), { debounceMs: 30 });
    try {
      await watcher.ready;
      const evaluate = vi.spyOn(ModuleLoader.prototype, 'evaluate');
      writeFileSync(path.join(root, 'b.object.ts'), objectFile('b', `id: Field.number(),\n    title: Field.text({ label: 'Title' }),`));
      const first = await nextEvent(events, 1);
      expect(first.changed).toEqual([path.join(root, 'b.object.ts')]);
      expect(evaluate.mock.calls.map((c) => c[0])).toEqual([path.join(root, 'b.object.ts')]);
      expect(first.problems).toEqual([]);
      expect(Object.keys(first.workspace!.objects.get('b')!.fields)).toEqual(['id', 'title']);
      expect(first.workspace!.objects.size).toBe(3);

      // A broken edit yields problems (and no workspace) instead of an exception; fixing it recovers.
      writeFileSync(path.join(root, 'a.object.ts'), objectFile('a', `id: Field.number({ lable: 'x' } as never),`));
      const second = await nextEvent(events, 2);
      expect(second.workspace).toBeNull();
      expect(second.problems.map((p) => [p.kind, p.object, p.path])).toEqual([['unknown-key', 'a', 'fields.id.lable']]);
      expect(second.partial.objects.has('b')).toBe(true);

      unlinkSync(path.join(root, 'a.object.ts'));
      const third = await nextEvent(events, 3);
      expect(third.changed).toEqual([]);
      expect([...third.workspace!.objects.keys()].sort()).toEqual(['b', 'c']);
      expect(evaluate).toHaveBeenCalledTimes(2);
    } finally {
      await watcher.close();
    }
  });

  it('picks up new files and config changes', async () => {
    const root = writeWorkspace({ 'objectdesk.config.ts': config(), 'a.object.ts': objectFile('a') });
    const events: WorkspaceChangeEvent[] = [];
    const watcher = watchWorkspace(root, (e) => events.push(e), { debounceMs: 30 });
    try {
      await watcher.ready;
      writeFileSync(path.join(root, 'd.object.ts'), objectFile('d'));
      expect((await nextEvent(events, 1)).changed).toEqual([path.join(root, 'd.object.ts')]);
      writeFileSync(path.join(root, 'objectdesk.config.ts'), config(`  timezone: 'Europe/Berlin',`));
      const e = await nextEvent(events, 2);
      expect(e.changed).toEqual([path.join(root, 'objectdesk.config.ts')]);
      expect(e.workspace!.timezone).toBe('Europe/Berlin');
      expect(e.workspace!.objects.size).toBe(2);
    } finally {
      await watcher.close();
    }
  });
});
