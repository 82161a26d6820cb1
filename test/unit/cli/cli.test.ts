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
