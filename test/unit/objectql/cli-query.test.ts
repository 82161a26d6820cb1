/** `objectdesk query` against the bundled demo workspace, in-process. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { runQuery, toCsv } from '../../../src/main/cli/commands/query';
import { REPO } from './fixtures/engines';

const dataDir = mkdtempSync(path.join(tmpdir(), 'objectql-cli-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

async function run(json: string, extra: { explain?: boolean; format?: 'table' | 'json' | 'csv' } = {}) {
  const out = new PassThrough();
  const err = new PassThrough();
  let o = '';
  let e = '';
  out.on('data', (d) => (o += d));
  err.on('data', (d) => (e += d));
  const code = await runQuery({ workspace: path.join(REPO, 'objects'), dataDir, json, explain: extra.explain ?? false, format: extra.format ?? 'table' }, { out, err });
  return { code, out: o, err: e };
}

describe('objectdesk query', () => {
  it('prints rows as JSON', async () => {
    const r = await run('{"object":"genre","fields":["name"],"where":{"name":{"$startsWith":"Rock"}}}', { format: 'json' });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toEqual([{ name: 'Rock' }, { name: 'Rock And Roll' }]);
  });

  it('prints a table with a summary line', async () => {
    const r = await run('{"object":"invoice","groupBy":["billing_country"],"aggregations":[{"function":"sum","field":"total","alias":"revenue"}],"orderBy":[{"field":"revenue","order":"desc"}],"limit":2}');
    expect(r.out.split('\n')[2]).toMatch(/^USA\s+523\.06$/);
    expect(r.err).toMatch(/2 row\(s\) · chinook \(sqlite, pushdown\) · 2 read/);
  });

  it('--explain prints the SQL and its parameters without running', async () => {
    const r = await run('{"object":"customer","where":{"country":"Norway"}}', { explain: true });
    expect(r.code).toBe(0);
    expect(r.out).toContain('where "t0"."Country" = ?');
    expect(r.out).toContain('parameters: ["Norway",1000]');
  });

  it('a refused query exits 1 with the path and what is allowed', async () => {
    const r = await run('{"object":"customer","where":{"total":1}}');
    expect(r.code).toBe(1);
    expect(r.err).toContain('where.total: unknown field "total"');
    expect(r.err).toContain('allowed: address');
  });

  it('not JSON exits 2', async () => {
    expect((await run('{object: customer}')).code).toBe(2);
  });
});

it('CSV quotes separators, quotes and newlines and writes nested values as JSON', () => {
  expect(toCsv([{ a: 'x,y', b: 'say "hi"', c: { d: 1 }, e: null }])).toBe('a,b,c,e\r\n"x,y","say ""hi""","{""d"":1}",\r\n');
});
