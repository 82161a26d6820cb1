/** `objectdesk validate [--routing]` output and exit codes (runValidate, as the CLI calls it). */
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { runValidate } from '../../../src/main/cli/commands/validate';
import { config, objectFile, removeWorkspaces, writeWorkspace } from './workspace-builder';

afterAll(removeWorkspaces);
const demo = path.resolve(__dirname, '../../../objects');

async function run(workspace: string, json = false, routing = false): Promise<{ code: number; text: string }> {
  const out = new PassThrough();
  let text = '';
  out.on('data', (c) => (text += String(c)));
  const code = await runValidate({ workspace, json, routing }, out);
  return { code, text };
}

describe('runValidate', () => {
  it('exits 0 on the demo workspace and explains the routing of every object', async () => {
    const { code, text } = await run(demo, false, true);
    expect(code).toBe(0);
    expect(text).toContain('Routing (2 datasourceMapping rules):');
    expect(text.match(/→ chinook/g)).toHaveLength(11);
    expect(text).toContain(`datasourceMapping[0] { namespace: 'chinook', datasource: 'chinook' } is the first rule that matches: its namespace is "chinook"`);
    expect(text).toMatch(/Chinook demo \(.*\): 11 objects, 1 datasource — no problems\.\n$/);
  });

  it('exits 1 and prints each problem with file, line, object and key', async () => {
    const root = writeWorkspace({ 'objectdesk.config.ts': config(), 'a.object.ts': objectFile('a', undefined, `  lable: 'A',`) });
    const { code, text } = await run(root);
    expect(code).toBe(1);
    expect(text).toContain('  a.object.ts:4: object "a", key "lable": unknown key "lable" — remove it or check its spelling [unknown-key]');
  });

  it('prints JSON with --json, including unrouted objects', async () => {
    const root = writeWorkspace({ 'objectdesk.config.ts': config('', { mapping: `[{ namespace: 'biz', datasource: 'main' }]` }), 'x.object.ts': objectFile('x') });
    const { code, text } = await run(root, true, true);
    expect(code).toBe(1);
    const parsed = JSON.parse(text);
    expect(parsed).toMatchObject({ ok: false, name: 'Test', objects: 0, datasources: ['main'] });
    expect(parsed.problems.map((p: { kind: string }) => p.kind)).toEqual(['unmatched-object']);
    expect(parsed.routing).toEqual([expect.objectContaining({ object: 'x', datasource: null })]);
  });

  it('exits 1 with one line when the folder does not exist', async () => {
    const missing = path.join(writeWorkspace({}), 'missing');
    expect(await run(missing)).toEqual({ code: 1, text: `Workspace folder not found: ${missing} — pass an existing folder (it holds objectdesk.config.ts).\n` });
  });
});
