import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runSecret } from '../../../src/main/cli/commands/secret';
import type { Availability } from '../../../src/main/secrets';
import { InMemorySecretStoreForTests } from '../../helpers/keychain';

const VALUE = 'piped-Pa55-word-91c';

function harness(opts: { isTTY?: boolean; stdin?: string | null; raw?: boolean } = {}) {
  const stdin = new PassThrough() as PassThrough & { setRawMode?: (raw: boolean) => void; isRaw?: boolean; rawCalls: boolean[] };
  stdin.rawCalls = [];
  if (opts.raw) {
    stdin.isRaw = false;
    stdin.setRawMode = (raw: boolean) => {
      stdin.rawCalls.push(raw);
      stdin.isRaw = raw;
    };
  }
  if (opts.stdin !== null && opts.stdin !== undefined) stdin.end(opts.stdin);
  else if (opts.stdin === undefined && !opts.isTTY) stdin.end();
  let out = '';
  let err = '';
  const outS = new PassThrough().on('data', (c) => (out += c));
  const errS = new PassThrough().on('data', (c) => (err += c));
  return { io: { stdin, out: outS, err: errS, isTTY: opts.isTTY ?? false }, stdin, text: () => ({ out, err }) };
}

const ws = '/tmp/workspace';

describe('objectdesk secret', () => {
  it('set reads a piped value without its trailing newline, and status never shows it', async () => {
    const store = new InMemorySecretStoreForTests();
    const h = harness({ stdin: `${VALUE}\n` });
    expect(await runSecret({ action: 'set', datasource: 'business_primary', workspace: ws }, h.io, { store })).toBe(0);
    expect(await store.get('business_primary')).toBe(VALUE);
    expect(h.text().out).toMatch(/password stored in the OS keychain/);

    const s = harness();
    expect(await runSecret({ action: 'status', datasource: 'business_primary', workspace: ws }, s.io, { store })).toBe(0);
    expect(s.text().out).toMatch(/present/);
    expect(JSON.stringify([h.text(), s.text()])).not.toContain(VALUE);
  });

  it('set says "replaced" when rotating', async () => {
    const store = new InMemorySecretStoreForTests();
    await store.set('business_primary', 'old-value');
    const h = harness({ stdin: VALUE });
    expect(await runSecret({ action: 'set', datasource: 'business_primary', workspace: ws }, h.io, { store })).toBe(0);
    expect(h.text().out).toMatch(/replaced/);
    expect(await store.get('business_primary')).toBe(VALUE);
  });

  it('set prompts on a terminal with echo off, honouring backspace', async () => {
    const store = new InMemorySecretStoreForTests();
    const h = harness({ isTTY: true, stdin: null, raw: true });
    const run = runSecret({ action: 'set', datasource: 'business_primary', workspace: ws }, h.io, { store });
    h.stdin.write('zq9w');
    h.stdin.write('x\u007fk-pw\r');
    expect(await run).toBe(0);
    expect(await store.get('business_primary')).toBe('zq9wk-pw');
    expect(h.stdin.rawCalls).toEqual([true, false]);
    const { out, err } = h.text();
    expect(err).toMatch(/input hidden/);
    expect(out + err).not.toMatch(/zq9|k-pw/);
  });

  it('Ctrl-C at the prompt stores nothing', async () => {
    const store = new InMemorySecretStoreForTests();
    const h = harness({ isTTY: true, stdin: null, raw: true });
    const run = runSecret({ action: 'set', datasource: 'business_primary', workspace: ws }, h.io, { store });
    h.stdin.write('abc\u0003');
    expect(await run).toBe(1);
    expect(await store.has('business_primary')).toBe(false);
  });

  it('empty stdin is bad usage and stores nothing', async () => {
    const store = new InMemorySecretStoreForTests();
    const h = harness({ stdin: '\n' });
    expect(await runSecret({ action: 'set', datasource: 'business_primary', workspace: ws }, h.io, { store })).toBe(2);
    expect(h.text().err).toMatch(/Pipe the password in/);
    expect(await store.has('business_primary')).toBe(false);
  });

  it('delete removes the entry, and is calm when there is none', async () => {
    const store = new InMemorySecretStoreForTests();
    await store.set('business_primary', VALUE);
    const a = harness();
    expect(await runSecret({ action: 'delete', datasource: 'business_primary', workspace: ws }, a.io, { store })).toBe(0);
    expect(a.text().out).toMatch(/removed/);
    expect(await store.has('business_primary')).toBe(false);
    const b = harness();
    expect(await runSecret({ action: 'delete', datasource: 'business_primary', workspace: ws }, b.io, { store })).toBe(0);
    expect(b.text().out).toMatch(/nothing to remove/);
  });

  it('status of a missing entry exits 1 and says how to add one', async () => {
    const h = harness();
    expect(await runSecret({ action: 'status', datasource: 'warehouse', workspace: ws }, h.io, { store: new InMemorySecretStoreForTests() })).toBe(1);
    expect(h.text().out).toMatch(/no password/);
    expect(h.text().err).toContain('objectdesk secret set warehouse');
    expect(h.text().err).toContain('process.env.WAREHOUSE_PASSWORD');
  });

  it('status without a keychain exits 1 with the reason and the fix', async () => {
    const unavailable: Availability = { ok: false, reason: 'No OS keychain is available.', howToFix: 'Use process.env.X.' };
    const h = harness();
    expect(await runSecret({ action: 'status', datasource: 'warehouse', workspace: ws }, h.io, { store: new InMemorySecretStoreForTests(unavailable) })).toBe(1);
    expect(h.text().err).toContain('No OS keychain is available.');
    expect(h.text().err).toContain('process.env');
  });

  it('bad datasource names and actions are bad usage', async () => {
    const store = new InMemorySecretStoreForTests();
    expect(await runSecret({ action: 'status', datasource: 'Not A Name', workspace: ws }, harness().io, { store })).toBe(2);
    expect(await runSecret({ action: 'show' as 'status', datasource: 'ok_name', workspace: ws }, harness().io, { store })).toBe(2);
  });

  it('a store failure exits 1 without the value', async () => {
    const store = new InMemorySecretStoreForTests();
    store.set = async () => {
      throw new Error(`boom ${VALUE}`);
    };
    const h = harness({ stdin: VALUE });
    expect(await runSecret({ action: 'set', datasource: 'business_primary', workspace: ws }, h.io, { store })).toBe(1);
    expect(JSON.stringify(h.text())).not.toContain(VALUE);
  });
});
