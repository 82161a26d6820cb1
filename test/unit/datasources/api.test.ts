// The datasources.* operations on a copy of the demo workspace, with an in-memory keychain stand-in:
// files written and removed, keychain entries set, rotated, moved and deleted, the password never in an
// answer, bad input refused with nothing changed, and management kept to admins.
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DatasourceDraftInput } from '../../../src/shared/api/contract-datasources';
import { ApiError } from '../../../src/shared/api/errors';
import { InMemorySecretStoreForTests, randomPassword } from '../../helpers/keychain';
import { openScratchApp, type ScratchApp } from './helpers';

let env: ScratchApp;
let store: InMemorySecretStoreForTests;

beforeEach(async () => {
  store = new InMemorySecretStoreForTests();
  env = await openScratchApp(store);
});
afterEach(async () => {
  await env.dispose();
});

const pgDraft = (name: string, extra: Partial<DatasourceDraftInput> = {}): DatasourceDraftInput =>
  ({ name, driver: 'postgres', config: { host: '127.0.0.1', port: 1, database: 'sales', user: 'analyst' }, ...extra }) as DatasourceDraftInput;
const sqliteDraft = (name: string, filename = 'data/chinook.sqlite'): DatasourceDraftInput => ({ name, driver: 'sqlite', config: { filename } });

