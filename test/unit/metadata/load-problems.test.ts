/**
 * Every kind of load problem: each names the file, the object and the key, says how to fix it, and all of
 * them are collected in one pass.
 */
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatProblem, loadWorkspace, WorkspaceNotFoundError, type Problem } from '../../../src/main/metadata';
import { config, objectFile, removeWorkspaces, writeWorkspace } from './workspace-builder';

afterAll(removeWorkspaces);

async function problemsOf(files: Record<string, string>): Promise<{ root: string; problems: Problem[] }> {
  const root = writeWorkspace(files);
  const { workspace, problems } = await loadWorkspace(root);
  if (problems.length) expect(workspace).toBeNull();
  return { root, problems };
}

function only(problems: Problem[], kind: string): Problem {
  const found = problems.filter((p) => p.kind === kind);
  expect(found, `problems of kind ${kind} in ${JSON.stringify(problems, null, 1)}`).toHaveLength(1);
  return found[0];
}

describe('loading a workspace reports', () => {
  it('a missing workspace folder as WorkspaceNotFoundError naming the path', async () => {
    const missing = path.join(writeWorkspace({}), 'nope');
    await expect(loadWorkspace(missing)).rejects.toThrow(WorkspaceNotFoundError);
    await expect(loadWorkspace(missing)).rejects.toThrow(`Workspace folder not found: ${missing}`);
  });

  it('a missing objectdesk.config.ts', async () => {
    const { root, problems } = await problemsOf({ 'a.object.ts': objectFile('a') });
    const p = only(problems, 'config-missing');
    expect(p.file).toBe(path.join(root, 'objectdesk.config.ts'));
    expect(p.message).toContain('create it with `export default defineWorkspace(');
  });

  it('a syntax error with its line', async () => {
    const { root, problems } = await problemsOf({
      'objectdesk.config.ts': config(),
      'broken.object.ts': `import { ObjectSchema, Field } from 'objectdesk';\nexport const A = ObjectSchema.create({\n  name: 'a',\n  fields: { id: Field.number( }\n});\n`,
    });
    const p = only(problems, 'syntax');
    expect(p.file).toBe(path.join(root, 'broken.object.ts'));
    expect(p.line).toBe(4);
    expect(p.message).toMatch(/^syntax error: .+ — fix the TypeScript at this line$/);
  });

  it('a file that throws while loading, with the line', async () => {
    const { problems } = await problemsOf({
      'objectdesk.config.ts': config(),
      'throws.object.ts': `const x = 1;\nthrow new Error('boom ' + x);\n`,
    });
    const p = only(problems, 'load');
    expect(p.line).toBe(2);
    expect(p.message).toBe('the file threw while loading: boom 1 — fix the code so the file can be imported');
  });

  it('unknown keys on objects and fields, with object, key path and line', async () => {
    const { root, problems } = await problemsOf({
      'objectdesk.config.ts': config(),
      'a.object.ts': objectFile('biz_a', `id: Field.number({ label: 'ID' }),\n    amount: Field.currency({ label: 'Amount', precison: 2 } as never),`, `  lable: 'A',`),
    });
    const unknown = problems.filter((p) => p.kind === 'unknown-key');
    expect(unknown.map((p) => [p.object, p.path, p.message])).toEqual([
      ['biz_a', 'lable', 'unknown key "lable" — remove it or check its spelling'],
      ['biz_a', 'fields.amount.precison', 'unknown key "precison" — remove it or check its spelling'],
    ]);
    expect(unknown.map((p) => p.line)).toEqual([4, 7]);
    expect(formatProblem(unknown[1], root)).toBe('a.object.ts:7: object "biz_a", key "fields.amount.precison": unknown key "precison" — remove it or check its spelling [unknown-key]');
  });

  it('bad object and field names', async () => {
    const { problems } = await problemsOf({
      'objectdesk.config.ts': config(),
      'a.object.ts': objectFile('Biz Account', `'first name': Field.text(),`),
    });
    const bad = problems.filter((p) => p.kind === 'bad-name');
    expect(bad.map((p) => [p.object, p.path])).toEqual([
      ['Biz Account', 'name'],
      ['Biz Account', 'fields.first name'],
    ]);
    expect(bad[0].message).toBe('bad object name: must be lower snake_case: letters a-z, digits and "_", not starting with a digit (e.g. "biz_account") — rename it');
    expect(bad[1].message).toBe('bad key "first name": field names are identifiers: letters, digits and "_"');
  });

  it('an unknown field type, listing the valid ones', async () => {
    const { problems } = await problemsOf({
      'objectdesk.config.ts': config(),
      'a.object.ts': objectFile('a', `id: Field.number(),\n    x: { type: 'strng' } as never,`),
    });
    const p = only(problems, 'invalid');
    expect(p.path).toBe('fields.x.type');
    expect(p.message).toMatch(/^unknown field type — use one of: text, textarea, email, .*autonumber$/);
  });

  it('every broken object of a file, not just the first', async () => {
    const { problems } = await problemsOf({
      'objectdesk.config.ts': config(),
      'two.object.ts': `import { ObjectSchema, Field } from 'objectdesk';
export const A = ObjectSchema.create({ name: 'a', bogus: 1, fields: { id: Field.number() } } as never);
export const B = ObjectSchema.create({ name: 'b', fields: { id: Field.number({ wrong: true } as never) } });
export const C = ObjectSchema.create({ name: 'c', fields: { id: Field.number() } });
`,
    });
    expect(problems.map((p) => [p.object, p.path, p.line])).toEqual([
      ['a', 'bogus', 2],
      ['b', 'fields.id.wrong', 3],
    ]);
  });

  it('duplicate object names, naming both files', async () => {
    const { root, problems } = await problemsOf({
      'objectdesk.config.ts': config(),
      'sales/account.object.ts': objectFile('account'),
      'crm/account.object.ts': objectFile('account'),
    });
    const p = only(problems, 'duplicate-object');
    expect(p.file).toBe(path.join(root, 'sales/account.object.ts'));
    expect(p.message).toBe('object "account" is defined in both crm/account.object.ts and sales/account.object.ts — rename one of them or delete the copy');
  });

  it('two fields on the same column', async () => {
    const { problems } = await problemsOf({
      'objectdesk.config.ts': config(),
      'a.object.ts': objectFile('a', `id: Field.number(),\n    name: Field.text({ column: 'Name' }),\n    title: Field.text({ column: 'NAME' }),`),
    });
    const p = only(problems, 'duplicate-field');
    expect(p).toMatchObject({ object: 'a', path: 'fields.title', line: 8 });
    expect(p.message).toBe('fields "name" and "title" both read column "NAME" — give one of them a different `column` or remove it');
  });

  it('lookups to missing objects', async () => {
    const { problems } = await problemsOf({
      'objectdesk.config.ts': config(),
      'a.object.ts': objectFile('a', `id: Field.number(),\n    owner: Field.lookup('person'),`),
    });
    const p = only(problems, 'missing-lookup-target');
    expect(p).toMatchObject({ object: 'a', path: 'fields.owner.reference_to', line: 7 });
    expect(p.message).toBe('lookup "owner" references object "person", which does not exist — create it or point reference_to at one of: a');
  });

  it('primaryKey, titleField and reference_field naming missing fields', async () => {
    const { problems } = await problemsOf({
      'objectdesk.config.ts': config(),
      'a.object.ts': objectFile('a', `id: Field.number(),`, `  primaryKey: ['id', 'line_no'],\n  titleField: 'title',`),
      'b.object.ts': objectFile('b', `id: Field.number(),\n    a_ref: Field.lookup('a', { reference_field: 'code' }),\n    a_pk: Field.lookup('a'),`),
    });
    const missing = problems.filter((p) => p.kind === 'missing-field');
    expect(missing.map((p) => [p.object, p.path, p.message])).toEqual([
      ['a', 'primaryKey.1', 'primaryKey names "line_no", which is not a field of "a" — use one of: id'],
      ['a', 'titleField', 'titleField names "title", which is not a field of "a" — use one of: id'],
      ['b', 'fields.a_ref.reference_field', 'reference_field "code" is not a field of "a" — use one of: id'],
      ['b', 'fields.a_pk.reference_field', 'lookup "a_pk" needs the field of "a" it matches: "a" has a composite primary key — set reference_field, or give "a" a single-field primaryKey'],
    ]);
  });

  it('unknown datasources, on an object and on a mapping rule', async () => {
    const { root, problems } = await problemsOf({
      'objectdesk.config.ts': config('', { mapping: `[{ namespace: 'biz', datasource: 'warehouse' }, { default: true, datasource: 'main' }]` }),
      'a.object.ts': objectFile('a', undefined, `  datasource: 'legacy',`),
    });
    const unknown = problems.filter((p) => p.kind === 'unknown-datasource');
    expect(unknown.map((p) => [path.basename(p.file), p.object, p.path, p.message])).toEqual([
      ['a.object.ts', 'a', 'datasource', 'unknown datasource "legacy" — use one of: main, or define it in objectdesk.config.ts or a *.datasource.ts file'],
      ['objectdesk.config.ts', undefined, 'datasourceMapping.0.datasource', 'unknown datasource "warehouse" — use one of: main, or define it in objectdesk.config.ts or a *.datasource.ts file'],
    ]);
    expect(unknown[0].line).toBe(4);
    expect(unknown[0].file).toBe(path.join(root, 'a.object.ts'));
  });

  it('objects no mapping rule matches', async () => {
    const { problems } = await problemsOf({
      'objectdesk.config.ts': config('', { mapping: `[{ namespace: 'biz', datasource: 'main' }]` }),
      'crm/crm_lead.object.ts': objectFile('crm_lead'),
    });
    const p = only(problems, 'unmatched-object');
    expect(p.object).toBe('crm_lead');
    expect(p.message).toBe(
      'no datasourceMapping rule matches it (namespace "crm", package "crm") and there is no default rule — set `datasource` on the object or add a rule to datasourceMapping (a `{ default: true, datasource: \'…\' }` rule catches everything else)',
    );
  });

  it('mapping rules that can never match', async () => {
    const { problems } = await problemsOf({
      'objectdesk.config.ts': config('', { mapping: `[{ datasource: 'main' }, { default: true, datasource: 'main' }, { namespace: 'biz', datasource: 'main' }]` }),
      'a.object.ts': objectFile('a'),
    });
    const rules = problems.filter((p) => p.kind === 'mapping-rule');
    expect(rules.map((p) => [p.path, p.message])).toEqual([
      ['datasourceMapping.0', "rule { datasource: 'main' } has no criteria and can never match — add namespace, package or objectPattern, or make it the fallback with \"default: true\""],
      ['datasourceMapping.2', "rule { namespace: 'biz', datasource: 'main' } comes after the default rule datasourceMapping[1] and can never match — move the default rule to the end"],
    ]);
  });

  it('a literal password, showing secret() and process.env as the fix', async () => {
    const { problems } = await problemsOf({
      'objectdesk.config.ts': config(),
      'pg.datasource.ts': `import { Datasource } from 'objectdesk';
export default Datasource.create({
  name: 'pg',
  driver: 'postgres',
  config: {
    database: 'sales',
    user: 'analyst',
    password: 'hunter2',
  },
});
`,
      'fallback.datasource.ts': `import { Datasource } from 'objectdesk';
export default Datasource.create({ name: 'my', driver: 'mysql', config: { database: 'x', password: process.env.MY_PASSWORD ?? 'root' } });
`,
      'a.object.ts': objectFile('a'),
    });
    const secrets = problems.filter((p) => p.kind === 'literal-password');
    expect(secrets.map((p) => [path.basename(p.file), p.line])).toEqual([
      ['fallback.datasource.ts', 2],
      ['pg.datasource.ts', 8],
    ]);
    expect(secrets[1].message).toContain("`password: secret('<name>')`");
    expect(secrets[1].message).toContain('`password: process.env.<NAME>`');
    expect(secrets[1].message).not.toContain('hunter2');
  });

  it('connection URLs with credentials in them', async () => {
    const { problems } = await problemsOf({
      'objectdesk.config.ts': config('', {
        datasources: `[{ name: 'main', driver: 'sqlite', config: { filename: 'x.sqlite' } }, { name: 'docs', driver: 'mongodb', config: { url: process.env.NOPE ?? 'mongodb://app' + ':pw@db.local:27017', database: 'docs' } }]`,
      }),
      'a.object.ts': objectFile('a'),
    });
    const p = only(problems, 'credentials-in-url');
    expect(p.path).toBe('config.url');
    expect(p.message).toBe(
      "the connection URL of datasource \"docs\" contains a user name and password — remove them from the URL (scheme://host/…) and set `user` plus `password: secret('docs')` or `password: process.env.<NAME>`",
    );
  });

  it('duplicate datasources across the config and datasource files', async () => {
    const { problems } = await problemsOf({
      'objectdesk.config.ts': config(),
      'main.datasource.ts': `import { Datasource } from 'objectdesk';\nexport const Main = Datasource.create({ name: 'main', driver: 'sqlite', config: { filename: 'other.sqlite' } });\n`,
      'a.object.ts': objectFile('a'),
    });
    expect(only(problems, 'duplicate-datasource').message).toBe('datasource "main" is defined twice, in objectdesk.config.ts and main.datasource.ts — rename one or delete the copy');
  });

  it('invalid datasource, permission set and user entries, each with its key path', async () => {
    const { problems } = await problemsOf({
      'objectdesk.config.ts': config(
        `  permissionSets: [{ name: 'ok', objects: { a: { allowRead: true, allowEverything: true } } }],
  users: [{ name: 'Bob', permissionSets: ['ok'] }],`,
        { datasources: `[{ name: 'main', driver: 'sqlite', config: { filename: 'x.sqlite' } }, { name: 'pg', driver: 'postgress', config: {} }]` },
      ),
      'a.object.ts': objectFile('a'),
    });
    expect(problems.map((p) => [p.kind, p.path])).toEqual([
      ['invalid', 'datasources.1.driver'],
      ['unknown-key', 'permissionSets.0.objects.a.allowEverything'],
      ['bad-name', 'users.0.name'],
    ]);
    expect(problems[0].message).toBe('unknown driver — use one of: sqlite, postgres, mysql, mongodb');
  });

  it('permission sets and users naming unknown objects, fields, field paths, sets, users and tokens', async () => {
    const { problems } = await problemsOf({
      'objectdesk.config.ts': config(`
  permissionSets: [{
    name: 'agent',
    objects: { a: { allowRead: true }, ghost: { allowRead: true } },
    fields: { 'a.secret': { readable: false } },
    recordRules: [
      { object: 'b', using: { 'a_id.owner': '$user.externalId' } },
      { object: 'b', using: { 'a_id.nope': '$user.externalId' } },
      { object: 'b', using: { $or: [{ a_id: { $in: '$user.subordinates' } }, { id: '$user.region' }] } },
    ],
  }],
  users: [{ name: 'jo', permissionSets: ['agent', 'manager'] }],
  defaultUser: 'al',`),
      'a.object.ts': objectFile('a', `id: Field.number(),\n    owner: Field.number(),`),
      'b.object.ts': objectFile('b', `id: Field.number(),\n    a_id: Field.lookup('a'),`),
    });
    expect(problems.map((p) => [p.kind, p.path, p.message])).toEqual([
      ['unknown-permission-object', 'permissionSets.0.objects.ghost', 'permission set "agent" grants on object "ghost", which does not exist — use one of: a, b'],
      ['unknown-permission-field', 'permissionSets.0.fields.a.secret', 'permission set "agent" names field "secret", which "a" does not have — use one of: id, owner'],
      ['unknown-permission-field', 'permissionSets.0.recordRules.1.using.a_id.nope', 'record rule of "agent" on "b": field path "a_id.nope": "a" has no field "nope" — use one of: id, owner'],
      ['invalid', 'permissionSets.0.recordRules.2.using.$or.0.a_id', 'record rule of "agent" on "b": "$user.subordinates" needs a hierarchy — add `hierarchy: { object: \'employee\', parentField: \'reports_to\' }` to the workspace config'],
      ['invalid', 'permissionSets.0.recordRules.2.using.$or.1.id', 'record rule of "agent" on "b": unknown token "$user.region" — use $user.id, $user.name, $user.email, $user.externalId, $user.subordinates, or $user.<attribute> for an attribute the users declare'],
      ['unknown-permission-set', 'users.0.permissionSets.1', 'user "jo" has permission set "manager", which does not exist — use one of: agent'],
      ['unknown-user', 'defaultUser', 'defaultUser "al" is not one of the workspace\'s users — use one of: jo'],
    ]);
  });

  it('a hierarchy whose parent field is not a self-lookup', async () => {
    const { problems } = await problemsOf({
      'objectdesk.config.ts': config(`  hierarchy: { object: 'person', parentField: 'boss' },`),
      'person.object.ts': objectFile('person', `id: Field.number(),\n    boss: Field.number(),`),
    });
    expect(only(problems, 'hierarchy').message).toBe(
      "hierarchy parentField \"boss\" must be a lookup field of \"person\" that references \"person\" itself (e.g. reports_to: Field.lookup('person'))",
    );
  });

  it('all of the above in one pass', async () => {
    const { problems } = await problemsOf({
      'objectdesk.config.ts': config(`  defaultUser: 'nobody',`),
      'a.object.ts': objectFile('a', `id: Field.number(),`, `  lable: 'A',`),
      'c.object.ts': objectFile('c', `id: Field.number(),\n    b: Field.lookup('missing'),`),
      'b.object.ts': `export const = 1;`,
      'pg.datasource.ts': `import { Datasource } from 'objectdesk';\nexport default Datasource.create({ name: 'pg', driver: 'postgres', config: { database: 'x', password: 'pw' } });\n`,
    });
    expect(new Set(problems.map((p) => p.kind))).toEqual(new Set(['unknown-key', 'syntax', 'literal-password', 'missing-lookup-target', 'unknown-user']));
  });
});

describe('follow-on problems', () => {
  it('are not reported for references to an object that failed to load', async () => {
    const { problems } = await problemsOf({
      'objectdesk.config.ts': config(`  permissionSets: [{ name: 'p', objects: { a: { allowRead: true } }, fields: { 'a.x': { readable: false } } }],`),
      'a.object.ts': objectFile('a', `id: Field.number(),`, `  lable: 'A',`),
      'b.object.ts': objectFile('b', `id: Field.number(),\n    a_id: Field.lookup('a'),`),
    });
    expect(problems.map((p) => p.kind)).toEqual(['unknown-key']);
  });
});
