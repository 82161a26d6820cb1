// The desk's operations through the API as a caller: export, saved queries, health, audit reads, modeler.
import { cpSync, mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApi, type Api } from '../../../src/main/api';
import { DEMO_WORKSPACE, openTestApp } from '../../helpers/app';

const admin = { user: 'andrew.adams', via: 'ui' as const };
const agent = { user: 'jane.peacock', via: 'ui' as const };

async function collect(api: Api, op: string, input: unknown, session = admin) {
  const events: Array<Record<string, unknown>> = [];
  for await (const e of api.stream(op, input, session)) events.push(e as Record<string, unknown>);
  return events;
}

describe('desk operations on the demo workspace', () => {
  let t: Awaited<ReturnType<typeof openTestApp>>;
  let api: Api;
  beforeAll(async () => {
    t = await openTestApp();
    api = createApi(t.app);
  });
  afterAll(async () => t.dispose());

  it('exports every matching row as CSV with chosen headers, in order', async () => {
    const events = await collect(api, 'data.export', {
      format: 'csv',
      query: { object: 'customer', fields: ['customer_id', 'last_name', 'country'], where: { country: 'Brazil' }, orderBy: [{ field: 'customer_id', order: 'asc' }] },
      columns: [{ key: 'customer_id', label: 'Customer ID' }, { key: 'last_name', label: 'Last Name' }, { key: 'country', label: 'Country' }],
    });
    expect(events[0]).toMatchObject({ kind: 'start', filename: expect.stringMatching(/^customer-.*\.csv$/) });
    const text = events.filter((e) => e.kind === 'chunk').map((e) => e.data).join('');
    const lines = text.replace(/^\uFEFF/, '').trim().split('\n');
    expect(lines[0]).toBe('Customer ID,Last Name,Country');
    expect(lines.length).toBe(1 + 5);
    expect(lines[1]).toBe('1,Gonçalves,Brazil');
    expect(events.at(-1)).toMatchObject({ kind: 'done', rows: 5 });
  });

  it('exports a readable XLSX workbook', async () => {
    const events = await collect(api, 'data.export', { format: 'xlsx', query: { object: 'genre', fields: ['genre_id', 'name'], orderBy: [{ field: 'genre_id' }] } });
    const buf = Buffer.concat(events.filter((e) => e.kind === 'chunk').map((e) => Buffer.from(String(e.data), 'base64')));
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(buf as never);
    const sheet = wb.worksheets[0]!;
    expect(sheet.getRow(1).values).toEqual([undefined, 'genre_id', 'name']);
    expect(sheet.getRow(2).values).toEqual([undefined, 1, 'Rock']);
    expect(sheet.rowCount).toBe(1 + 25);
  });

  it('refuses an export of an unknown object with a path', async () => {
    await expect(collect(api, 'data.export', { format: 'csv', query: { object: 'nope' } })).rejects.toMatchObject({ code: 'not_found' });
  });

  it('saves, lists, reopens and deletes a query per user', async () => {
    const q = { object: 'invoice', aggregations: [{ function: 'sum', field: 'total', alias: 'sales' }], groupBy: ['billing_country'] };
    const saved = (await api.call('queries.save', { name: 'Sales by country', query: q, chart: { type: 'bar', x: 'billing_country', y: ['sales'] } }, admin)) as { id: string };
    expect(await api.call('queries.list', {}, admin)).toEqual([expect.objectContaining({ id: saved.id, name: 'Sales by country', object: 'invoice' })]);
    expect(await api.call('queries.list', {}, agent)).toEqual([]);
    await expect(api.call('queries.get', { id: saved.id }, agent)).rejects.toMatchObject({ code: 'not_found' });
    expect(await api.call('queries.get', { id: saved.id }, admin)).toMatchObject({ query: q, chart: { type: 'bar' } });
    await api.call('queries.save', { id: saved.id, name: 'Renamed', query: q }, admin);
    expect(await api.call('queries.get', { id: saved.id }, admin)).toMatchObject({ name: 'Renamed' });
    expect(await api.call('queries.delete', { id: saved.id }, agent)).toEqual({ deleted: false });
    expect(await api.call('queries.delete', { id: saved.id }, admin)).toEqual({ deleted: true });
  });

  it('does not save a query the engine rejects', async () => {
    await expect(api.call('queries.save', { name: 'bad', query: { object: 'invoice', fields: ['no_such_field'] } }, admin)).rejects.toMatchObject({ code: 'bad_request' });
  });

  it('reports datasource health', async () => {
    expect(await api.call('desk.health', {}, admin)).toEqual([expect.objectContaining({ name: 'chinook', status: 'ok', driver: 'sqlite' })]);
  });

  it('lists audit entries newest first, filtered, and verifies the chain', async () => {
    await api.call('data.query', { query: { object: 'genre', limit: 1 } }, admin);
    await api.call('data.query', { query: { object: 'genre', limit: 2 } }, admin);
    const { entries } = (await api.call('audit.list', { object: 'genre', limit: 10 }, admin)) as { entries: Array<{ seq: number; object: string; user: string }> };
    expect(entries.length).toBeGreaterThanOrEqual(2);
    expect(entries.every((e) => e.object === 'genre' && e.user === 'andrew.adams')).toBe(true);
    expect(entries[0]!.seq).toBeGreaterThan(entries[1]!.seq);
    const one = (await api.call('audit.list', { object: 'genre', limit: 1 }, admin)) as { entries: unknown[]; truncated: boolean };
    expect(one).toMatchObject({ truncated: true });
    expect(one.entries).toHaveLength(1);
    expect(await api.call('audit.verify', {}, admin)).toMatchObject({ ok: true, problems: [] });
  });

  it('keeps non-admins to their own audit entries', async () => {
    await expect(api.call('audit.list', { user: 'andrew.adams' }, agent)).rejects.toMatchObject({ code: 'forbidden' });
    await expect(api.call('audit.verify', {}, agent)).rejects.toMatchObject({ code: 'forbidden' });
  });

  it('shows the live catalog with the objects that already read each table', async () => {
    const cat = (await api.call('modeler.catalog', { datasource: 'chinook' }, admin)) as { tables: Array<{ name: string; object?: string; columns: Array<{ name: string; primaryKey: boolean; references?: string }> }> };
    const invoice = cat.tables.find((x) => x.name === 'Invoice')!;
    expect(invoice.object).toBe('invoice');
    expect(invoice.columns.find((c) => c.name === 'InvoiceId')!.primaryKey).toBe(true);
    expect(invoice.columns.find((c) => c.name === 'CustomerId')!.references).toBe('Customer');
    await expect(api.call('modeler.catalog', { datasource: 'nope' }, admin)).rejects.toMatchObject({ code: 'not_found', path: 'datasource' });
    await expect(api.call('modeler.catalog', { datasource: 'chinook' }, agent)).rejects.toMatchObject({ code: 'forbidden' });
  });

  it('reports no drift for the demo objects', async () => {
    expect(await api.call('modeler.drift', { datasource: 'chinook' }, admin)).toEqual({ items: [] });
  });
});

