// A rendered *.datasource.ts loads back, through the real workspace loader, as exactly the definition the
// draft stands for — and reads back as the same draft — with the password only ever as a reference.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { definitionOfDraft, draftOfDefinition, renderDatasourceFile } from '../../../src/main/datasources';
import { loadWorkspace } from '../../../src/main/metadata';
import { findLiteralPasswords } from '../../../src/main/metadata/source-scan';
import { DatasourceDraftSchema, type DatasourceDraft, type DatasourceDraftInput } from '../../../src/shared/api/contract-datasources';
import { tempDir } from '../../helpers/databases';

const dirs: Array<{ cleanup(): void }> = [];
afterAll(() => dirs.forEach((d) => d.cleanup()));

const draft = (d: DatasourceDraftInput): DatasourceDraft => DatasourceDraftSchema.parse(d);

async function loadBack(d: DatasourceDraft, env: Record<string, string> = {}) {
  const t = tempDir('objectdesk-render-');
  dirs.push(t);
  writeFileSync(path.join(t.dir, 'objectdesk.config.ts'), "import { defineWorkspace } from 'objectdesk';\nexport default defineWorkspace({ name: 'render test' });\n");
  mkdirSync(path.join(t.dir, 'datasources'));
  const file = path.join(t.dir, 'datasources', `${d.name}.datasource.ts`);
  const text = await renderDatasourceFile(d);
  writeFileSync(file, text);
  const saved = { ...process.env };
  Object.assign(process.env, env);
  try {
    const { partial, problems } = await loadWorkspace(t.dir, { cacheDir: false });
    return { text, problems, def: partial.datasources.get(d.name) };
  } finally {
    for (const k of Object.keys(env)) if (saved[k] === undefined) delete process.env[k];
  }
}

describe('renderDatasourceFile', () => {
  it('writes a formatted PostgreSQL file whose password is secret(<name>)', async () => {
    const d = draft({
      name: 'business_primary',
      label: 'Business DB',
      driver: 'postgres',
      config: { host: 'db.internal', port: 5433, database: 'sales', user: 'analyst' },
      ssl: { rejectUnauthorized: true, servername: 'db.internal' },
      pool: { max: 8, connectionTimeoutMillis: 3000 },
      readOnly: true,
      allowWrites: false,
      allowedSchemas: ['public', 'sales'],
    });
    const { text, problems, def } = await loadBack(d);
    expect(text).toMatchInlineSnapshot(`
      "// Written by the ObjectDesk datasource manager (Datasources screen).
      // The password is not in this file: it is in the OS keychain (service "objectdesk", account "business_primary").
      // Set or replace it in the app, or with \`objectdesk secret set business_primary\`.
      import { Datasource, secret } from 'objectdesk';

      export default Datasource.create({
        name: 'business_primary',
        label: 'Business DB',
        driver: 'postgres',
        config: {
          host: 'db.internal',
          port: 5433,
          database: 'sales',
          user: 'analyst',
          password: secret('business_primary'),
        },
        ssl: { rejectUnauthorized: true, servername: 'db.internal' },
        pool: { max: 8, connectionTimeoutMillis: 3000 },
        readOnly: true,
        allowWrites: false,
        allowedSchemas: ['public', 'sales'],
      });
      "
    `);
    expect(problems).toEqual([]);
    expect(findLiteralPasswords(text)).toEqual([]);
    const { file: _file, ...loaded } = def!;
    expect(loaded).toEqual(definitionOfDraft(d));
    expect(draftOfDefinition(def!, text, 1)).toEqual({ draft: d, password: { source: 'keychain' } });
  });

  it('writes process.env.<VAR> for an environment password and reads the variable name back', async () => {
    const d = draft({ name: 'warehouse', driver: 'mysql', config: { host: '10.0.0.5', database: 'dw', user: 'bi' }, password: { source: 'env', variable: 'DW_PASSWORD' } });
    const { text, problems, def } = await loadBack(d, { DW_PASSWORD: 'from-the-environment-123' });
    expect(text).toContain('password: process.env.DW_PASSWORD');
    expect(text).not.toContain('secret(');
    expect(problems).toEqual([]);
    expect(def!.driver === 'mysql' && def!.config.password).toBe('from-the-environment-123');
    const back = draftOfDefinition(def!, text, 1);
    expect(back).toEqual({ draft: d, password: { source: 'env', variable: 'DW_PASSWORD' } });
    // The environment's value is nowhere in what goes back to a caller.
    expect(JSON.stringify(back)).not.toContain('from-the-environment-123');
  });

  it('writes SQLite and MongoDB variants that load without problems', async () => {
    for (const d of [
      draft({ name: 'local_file', driver: 'sqlite', config: { filename: 'data/chinook.sqlite' }, readOnly: true }),
      draft({ name: 'events', driver: 'mongodb', config: { url: 'mongodb://127.0.0.1:27017/?replicaSet=rs0', database: 'events', user: 'reader', sampleSize: 200 } }),
      draft({ name: 'no_password', driver: 'postgres', config: { host: 'localhost', database: 'x' }, password: { source: 'none' } }),
    ]) {
      const { text, problems, def } = await loadBack(d);
      expect(problems, text).toEqual([]);
      expect(draftOfDefinition(def!, text, 1).draft).toEqual(d);
    }
  });

  it('any valid draft round-trips through the file and the loader', async () => {
    const name = fc.stringMatching(/^[a-z][a-z0-9_]{0,20}$/);
    const text = fc.string({ minLength: 1, maxLength: 30 }).filter((s) => s.trim().length > 0 && s.trim() === s);
    const common = {
      name,
      label: fc.option(text, { nil: undefined }),
      readOnly: fc.boolean(),
      allowWrites: fc.boolean(),
      queryTimeoutMs: fc.option(fc.integer({ min: 1, max: 600_000 }), { nil: undefined }),
      allowedSchemas: fc.option(fc.array(text, { minLength: 1, maxLength: 3 }), { nil: undefined }),
      ssl: fc.option(fc.oneof(fc.boolean(), fc.record({ rejectUnauthorized: fc.boolean(), servername: text })), { nil: undefined }),
    };
    const password = fc.oneof(
      fc.constant({ source: 'keychain' as const }),
      fc.constant({ source: 'none' as const }),
      fc.stringMatching(/^[A-Z][A-Z0-9_]{0,15}$/).map((variable) => ({ source: 'env' as const, variable })),
    );
    const pg = fc.record({ ...common, driver: fc.constant('postgres' as const), config: fc.record({ host: text, port: fc.integer({ min: 1, max: 65535 }), database: text, user: text }), password });
    const sqlite = fc.record({ ...common, driver: fc.constant('sqlite' as const), config: fc.record({ filename: text }) });
    await fc.assert(
      fc.asyncProperty(fc.oneof(pg, sqlite), async (input) => {
        const clean = JSON.parse(JSON.stringify(input)) as DatasourceDraftInput;
        const d = draft(clean);
        const { text: source, problems, def } = await loadBack(d);
        expect(problems, source).toEqual([]);
        expect(findLiteralPasswords(source)).toEqual([]);
        expect(draftOfDefinition(def!, source, 1).draft).toEqual(d);
      }),
      { numRuns: 25 },
    );
  });
});
