/**
 * Schedules in the workspace's time zone (DST included) with an injected clock — no sleeping: next runs,
 * the run that is just due, missed runs after a sleep reported (never replayed), and change polling on a
 * watermark column of a SQLite copy whose rows change, each change picked up exactly once.
 */
import Database from 'better-sqlite3';
import { afterEach, describe, expect, test } from 'vitest';
import { createApi } from '../../../src/main/api';
import { decideDue, FlowScheduler, FlowService, nextRuns } from '../../../src/main/flows';
import type { RunDto } from '../../../src/shared/api/contract-flows';
import { openTestApp } from '../../helpers/app';
import { flowFile, flowWorkspace } from './workspace';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const iso = (ds: Date[]) => ds.map((d) => d.toISOString());

describe('schedule arithmetic', () => {
  test('next runs are computed in the time zone, across both DST changes', () => {
    // Mondays 09:00 New York: 14:00Z in winter, 13:00Z after the switch on 9 March 2025.
    expect(iso(nextRuns('0 9 * * 1', 'America/New_York', new Date('2025-03-01T00:00:00Z'), 3))).toEqual([
      '2025-03-03T14:00:00.000Z',
      '2025-03-10T13:00:00.000Z',
      '2025-03-17T13:00:00.000Z',
    ]);
    // 02:30 Berlin does not exist on 30 March 2025 (runs at 03:00 CEST), and happens twice on 26 October (runs once).
    expect(iso(nextRuns('30 2 * * *', 'Europe/Berlin', new Date('2025-03-29T00:00:00Z'), 3))).toEqual([
      '2025-03-29T01:30:00.000Z',
      '2025-03-30T01:00:00.000Z',
      '2025-03-31T00:30:00.000Z',
    ]);
    expect(iso(nextRuns('30 2 * * *', 'Europe/Berlin', new Date('2025-10-25T12:00:00Z'), 2))).toEqual(['2025-10-26T00:30:00.000Z', '2025-10-27T01:30:00.000Z']);
    expect(iso(nextRuns('0 8 * * *', 'UTC', new Date('2025-01-01T08:00:00Z'), 1))).toEqual(['2025-01-02T08:00:00.000Z']);
  });

  test('what is due: the just-due occurrence runs, older ones are missed', () => {
    const cron = '0 9 * * *';
    const zone = 'Europe/Berlin';
    expect(decideDue(cron, zone, new Date('2025-03-28T07:00:00Z'), new Date('2025-03-28T07:59:00Z'), 120_000)).toEqual({ missed: [], moreMissed: false });
    expect(decideDue(cron, zone, new Date('2025-03-28T07:00:00Z'), new Date('2025-03-28T08:01:00Z'), 120_000)).toEqual({
      run: new Date('2025-03-28T08:00:00Z'),
      missed: [],
      moreMissed: false,
    });
    // Asleep from Friday to Monday morning: Saturday, Sunday (07:00Z after DST) and today's 07:00Z, an hour late, are all missed.
    const d = decideDue(cron, zone, new Date('2025-03-28T08:01:00Z'), new Date('2025-03-31T08:01:00Z'), 120_000);
    expect(d.run).toBeUndefined();
    expect(iso(d.missed)).toEqual(['2025-03-29T08:00:00.000Z', '2025-03-30T07:00:00.000Z', '2025-03-31T07:00:00.000Z']);
  });
});

