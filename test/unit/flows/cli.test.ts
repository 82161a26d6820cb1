/** `objectdesk flow list | run NAME [--dry-run] | approve RUN` through runFlow (the lead wires it into program.ts). */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { afterEach, expect, test } from 'vitest';
import { runFlow, type FlowCommandOptions } from '../../../src/main/cli/commands/flow';
import { sqliteChecksum } from '../security/checksum';
import { flowFile, flowWorkspace } from './workspace';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

async function cli(opts: FlowCommandOptions) {
  let out = '';
  let err = '';
  const sink = (f: (s: string) => void) => new Writable({ write: (c, _e, cb) => (f(String(c)), cb()) });
  const code = await runFlow(opts, { out: sink((s) => (out += s)), err: sink((s) => (err += s)), stdin: new PassThrough(), isTTY: false });
  return { code, out, err };
}

test('list, dry-run, run to approval and approve from the command line', async () => {
  const ws = flowWorkspace({
    'stamp.flow.ts': flowFile(`{
  name: 'stamp_usa', owner: 'ops.olivia',
  steps: [
    { id: 'big', type: 'query', query: { object: 'invoice', fields: ['invoice_id', 'billing_state'], where: { billing_country: 'USA', total: { $gt: 15 } } } },
    { id: 'fix', type: 'update', object: 'invoice', records: 'big.rows', set: { billing_state: 'ZZ' } },
  ],
}`),
  });
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'flows-cli-'));
  cleanups.push(ws.cleanup, () => rmSync(dataDir, { recursive: true, force: true }));
  const base = { workspace: ws.dir, dataDir, user: 'ops.olivia' };

  const list = await cli({ ...base, action: 'list' });
  expect(list.code).toBe(0);
  expect(list.out).toMatch(/^stamp_usa {2}\(manual; owner ops\.olivia; writes\)$/m);
  expect(list.out).toMatch(/^big_invoices_without_postal_code {2}\(schedule "0 8 \* \* \*" UTC; owner andrew\.adams\)\n {2}next run: /m);

  const before = sqliteChecksum(ws.sqliteFile!);
  const dry = await cli({ ...base, action: 'run', target: 'stamp_usa', dryRun: true });
  expect(dry.code).toBe(0);
  expect(dry.out).toMatch(/: dry_run\n/);
  expect(dry.out).toContain('pending    {"invoice_id":103} billing_state: "IL" → "ZZ"');
  expect(sqliteChecksum(ws.sqliteFile!)).toBe(before);

  const run = await cli({ ...base, action: 'run', target: 'stamp_usa' });
  const id = /Approve with: objectdesk flow approve (\S+)/.exec(run.out)![1]!;
  expect(sqliteChecksum(ws.sqliteFile!)).toBe(before);
  const approved = await cli({ ...base, action: 'approve', target: id });
  expect(approved.code).toBe(0);
  expect(approved.out).toMatch(/: succeeded\n/);
  expect(approved.out).toContain('written    {"invoice_id":299} billing_state: "TX" → "ZZ"');
  expect(sqliteChecksum(ws.sqliteFile!)).not.toBe(before);

  const again = await cli({ ...base, action: 'approve', target: id });
  expect(again.code).toBe(1);
  expect(again.err).toMatch(/Flow approve refused \(bad_request\): run .* is succeeded, not awaiting approval/);
  expect((await cli({ ...base, action: 'run' })).code).toBe(2);
});
