/**
 * What the user is told on a machine without a usable keychain. A child process gets an environment
 * with no usable keychain, as on a headless Linux; it must say so plainly, offer the environment variable
 * route, and write no file in place of the keychain.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../../..');
const probe = join(import.meta.dirname, 'fixtures/probe.ts');

interface ProbeResult {
  availability: { ok: boolean; reason?: string; howToFix?: string };
  resolveError: { code: string; message: string; howToFix: string } | null;
  cli: { statusCode: number; err: string };
}

function runProbe(command: string[], env: NodeJS.ProcessEnv): { result: ProbeResult; home: string[] } {
  const home = mkdtempSync(join(tmpdir(), 'objectdesk-nokeychain-'));
  chmodSync(home, 0o700);
  try {
    const childEnv: NodeJS.ProcessEnv = { ...process.env, HOME: home, XDG_DATA_HOME: join(home, 'data'), XDG_RUNTIME_DIR: home, ...env };
    delete childEnv.DISPLAY;
    delete childEnv.WAYLAND_DISPLAY;
    for (const [k, v] of Object.entries(env)) if (v === undefined) delete childEnv[k];
    const argv = [...command, process.execPath, '--import', 'tsx', probe];
    const child = spawnSync(argv[0], argv.slice(1), {
      cwd: root,
      env: childEnv,
      encoding: 'utf8',
      timeout: 90_000,
    });
    expect(child.status, child.stderr).toBe(0);
    return { result: JSON.parse(child.stdout) as ProbeResult, home: readdirSync(home, { recursive: true }) as string[] };
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

function expectPlainRefusal(result: ProbeResult) {
  expect(result.availability.ok).toBe(false);
  expect(result.availability.howToFix).toMatch(/process\.env\.[A-Z_]+_PASSWORD/);
  expect(result.availability.howToFix).toMatch(/never falls back to storing passwords in a plaintext file/);
  expect(result.resolveError?.code).toBe('keychain_unavailable');
  expect(result.resolveError?.message).toMatch(/datasource "business_primary"/i);
  expect(result.resolveError?.howToFix).toContain('process.env.BUSINESS_PRIMARY_PASSWORD');
  expect(result.cli.statusCode).toBe(1);
  expect(result.cli.err).toContain('process.env.');
}

describe('no usable keychain', () => {
  it('a D-Bus address that leads nowhere: "no D-Bus session", with the environment variable route', () => {
    const { result, home } = runProbe([], { DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/objectdesk-test-bus' });
    expectPlainRefusal(result);
    expect(result.availability.reason).toMatch(/^No OS keychain is available: there is no D-Bus session/);
    expect(home).toEqual([]);
  });

  it('no D-Bus session at all (a plain ssh or container shell)', () => {
    const { result } = runProbe([], { DBUS_SESSION_BUS_ADDRESS: undefined });
    expectPlainRefusal(result);
    expect(result.availability.reason).toMatch(/no D-Bus session/);
  });

  const hasDbus = spawnSync('sh', ['-c', 'command -v dbus-run-session && command -v gnome-keyring-daemon']).status === 0;
  it.skipIf(!hasDbus)('a Secret Service without an unlocked login keyring', () => {
    const { result } = runProbe(['dbus-run-session', '--'], {});
    expectPlainRefusal(result);
    expect(result.availability.reason).toMatch(/no login keyring|locked/);
  });
});