describe('the scheduler', () => {
  async function setup(flows: Record<string, string>, start: string) {
    const ws = flowWorkspace(flows);
    const t = await openTestApp({ workspaceDir: ws.dir, user: 'ops.olivia' });
    cleanups.push(ws.cleanup, () => t.dispose());
    let now = new Date(start);
    const api = createApi(t.app);
    const service = new FlowService(t.app, api, { clock: () => now });
    const all = new FlowScheduler(service);
    // The demo's own scheduled flows are in the copied workspace too; these tests look at theirs only.
    const mine = new Set(Object.keys(flows).map((f) => f.replace('.flow.ts', '')));
    const scheduler = {
      tick: async () => {
        const r = await all.tick();
        return { ran: r.ran.filter((x) => mine.has(x.flow)), missed: r.missed.filter((x) => mine.has(x.flow)) };
      },
    };
    const olivia = { user: 'ops.olivia', via: 'ui' as const };
    return {
      ws,
      api,
      scheduler,
      at: (when: string) => (now = new Date(when)),
      runs: async () => ((await api.call('flows.runs', {}, olivia)) as { runs: RunDto[] }).runs,
      inbox: async () => ((await api.call('inbox.list', {}, olivia)) as { items: { title: string; message: string }[] }).items,
    };
  }

  test('runs a scheduled flow when due and reports the runs missed while asleep without replaying them', async () => {
    const s = await setup(
      {
        'daily.flow.ts': flowFile(`{
  name: 'daily', owner: 'ops.olivia', trigger: { type: 'schedule', cron: '0 9 * * *', timezone: 'Europe/Berlin' },
  steps: [{ id: 'n', type: 'notify', title: 'run for {{trigger.scheduledFor}}', message: '' }],
}`),
      },
      '2025-03-28T07:00:00Z',
    );
    expect(await s.scheduler.tick()).toEqual({ ran: [], missed: [] }); // first sight: starts counting now
    s.at('2025-03-28T07:59:00Z');
    expect((await s.scheduler.tick()).ran).toEqual([]);
    s.at('2025-03-28T08:00:20Z');
    const due = await s.scheduler.tick();
    expect(due.ran).toMatchObject([{ flow: 'daily', status: 'succeeded', trigger: 'schedule' }]);
    expect((await s.inbox()).map((i) => i.title)).toEqual(['run for 2025-03-28T08:00:00.000Z']);

    s.at('2025-03-31T08:01:00Z');
    const late = await s.scheduler.tick();
    expect(late.ran).toEqual([]);
    expect(late.missed).toEqual([{ flow: 'daily', scheduledFor: ['2025-03-29T08:00:00.000Z', '2025-03-30T07:00:00.000Z', '2025-03-31T07:00:00.000Z'], more: false }]);
    const runs = await s.runs();
    expect(runs.filter((r) => r.status === 'missed').map((r) => r.triggerInfo?.scheduledFor).sort()).toEqual(['2025-03-29T08:00:00.000Z', '2025-03-30T07:00:00.000Z', '2025-03-31T07:00:00.000Z']);
    expect(runs.filter((r) => r.status === 'succeeded')).toHaveLength(1);
    expect((await s.inbox())[0]!.title).toBe('"daily" missed 3 scheduled run(s)');

    s.at('2025-04-01T07:00:05Z');
    expect((await s.scheduler.tick()).ran).toHaveLength(1);
    s.at('2025-04-01T07:00:30Z');
    expect((await s.scheduler.tick()).ran).toEqual([]);
  });

  test('change polling on a watermark column picks up each inserted or changed record exactly once', async () => {
    const s = await setup(
      {
        'watch.flow.ts': flowFile(`{
  name: 'watch', owner: 'ops.olivia', trigger: { type: 'change', object: 'invoice', watermark: 'invoice_date', every: 60 },
  steps: [{ id: 'n', type: 'notify', title: '{{trigger.count}} new', message: '{{trigger.rows.invoice_id}}' }],
}`),
      },
      '2025-01-01T00:00:00Z',
    );
    const db = new Database(s.ws.sqliteFile!);
    cleanups.push(() => {
    db.close();
  });
    const insert = (id: number, date: string) =>
      db.prepare(`INSERT INTO Invoice (InvoiceId, CustomerId, InvoiceDate, BillingCountry, Total) VALUES (?, 1, ?, 'Brazil', 1.98)`).run(id, date);
    const seen = async () => (await s.inbox()).map((i) => i.message).reverse();

    expect((await s.scheduler.tick()).ran).toEqual([]); // baseline: the existing 412 invoices do not trigger
    insert(1001, '2030-01-01 00:00:00');
    s.at('2025-01-01T00:00:30Z');
    expect((await s.scheduler.tick()).ran).toEqual([]); // not yet: every 60 s
    s.at('2025-01-01T00:01:01Z');
    expect((await s.scheduler.tick()).ran).toMatchObject([{ flow: 'watch', status: 'succeeded', rows: 1 }]);
    s.at('2025-01-01T00:02:02Z');
    expect((await s.scheduler.tick()).ran).toEqual([]); // nothing new: not again

    insert(1002, '2030-01-02 00:00:00');
    insert(1003, '2030-01-02 00:00:00');
    s.at('2025-01-01T00:03:03Z');
    await s.scheduler.tick();
    insert(1004, '2030-01-02 00:00:00'); // same timestamp as the last seen: the key breaks the tie
    db.prepare(`UPDATE Invoice SET InvoiceDate = '2030-02-01 00:00:00' WHERE InvoiceId = 1001`).run();
    s.at('2025-01-01T00:04:04Z');
    await s.scheduler.tick();
    s.at('2025-01-01T00:05:05Z');
    await s.scheduler.tick();
    expect(await seen()).toEqual(['[1001]', '[1002,1003]', '[1004,1001]']);
  });
});
