// The CLI's contract: usage errors exit 2 with the usage, problems exit 1 with one clear line.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../../helpers/cli';
import { DEMO_WORKSPACE } from '../../helpers/app';

describe('objectdesk CLI', () => {
  it('prints usage and exits 2 for an unknown flag', async () => {
    const r = await cli(['--no-such-flag']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/unknown option '--no-such-flag'/);
    expect(r.err).toMatch(/Usage: objectdesk/);
  });

  it('prints usage and exits 2 for an unknown command', async () => {
    const r = await cli(['frobnicate']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/unknown command 'frobnicate'/);
    expect(r.err).toMatch(/Usage: objectdesk/);
  });

  it('exits 2 for an unknown flag on a subcommand', async () => {
    const r = await cli(['info', '--bogus']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/unknown option '--bogus'/);
  });

  it('exits 2 with usage when given nothing', async () => {
    const r = await cli([]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/Usage: objectdesk/);
  });

  it('--help and --version exit 0', async () => {
    const help = await cli(['--help']);
    expect(help.code).toBe(0);
    expect(help.out).toMatch(/serve/);
    expect(help.out).toMatch(/--workspace <dir>/);
    const version = await cli(['--version']);
    expect(version.code).toBe(0);
    expect(version.out.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('a missing workspace folder is one clear line naming the path, exit 1', async () => {
    const missing = path.join('/tmp', `no-such-workspace-${process.pid}`);
    const r = await cli(['info', '--workspace', missing]);
    expect(r.code).toBe(1);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toContain(missing);
  });

  it('info --json describes the demo workspace and the signed-in user', async () => {
    const r = await cli(['info', '--json', '--workspace', DEMO_WORKSPACE, '--data-dir', '/tmp/objectdesk-cli-test']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const info = JSON.parse(r.out);
    expect(info).toMatchObject({ name: 'ObjectDesk', mode: 'cli', workspace: { path: DEMO_WORKSPACE, problems: [] } });
    expect(info.workspace.objectCount).toBeGreaterThan(0);
  });

  it('an unknown --user is a usage error naming the users', async () => {
    const r = await cli(['info', '--user', 'mallory', '--workspace', DEMO_WORKSPACE, '--data-dir', '/tmp/objectdesk-cli-test']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/Unknown user "mallory"/);
  });
});

describe('objectdesk query', () => {
  it('runs an aggregation pushed down to SQLite and prints a table', async () => {
    const r = await cli([
      'query',
      '{"object":"invoice","aggregations":[{"function":"count","alias":"n"}],"groupBy":["billing_country"],"orderBy":[{"field":"n","order":"desc"}],"limit":1}',
      '--workspace', DEMO_WORKSPACE, '--data-dir', '/tmp/objectdesk-cli-test',
    ]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/USA\s+91/);
  });

  it('--json prints rows as JSON and --explain prints the SQL without running it', async () => {
    const q = '{"object":"customer","fields":["first_name"],"where":{"country":"Norway"}}';
    const j = await cli(['query', q, '--json', '--workspace', DEMO_WORKSPACE, '--data-dir', '/tmp/objectdesk-cli-test']);
    expect(j.code).toBe(0);
    expect(JSON.parse(j.out)).toEqual([{ first_name: 'Bjørn' }]);
    const e = await cli(['query', q, '--explain', '--workspace', DEMO_WORKSPACE, '--data-dir', '/tmp/objectdesk-cli-test']);
    expect(e.code).toBe(0);
    expect(e.out).toMatch(/from "Customer"/);
    expect(e.out).toMatch(/parameters: \["Norway"/);
  });

  it('a bad query is refused with the AST path, exit 1; bad JSON is usage, exit 2', async () => {
    const bad = await cli(['query', '{"object":"customer","where":{"country":{"$like":"%"}}}', '--workspace', DEMO_WORKSPACE, '--data-dir', '/tmp/objectdesk-cli-test']);
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/where\.country/);
    const notJson = await cli(['query', '{oops', '--workspace', DEMO_WORKSPACE]);
    expect(notJson.code).toBe(2);
  });

  it('an unknown --format is a usage error', async () => {
    const r = await cli(['query', '{}', '--format', 'xml']);
    expect(r.code).toBe(2);
  });
});
