/**
 * The audit link of a flow run: `audit.list { reason }` (and `audit.export`) keep the entries whose reason
 * contains the given text — the calls of exactly that run — with the text bound as a parameter, so `%`,
 * `_` and quotes mean themselves.
 */
import { afterEach, describe, expect, test } from 'vitest';
import { createApi } from '../../../src/main/api';
import { AuditLog, openAuditReader } from '../../../src/main/audit';
import { listEntries, whereClause } from '../../../src/main/audit/list';
import type { RunDto } from '../../../src/shared/api/contract-flows';
import type { AuditEntryDto } from '../../../src/shared/api/contract-desk';
import { openTestApp } from '../../helpers/app';
import { entry, tempDataDir } from '../audit/helpers';
import { flowFile, flowWorkspace } from './workspace';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const READ = flowFile(`{
  name: 'usa_big', owner: 'ops.olivia',
  steps: [
    { id: 'big', type: 'query', query: { object: 'invoice', fields: ['invoice_id', 'total'], where: { billing_country: 'USA', total: { $gt: 15 } } } },
    { id: 'few', type: 'aggregate', query: { object: 'invoice', aggregations: [{ function: 'count', alias: 'n' }] } },
  ],
}`);

const OLIVIA = { user: 'ops.olivia', via: 'ui' as const, reason: 'test' };

describe('audit reason filter', () => {
  test('audit.list and audit.export with the reason of one run return exactly the calls of that run', async () => {
    const ws = flowWorkspace({ 'usa_big.flow.ts': READ });
    const t = await openTestApp({ workspaceDir: ws.dir, user: 'ops.olivia' });
    cleanups.push(ws.cleanup, () => t.dispose());
    const api = createApi(t.app);
    const first = (await api.call('flows.run', { flow: 'usa_big' }, OLIVIA)) as RunDto;
    const second = (await api.call('flows.run', { flow: 'usa_big' }, OLIVIA)) as RunDto;
    expect(first.status).toBe('succeeded');
    await t.app.audit.flush();

    const list = async (reason: string) => ((await api.call('audit.list', { reason }, OLIVIA)) as { entries: AuditEntryDto[] }).entries;
    const ofFirst = await list(first.auditReason);
    expect(ofFirst.map((e) => [e.operation, e.object, e.via, e.user, e.reason])).toEqual([
      ['data.query', 'invoice', 'flow', 'ops.olivia', first.auditReason],
      ['data.query', 'invoice', 'flow', 'ops.olivia', first.auditReason],
    ]);
    const ofSecond = await list(second.auditReason);
    expect(ofSecond).toHaveLength(2);
    expect(ofSecond.every((e) => e.reason === second.auditReason)).toBe(true);
    // A part of the reason is enough: both runs' four entries.
    expect((await list('flow usa_big run ')).length).toBe(4);
    // Not a pattern: `%` and `_` are plain characters, so these match nothing.
    expect(await list('flow usa%big')).toEqual([]);
    expect(await list('flow usa_big run _')).toEqual([]);
    expect(await list("' OR 1=1 --")).toEqual([]);

    let csv = '';
    for await (const ev of api.stream('audit.export', { reason: first.auditReason }, OLIVIA) as AsyncIterable<{ kind: string; data?: string }>) {
      if (ev.kind === 'chunk') csv += ev.data;
    }
    const lines = csv.trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines.slice(1).every((l) => l.includes(first.auditReason))).toBe(true);
  });

  test('the reason is a bound parameter matched as a substring, case and all', async () => {
    expect(whereClause({ reason: "x' OR '1'='1", via: 'flow' })).toEqual({ sql: 'WHERE via = ? AND instr(reason, ?) > 0', params: ['flow', "x' OR '1'='1"] });
    const { dir, cleanup } = tempDataDir();
    cleanups.push(cleanup);
    const log = await AuditLog.open({ dataDir: dir, mode: 'inline' });
    await log.append(entry({ reason: 'flow a run 1' }));
    await log.append(entry({ reason: 'flow a run 12' }));
    await log.append(entry({ reason: 'Flow A run 1' }));
    await log.append(entry({}));
    await log.close();
    const db = openAuditReader(dir);
    cleanups.push(() => void db.close());
    expect(listEntries(db, { reason: 'flow a run 1' }).map((e) => e.reason)).toEqual(['flow a run 1', 'flow a run 12']);
    expect(listEntries(db, { reason: 'run 12' }).map((e) => e.reason)).toEqual(['flow a run 12']);
    expect(listEntries(db, { reason: 'A run' }).map((e) => e.reason)).toEqual(['Flow A run 1']);
    expect(() => listEntries(db, { reason: '' })).toThrow();
  });
});
