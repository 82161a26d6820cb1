/**
 * How the API hands entries to the audit: reads are answered once their entry is queued (enqueue), writes
 * and every non-read operation once it is committed (append), and the workspace setting
 * `audit.waitForCommit` makes reads strict too. A served read is on the record after flush().
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApi } from '../../../src/main/api';
import type { AuditInput } from '../../../src/main/audit';
import { WorkspaceConfigSchema } from '../../../src/main/metadata/workspace-config';
import { openTestApp } from '../../helpers/app';

const jane = { user: 'jane.peacock', via: 'ui' as const, reason: 'commit modes' };
const query = { query: { object: 'customer', fields: ['customer_id', 'city'], where: { customer_id: 3 } } };

describe('API audit commit modes', () => {
  let t: Awaited<ReturnType<typeof openTestApp>>;
  beforeAll(async () => {
    t = await openTestApp();
  });
  afterAll(async () => {
    await t.dispose();
  });

  const spy = () => {
    const calls: Array<['append' | 'enqueue', string]> = [];
    return {
      calls,
      sink: {
        ensureWritable: async () => {},
        append: async (e: AuditInput) => void calls.push(['append', e.operation]),
        enqueue: async (e: AuditInput) => void calls.push(['enqueue', e.operation]),
      },
    };
  };

  it('reads are queued, writes and other operations await the commit', async () => {
    const { calls, sink } = spy();
    const api = createApi(t.app, undefined, { audit: sink });
    await api.call('data.query', query, jane);
    await api.call('workspace.objects', {}, jane);
    await api.call('data.create', { object: 'customer', values: { first_name: 'x' } }, jane).catch(() => {});
    expect(calls).toEqual([
      ['enqueue', 'data.query'],
      ['enqueue', 'workspace.objects'],
      ['append', 'data.create'],
    ]);
  });

  it('audit.waitForCommit in the workspace makes reads await their commit', async () => {
    const { calls, sink } = spy();
    const api = createApi(t.app, undefined, { audit: sink });
    const config = t.app.workspace!.config;
    config.audit.waitForCommit = true;
    try {
      await api.call('data.query', query, jane);
    } finally {
      config.audit.waitForCommit = false;
    }
    await api.call('data.query', query, jane);
    expect(calls).toEqual([
      ['append', 'data.query'],
      ['enqueue', 'data.query'],
    ]);
  });

  it('with the real log: waitForCommit leaves nothing uncommitted when the call returns; the default mode is on the record after flush()', async () => {
    const log = t.app.audit;
    await log.flush();
    const strict = createApi(t.app, undefined, { waitForCommit: true });
    await strict.call('data.query', query, jane);
    expect(log.queued).toBe(0);
    const before = log.list({ user: 'jane.peacock' }).length;
    const api = createApi(t.app);
    const res = (await api.call('data.query', query, jane)) as { rows: unknown[] };
    expect(res.rows).toHaveLength(1);
    await log.flush();
    const after = log.list({ user: 'jane.peacock' });
    expect(after).toHaveLength(before + 1);
    expect(after.at(-1)).toMatchObject({ operation: 'data.query', object: 'customer', rowCount: 1, outcome: 'ok' });
    expect(log.verify().ok).toBe(true);
  });

  it('the setting is declared in the workspace config schema, default false, strict', () => {
    expect(WorkspaceConfigSchema.parse({ name: 'w' }).audit).toEqual({ waitForCommit: false });
    expect(WorkspaceConfigSchema.parse({ name: 'w', audit: { waitForCommit: true } }).audit.waitForCommit).toBe(true);
    expect(WorkspaceConfigSchema.safeParse({ name: 'w', audit: { waitforcommit: true } }).success).toBe(false);
  });
});