describe('modeler import into a copy of the workspace', () => {
  let dir: string;
  let t: Awaited<ReturnType<typeof openTestApp>>;
  let api: Api;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'objectdesk-modeler-'));
    cpSync(DEMO_WORKSPACE, dir, { recursive: true });
    rmSync(path.join(dir, 'chinook', 'genre.object.ts'));
    rmSync(path.join(dir, 'chinook', 'media_type.object.ts'));
    // Track looks both up and the permission sets name them: the workspace has problems until they are back.
    t = await openTestApp({ workspaceDir: dir });
    api = createApi(t.app);
  });
  afterAll(async () => {
    await t.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('previews new files with form edits applied, writes them, and the objects appear', async () => {
    const sel = {
      datasource: 'chinook',
      tables: ['Genre', 'MediaType'],
      overrides: { Genre: { label: 'Music genre', description: 'Style of a track.', fields: { name: { label: 'Genre name' } } }, MediaType: { fields: {} } },
    };
    const preview = (await api.call('modeler.preview', sel, admin)) as { files: Array<{ object: string; action: string; content: string; path: string; label?: string }> };
    expect(preview.files.map((f) => [f.object, f.action])).toEqual([['genre', 'create'], ['media_type', 'create']]);
    const genre = preview.files[0]!;
    expect(genre.content).toContain("label: 'Music genre'");
    expect(genre.content).toContain("description: 'Style of a track.'");
    expect(genre.label).toBe('Music genre');
    expect(existsSync(path.join(dir, genre.path))).toBe(false);

    const before = ((await api.call('workspace.objects', {}, admin)) as unknown[]).length;
    expect(t.app.problems.length).toBeGreaterThan(0);
    const res = (await api.call('modeler.import', sel, admin)) as { written: string[]; objects: number; problems: number };
    expect(res.written).toEqual([path.join('chinook', 'genre.object.ts'), path.join('chinook', 'media_type.object.ts')]);
    expect(res.problems).toBe(0);
    expect(res.objects).toBe(before + 2);
    expect(readFileSync(path.join(dir, 'chinook', 'genre.object.ts'), 'utf8')).toContain("label: 'Genre name'");
    const described = (await api.call('objects.describe', { objectName: 'genre' }, admin)) as { label: string };
    expect(described.label).toBe('Music genre');
  });
});
