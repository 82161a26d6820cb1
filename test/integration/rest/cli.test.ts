// `objectdesk token create|list|revoke --user NAME` and `objectdesk serve --api [--listen HOST:PORT]`, run
// in-process through the command functions the CLI program wires.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runServeApi, runToken, type TokenCommandOptions } from '../../../src/main/cli/commands/token';
import type { CliIO } from '../../../src/main/cli/io';
import { DEMO_WORKSPACE } from '../../helpers/app';

let dataDir: string;
beforeAll(() => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'objectdesk-cli-tokens-'));
});
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

function io(): CliIO & { text: () => { out: string; err: string } } {
  let out = '';
  let err = '';
  const sink = (append: (s: string) => void) => new Writable({ write: (c, _e, cb) => (append(String(c)), cb()) });
  const stdin = new PassThrough();
  stdin.end();
  return { out: sink((s) => (out += s)), err: sink((s) => (err += s)), stdin, isTTY: false, text: () => ({ out, err }) };
}

const base = (user: string, extra: Partial<TokenCommandOptions>): TokenCommandOptions => ({ workspace: DEMO_WORKSPACE, dataDir, user, action: 'list', ...extra });

async function token(user: string, extra: Partial<TokenCommandOptions>) {
  const o = io();
  const code = await runToken(base(user, extra), o);
  return { code, ...o.text() };
}

describe('objectdesk token', () => {
  test('create prints the token once (stdout) with a note (stderr); list never shows it; revoke', async () => {
    const created = await token('jane.peacock', { action: 'create', name: 'notebook' });
    expect(created.code).toBe(0);
    const tok = created.out.trim();
    expect(tok).toMatch(/^odp_[a-z0-9]{12}_[A-Za-z0-9_-]{43}$/);
    expect(created.err).toMatch(/only time it is shown/);
    const id = tok.slice(4, 16);

    const listed = await token('jane.peacock', { action: 'list' });
    expect(listed.out).toContain(id);
    expect(listed.out).toContain('notebook');
    expect(listed.out).toContain('active');
    expect(listed.out).not.toContain(tok.slice(17));

    // Not hers: the CLI program turns the ApiError into exit code 1 with the message.
    await expect(runToken(base('nancy.edwards', { action: 'revoke', id }), io())).rejects.toMatchObject({ code: 'not_found' });
    const revoked = await token('jane.peacock', { action: 'revoke', id });
    expect(revoked.code).toBe(0);
    expect(revoked.out).toMatch(new RegExp(`Revoked ${id}`));
    expect((await token('jane.peacock', { action: 'list', json: true })).out).toMatch(/"revokedAt"/);
  });

  test('usage errors exit 2; an admin may create for another user, others may not', async () => {
    expect((await token('jane.peacock', { action: 'revoke' })).code).toBe(2);
    const forJane = await token('andrew.adams', { action: 'create', for: 'jane.peacock', json: true });
    expect(JSON.parse(forJane.out).info).toMatchObject({ user: 'jane.peacock', createdBy: 'andrew.adams' });
    await expect(runToken(base('nancy.edwards', { action: 'create', for: 'jane.peacock' }), io())).rejects.toMatchObject({ code: 'forbidden' });
  });
});

describe('objectdesk serve --api', () => {
  test('serves REST and GraphQL on 127.0.0.1 by default, with a token from `token create`', async () => {
    const tok = (await token('nancy.edwards', { action: 'create' })).out.trim();
    const o = io();
    let stop!: () => void;
    const until = new Promise<void>((r) => (stop = r));
    const running = runServeApi({ workspace: DEMO_WORKSPACE, dataDir, json: true, withUi: false }, o, until);
    let printed: { api: string; graphql: string; exposed: boolean } | undefined;
    for (let i = 0; i < 200 && !printed; i++) {
      const line = o.text().out.split('\n').find((l) => l.startsWith('{'));
      if (line) printed = JSON.parse(line);
      else await new Promise((r) => setTimeout(r, 25));
    }
    expect(printed!.api).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(printed!.exposed).toBe(false);
    const res = await fetch(`${printed!.graphql}`, { method: 'POST', headers: { authorization: `Bearer ${tok}`, 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ me }' }) });
    expect(await res.json()).toEqual({ data: { me: 'nancy.edwards' } });
    stop();
    expect(await running).toBe(0);
    expect(o.text().err).not.toMatch(/WARNING/);
  });

  test('--listen on another address warns; a bad --listen exits 2', async () => {
    const o = io();
    let stop!: () => void;
    const until = new Promise<void>((r) => (stop = r));
    const running = runServeApi({ workspace: DEMO_WORKSPACE, dataDir, withUi: false, listen: '0.0.0.0:0' }, o, until);
    for (let i = 0; i < 200 && !o.text().out.includes('Ctrl+C'); i++) await new Promise((r) => setTimeout(r, 25));
    expect(o.text().err).toMatch(/WARNING: the ObjectDesk API is listening on 0\.0\.0\.0/);
    stop();
    expect(await running).toBe(0);

    const bad = io();
    expect(await runServeApi({ workspace: DEMO_WORKSPACE, dataDir, listen: 'nowhere' }, bad)).toBe(2);
    expect(bad.text().err).toMatch(/--listen expects HOST:PORT/);
  });
});