/** Every file of the workspace with its content, to prove a refused request changed nothing. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of readdirSync(d)) {
      const p = path.join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else if (!p.endsWith('.sqlite')) out[path.relative(dir, p)] = readFileSync(p, 'utf8');
    }
  };
  walk(dir);
  return out;
}

async function refused(p: Promise<unknown>): Promise<ApiError> {
  const e = await p.then(
    () => {
      throw new Error('expected the call to be refused');
    },
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(ApiError);
  return e as ApiError;
}

interface ListOut {
  keychain: { ok: boolean; reason?: string };
  datasources: Array<{ name: string; managed: boolean; unmanagedReason?: string; usedBy: string[]; mappingRules: number[]; file: string; password: Record<string, unknown>; draft: unknown }>;
}

describe('datasources.list', () => {
  it("shows the demo's config-declared datasource as not editable in the app, with the objects that use it", async () => {
    const out = await env.call<ListOut>('datasources.list', {});
    expect(out.keychain).toEqual({ ok: true });
    const chinook = out.datasources.find((d) => d.name === 'chinook')!;
    expect(chinook.managed).toBe(false);
    expect(chinook.unmanagedReason).toMatch(/objectdesk\.config\.ts/);
    expect(chinook.usedBy).toHaveLength(11);
    expect(chinook.mappingRules).toEqual([0, 1]);
    expect(chinook.password).toEqual({ source: 'none' });
  });

  it('says plainly when no keychain can be used', async () => {
    const noKeychain = new InMemorySecretStoreForTests({ ok: false, reason: 'No OS keychain is available: there is no D-Bus session here.', howToFix: 'Use process.env.X.' });
    const other = await openScratchApp(noKeychain);
    try {
      const out = await other.call<ListOut>('datasources.list', {});
      expect(out.keychain).toEqual({ ok: false, reason: 'No OS keychain is available: there is no D-Bus session here.', howToFix: 'Use process.env.X.' });
      const before = snapshot(other.workspace);
      const e = await refused(other.call('datasources.save', { draft: pgDraft('biz'), password: randomPassword() }));
      expect(e.code).toBe('unavailable');
      expect(e.message).toContain('No OS keychain is available');
      expect(snapshot(other.workspace)).toEqual(before);
    } finally {
      await other.dispose();
    }
  });
});

describe('datasources.save and remove', () => {
  it('adds, rotates, keeps, renames and removes a PostgreSQL datasource; the password stays in the keychain only', async () => {
    const first = randomPassword();
    const added = await env.call<{ file: string; created: boolean; password: string; workspace: { problems: number } }>('datasources.save', { draft: pgDraft('biz'), password: first });
    expect(added).toMatchObject({ file: 'datasources/biz.datasource.ts', created: true, password: 'set', workspace: { problems: 0 } });
    const file = path.join(env.workspace, added.file);
    const text = readFileSync(file, 'utf8');
    expect(text).toContain("password: secret('biz')");
    expect(text).not.toContain(first);
    expect(await store.get('biz')).toBe(first);
    expect(env.app.partial.datasources.get('biz')?.driver).toBe('postgres');

    const listed = (await env.call<ListOut>('datasources.list', {})).datasources.find((d) => d.name === 'biz')!;
    expect(listed).toMatchObject({ managed: true, password: { source: 'keychain', stored: true } });

    // Rotate: a new password replaces the entry; the file does not change.
    const second = randomPassword();
    expect(await env.call('datasources.save', { draft: pgDraft('biz'), password: second, previousName: 'biz' })).toMatchObject({ created: false, password: 'set' });
    expect(await store.get('biz')).toBe(second);
    expect(readFileSync(file, 'utf8')).toBe(text);

    // Edit without a password keeps the stored one.
    expect(await env.call('datasources.save', { draft: pgDraft('biz', { label: 'Business' }), previousName: 'biz' })).toMatchObject({ password: 'kept' });
    expect(await store.get('biz')).toBe(second);
    expect(readFileSync(file, 'utf8')).toContain("label: 'Business'");

    // Rename: file and keychain entry move together.
    expect(await env.call('datasources.save', { draft: pgDraft('biz_main'), previousName: 'biz' })).toMatchObject({ file: 'datasources/biz_main.datasource.ts', password: 'moved' });
    expect(existsSync(file)).toBe(false);
    expect(await store.get('biz')).toBeNull();
    expect(await store.get('biz_main')).toBe(second);

    const removed = await env.call('datasources.remove', { name: 'biz_main' });
    expect(removed).toMatchObject({ keychainEntryRemoved: true, file: 'datasources/biz_main.datasource.ts' });
    expect(await store.get('biz_main')).toBeNull();
    expect(existsSync(path.join(env.workspace, 'datasources/biz_main.datasource.ts'))).toBe(false);
    expect(env.app.partial.datasources.has('biz_main')).toBe(false);

    expect(env.transcript.join('\n')).not.toContain(first);
    expect(env.transcript.join('\n')).not.toContain(second);
  });

  it('switching to an environment variable writes process.env.<VAR> and deletes the keychain entry', async () => {
    await env.call('datasources.save', { draft: pgDraft('biz'), password: randomPassword() });
    const out = await env.call('datasources.save', { draft: pgDraft('biz', { password: { source: 'env', variable: 'BIZ_PW' } }), previousName: 'biz' });
    expect(out).toMatchObject({ password: 'removed' });
    expect(await store.has('biz')).toBe(false);
    expect(readFileSync(path.join(env.workspace, 'datasources/biz.datasource.ts'), 'utf8')).toContain('password: process.env.BIZ_PW');
    const listed = (await env.call<ListOut>('datasources.list', {})).datasources.find((d) => d.name === 'biz')!;
    expect(listed.password).toEqual({ source: 'env', variable: 'BIZ_PW', set: false });
  });

  it('refuses bad input and changes nothing', async () => {
    const before = snapshot(env.workspace);
    const cases: Array<[unknown, string, RegExp]> = [
      [{ draft: { name: 'ev', driver: 'mongodb', config: { url: 'mongodb://reader:hunter2hunter2@db:27017', database: 'x' } } }, 'draft.config.url', /contains a password/],
      [{ draft: { name: 'ev', driver: 'mongodb', config: { url: 'mongodb://db:27017/?password=hunter2hunter2', database: 'x' } } }, 'draft.config.url', /contains a password/],
      [{ draft: pgDraft('Bad Name') }, 'draft.name', /lower snake_case/],
      [{ draft: pgDraft('biz', { password: { source: 'none' } }), password: 'typed-but-nowhere-to-go' }, 'password', /OS keychain/],
      [{ draft: sqliteDraft('file_db'), password: 'sqlite-has-none' }, 'password', /no password/],
      [{ draft: sqliteDraft('chinook') }, 'draft.name', /already exists/],
      [{ draft: pgDraft('biz'), previousName: 'chinook' }, 'previousName', /cannot be edited in the app/],
      [{ draft: pgDraft('biz'), previousName: 'nope' }, 'previousName', /No datasource "nope"/],
      [{ draft: { ...pgDraft('biz'), config: { host: '', database: 'x' } } }, 'draft.config.host', /host/],
      [{ draft: { ...pgDraft('biz'), config: { host: 'h', database: 'x', port: 70000 } } }, 'draft.config.port', /1–65535/],
      [{ draft: { ...pgDraft('biz'), extra: true } }, 'draft', /Unrecognized key|unrecognized/i],
    ];
    for (const [input, at, message] of cases) {
      const e = await refused(env.call('datasources.save', input));
      expect(e.code, JSON.stringify(input)).toBe(String(message).includes('nope') ? 'not_found' : 'bad_request');
      expect(e.path ?? '', JSON.stringify(input)).toContain(at);
      expect(e.message, JSON.stringify(input)).toMatch(message);
    }
    expect(snapshot(env.workspace)).toEqual(before);
    expect(await store.has('biz')).toBe(false);
    expect(env.transcript.join('\n')).not.toContain('hunter2hunter2');
    expect(env.transcript.join('\n')).not.toContain('typed-but-nowhere-to-go');
  });

  it('removes a datasource that objects use only with force — also objects the admin cannot see — and never one declared in the config', async () => {
    await env.call('datasources.save', { draft: sqliteDraft('second_copy') });
    writeFileSync(
      path.join(env.workspace, 'chinook', 'genre_copy.object.ts'),
      "import { ObjectSchema, Field } from 'objectdesk';\nexport default ObjectSchema.create({ name: 'genre_copy', datasource: 'second_copy', external: { table: 'Genre' }, fields: { GenreId: Field.number(), Name: Field.text() }, primaryKey: 'GenreId' });\n",
    );
    await env.app.reload();
    const e = await refused(env.call('datasources.remove', { name: 'second_copy' }));
    expect(e.code).toBe('bad_request');
    expect(e.message).toMatch(/objects genre_copy read from it/);
    expect(existsSync(path.join(env.workspace, 'datasources/second_copy.datasource.ts'))).toBe(true);

    const out = await env.call<{ workspace: { problems: number } }>('datasources.remove', { name: 'second_copy', force: true });
    expect(out.workspace.problems).toBeGreaterThan(0);
    expect(existsSync(path.join(env.workspace, 'datasources/second_copy.datasource.ts'))).toBe(false);

    const c = await refused(env.call('datasources.remove', { name: 'chinook', force: true }));
    expect(c.message).toMatch(/objectdesk\.config\.ts/);
    expect(existsSync(path.join(env.workspace, 'objectdesk.config.ts'))).toBe(true);
  });

  it('a new SQLite datasource is used at once: status connects and reports the version; data flows through it', async () => {
    await env.call('datasources.save', { draft: sqliteDraft('second_copy') });
    const [status] = await env.call<Array<Record<string, unknown>>>('datasources.status', { names: ['second_copy'], check: true });
    expect(status).toMatchObject({ name: 'second_copy', connected: true, poolSize: 1, active: true });
    expect(status.serverVersion).toMatch(/^SQLite \d/);
    expect(status.error).toBeUndefined();
  });
});

describe('datasources.test', () => {
  it('reports the driver-specific error codes, and success with the server version', async () => {
    const ok = await env.call('datasources.test', { draft: sqliteDraft('probe') });
    expect(ok).toMatchObject({ ok: true, serverVersion: expect.stringMatching(/^SQLite/) });
    expect(await env.call('datasources.test', { draft: sqliteDraft('probe', 'data/missing.sqlite') })).toMatchObject({ ok: false, code: 'database_missing' });
    const refusedPort = await env.call<{ ok: boolean; code: string; message: string }>('datasources.test', { draft: pgDraft('probe'), password: 'typed-password-123' });
    expect(refusedPort).toMatchObject({ ok: false, code: 'refused' });
    expect(refusedPort.message).toContain('127.0.0.1:1');
    expect(await env.call('datasources.test', { draft: pgDraft('probe') })).toMatchObject({ ok: false, code: 'secret_missing' });
    expect(await env.call('datasources.test', { draft: pgDraft('probe', { password: { source: 'env', variable: 'OD_SURELY_UNSET_VAR' } }) })).toMatchObject({
      ok: false,
      code: 'secret_missing',
      message: expect.stringContaining('OD_SURELY_UNSET_VAR'),
    });
    // Nothing was written by testing.
    expect(existsSync(path.join(env.workspace, 'datasources'))).toBe(false);
    expect(env.transcript.join('\n')).not.toContain('typed-password-123');
  });
});

describe('who may manage datasources', () => {
  it('only admins list, test, save and remove; everyone may see the status', async () => {
    const jane = { user: 'jane.peacock' };
    for (const [op, input] of [
      ['datasources.list', {}],
      ['datasources.test', { draft: sqliteDraft('x') }],
      ['datasources.save', { draft: sqliteDraft('x') }],
      ['datasources.remove', { name: 'chinook' }],
    ] as const) {
      const e = await refused(env.call(op, input, jane));
      expect(e.code).toBe('forbidden');
      expect(e.message).toMatch(/Only an admin/);
    }
    const status = await env.call<unknown[]>('datasources.status', {}, jane);
    expect(status).toHaveLength(1);
    expect(existsSync(path.join(env.workspace, 'datasources'))).toBe(false);
  });
});
