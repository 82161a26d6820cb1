/**
 * "Answer, then commit": enqueue() resolves once the entry is queued, the batch is committed in the
 * background, a failed commit keeps its entries (in order) for when the log recovers, reads are refused
 * while the log is failed, the queue is bounded, and process exit flushes. No timing asserts: every wait
 * is on a promise or a state the log exposes.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuditLog, AuditUnavailableError, type WriterMode } from '../../../src/main/audit';
import { entry, tempDataDir } from './helpers';

const settledSoon = async (p: Promise<unknown>): Promise<boolean> => {
  let settled = false;
  p.then(
    () => (settled = true),
    () => (settled = true),
  );
  for (let i = 0; i < 5; i++) await Promise.resolve();
  return settled;
};

for (const mode of ['thread', 'inline'] as WriterMode[]) {
  describe(`answer, then commit (${mode} writer)`, () => {
    let tmp: ReturnType<typeof tempDataDir>;
    let log: AuditLog;
    beforeEach(() => {
      tmp = tempDataDir();
    });
    afterEach(async () => {
      await log?.close();
      tmp.cleanup();
    });

    it('enqueue() resolves before the commit; the served read is on the record after flush()', async () => {
      log = await AuditLog.open({ dataDir: tmp.dir, mode });
      await log.enqueue(entry({ rowCount: 1 }));
      await log.enqueue(entry({ rowCount: 2 }));
      expect(log.queued).toBe(2); // answered, not yet committed (the batch goes at the next turn)
      await log.flush();
      expect(log.queued).toBe(0);
      expect(log.list().map((e) => e.rowCount)).toEqual([1, 2]);
    });

    it('the entry is a snapshot taken at enqueue(): mutating the AST afterwards changes nothing', async () => {
      log = await AuditLog.open({ dataDir: tmp.dir, mode });
      const ast: Record<string, unknown> = { object: 'Invoice', where: { InvoiceId: 5 } };
      await log.enqueue(entry({ ast }));
      (ast.where as Record<string, unknown>).InvoiceId = 6;
      ast.rows = [{ secret: 1 }];
      await log.flush();
      expect(log.list()[0]!.ast).toBe('{"object":"Invoice","where":{"InvoiceId":5}}');
    });

    it('a failed commit keeps its entries; reads are refused meanwhile; after recovery they go in first, in chain order', async () => {
      // A long re-check interval, so the failure is found by the commit itself, not by the stat re-check.
      log = await AuditLog.open({ dataDir: tmp.dir, mode, recheckMs: 1e9 });
      await log.append(entry({ rowCount: 0 }));
      await log.enqueue(entry({ rowCount: 1 }));
      await log.enqueue(entry({ rowCount: 2 }));
      const strict = log.append(entry({ rowCount: 3 }));
      chmodSync(log.path, 0o444);
      await expect(strict).rejects.toBeInstanceOf(AuditUnavailableError);
      await expect(log.flush()).rejects.toThrow(/the file is read-only; reads are refused until it can/);
      expect(log.unavailable).toBeInstanceOf(AuditUnavailableError);
      expect(log.queued).toBe(3);
      expect(log.list().map((e) => e.rowCount)).toEqual([0]);
      // Refused while failed: nothing new is queued.
      await expect(log.enqueue(entry({ rowCount: 99 }))).rejects.toBeInstanceOf(AuditUnavailableError);
      await expect(log.append(entry({ rowCount: 99 }))).rejects.toBeInstanceOf(AuditUnavailableError);
      await expect(log.ensureWritable()).rejects.toThrow(/read-only/);
      expect(log.queued).toBe(3);

      chmodSync(log.path, 0o644);
      await log.ensureWritable();
      expect(log.queued).toBe(0);
      await log.enqueue(entry({ rowCount: 4 }));
      await log.flush();
      expect(log.list().map((e) => e.rowCount)).toEqual([0, 1, 2, 3, 4]);
      expect(log.verify()).toMatchObject({ ok: true, entries: 5, problems: [] });
    });

    it('several batches at the writer when a commit fails: every entry is committed once, in order, after recovery', async () => {
      log = await AuditLog.open({ dataDir: tmp.dir, mode, recheckMs: 1e9, maxBatch: 10 });
      for (let i = 0; i < 100; i++) void log.enqueue(entry({ rowCount: i })); // batches are posted as they fill
      chmodSync(log.path, 0o444); // some of them may already be committed, the rest fail
      await log.flush().catch(() => {});
      chmodSync(log.path, 0o644);
      await log.ensureWritable();
      await log.flush();
      expect(log.list().map((e) => e.rowCount)).toEqual(Array.from({ length: 100 }, (_, i) => i));
      expect(log.verify()).toMatchObject({ ok: true, entries: 100 });
    });

    it('stores the AST exactly as before: canonical JSON with sorted keys, the same characters', async () => {
      log = await AuditLog.open({ dataDir: tmp.dir, mode });
      const ast = { where: { b: -0, a: 'é\u{1F600}"\\\ud800', c: [true, null, 1.5e-7, { z: 1, y: [] }] }, object: 'Invoice', fields: ['b', 'a'], limit: undefined };
      await log.enqueue(entry({ ast }));
      await log.flush();
      expect(log.list()[0]!.ast).toBe('{"fields":["b","a"],"object":"Invoice","where":{"a":"é\u{1F600}\\"\\\\\\ud800","b":0,"c":[true,null,1.5e-7,{"y":[],"z":1}]}}');
      expect(log.verify().ok).toBe(true);
    });

    it('the watch on the folder notices the file being replaced without any read, and reads are refused', async () => {
      log = await AuditLog.open({ dataDir: tmp.dir, mode, recheckMs: 1e9 });
      await log.append(entry());
      copyFileSync(log.path, `${log.path}.copy`);
      renameSync(`${log.path}.copy`, log.path);
      // Wait for the watch event (no clock: poll the state the log exposes, one event-loop turn at a time).
      for (let i = 0; i < 100_000 && !log.unavailable; i++) await new Promise((r) => setImmediate(r));
      expect(log.unavailable?.message).toMatch(/the file was replaced by another file/);
      await expect(log.enqueue(entry())).rejects.toBeInstanceOf(AuditUnavailableError);
      await log.ensureWritable(); // reopens the file now at that path
      await log.enqueue(entry());
      await log.flush();
      expect(log.list()).toHaveLength(2);
    });

    it('the re-check notices a chmod before the next entry is accepted', async () => {
      log = await AuditLog.open({ dataDir: tmp.dir, mode, recheckMs: 0 });
      await log.enqueue(entry());
      chmodSync(log.path, 0o444);
      await expect(log.enqueue(entry())).rejects.toThrow(/the file is read-only/);
      chmodSync(log.path, 0o644);
      await log.ensureWritable();
      await log.flush();
      expect(log.list()).toHaveLength(1);
    });

    it('backpressure: past maxQueue uncommitted entries, enqueue() waits for the writer', async () => {
      log = await AuditLog.open({ dataDir: tmp.dir, mode, maxQueue: 10, maxBatch: 1_000_000 });
      for (let i = 0; i < 10; i++) expect(await settledSoon(log.enqueue(entry({ rowCount: i })))).toBe(true);
      expect(log.queued).toBe(10);
      const eleventh = log.enqueue(entry({ rowCount: 10 }));
      expect(await settledSoon(eleventh)).toBe(false); // held until the writer catches up
      await eleventh;
      expect(log.queued).toBeLessThanOrEqual(10);
      for (let i = 11; i < 200; i++) {
        await log.enqueue(entry({ rowCount: i }));
        expect(log.queued).toBeLessThanOrEqual(10);
      }
      await log.flush();
      expect(log.list().map((e) => e.rowCount)).toEqual(Array.from({ length: 200 }, (_, i) => i));
      expect(log.verify().ok).toBe(true);
    });

    it('close() commits what is queued', async () => {
      log = await AuditLog.open({ dataDir: tmp.dir, mode });
      for (let i = 0; i < 50; i++) void log.enqueue(entry({ rowCount: i }));
      await log.close();
      const again = await AuditLog.open({ dataDir: tmp.dir, mode: 'inline' });
      expect(again.list()).toHaveLength(50);
      expect(again.verify().ok).toBe(true);
      log = again;
    });

    it('process exit without close() commits what is queued, also with a batch at the writer', () => {
      const script = path.join(tmp.dir, 'exit.mts');
      const src = path.resolve(__dirname, '../../../src/main/audit/index.ts');
      writeFileSync(
        script,
        `import { AuditLog } from ${JSON.stringify(src)};
const log = await AuditLog.open({ dataDir: ${JSON.stringify(tmp.dir)}, mode: ${JSON.stringify(mode)}, maxBatch: 100 });
for (let i = 0; i < 350; i++) void log.enqueue({ user: 'alice', via: 'ui', operation: 'query', object: 'Invoice', rowCount: i, outcome: 'ok' });
process.exit(0);
`,
      );
      execFileSync(process.execPath, ['--import', 'tsx', script], { cwd: path.resolve(__dirname, '../../..'), stdio: 'pipe' });
      return AuditLog.open({ dataDir: tmp.dir, mode: 'inline' }).then((again) => {
        log = again;
        expect(again.list().map((e) => e.rowCount)).toEqual(Array.from({ length: 350 }, (_, i) => i));
        expect(again.verify().ok).toBe(true);
      });
    });
  });
}
