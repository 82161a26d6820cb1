/**
 * The writer thread is background work: on Linux it runs at the lowest priority (nice 19) while the
 * thread that serves reads keeps the process's priority (writer-thread.mjs says why).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { AuditLog } from '../../../src/main/audit';
import { entry, tempDataDir } from './helpers';

/** nice of each thread of this process, by thread id (field 19 of /proc/<pid>/task/<tid>/stat). */
function niceByThread(): Map<number, number> {
  const out = new Map<number, number>();
  for (const tid of readdirSync(`/proc/${process.pid}/task`)) {
    const stat = readFileSync(`/proc/${process.pid}/task/${tid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    out.set(Number(tid), Number(fields[16]));
  }
  return out;
}

describe.runIf(process.platform === 'linux')('the audit writer thread', () => {
  let tmp: ReturnType<typeof tempDataDir>;
  let log: AuditLog | undefined;
  afterEach(async () => {
    await log?.close();
    tmp?.cleanup();
  });

  it('runs at nice 19; the main thread keeps its priority', async () => {
    const before = niceByThread();
    tmp = tempDataDir();
    log = await AuditLog.open({ dataDir: tmp.dir, mode: 'thread' });
    expect(log.mode).toBe('thread');
    await log.append(entry()); // the writer has started and committed
    const after = niceByThread();
    const added = [...after].filter(([tid]) => !before.has(tid));
    expect(added.some(([, nice]) => nice === 19)).toBe(true);
    expect(after.get(process.pid)).toBe(before.get(process.pid));
    expect(after.get(process.pid)).not.toBe(19);
  });
});
