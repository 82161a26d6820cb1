// Reading hand-written definitions back into the form: what the app can rewrite faithfully, what it must
// leave alone, and that nothing secret (an environment password, a URL with credentials) is carried out.
import { describe, expect, it } from 'vitest';
import { draftOfDefinition, envPasswordVariables } from '../../../src/main/datasources';
import { DatasourceSchema } from '../../../src/main/metadata/datasource';
import { DatasourceDraftSchema, urlHasCredentials } from '../../../src/shared/api/contract-datasources';

const def = (d: unknown) => DatasourceSchema.parse(d);

describe('draftOfDefinition', () => {
  it('recognises process.env.NAME and process.env["NAME"] as the password source', () => {
    expect(envPasswordVariables("config: { password: process.env.PG_PW }")).toEqual(['PG_PW']);
    expect(envPasswordVariables("config: { password: process.env['PG_PW'] }")).toEqual(['PG_PW']);
    const d = def({ name: 'a', driver: 'postgres', config: { host: 'h', database: 'd', password: 'value-from-env-999' } });
    const out = draftOfDefinition(d, "password: process.env.A_PW,", 1);
    expect(out.password).toEqual({ source: 'env', variable: 'A_PW' });
    expect(JSON.stringify(out)).not.toContain('value-from-env-999');
  });

  it('cannot tell the variable in a file with several datasources, and says so', () => {
    const d = def({ name: 'a', driver: 'mysql', config: { host: 'h', database: 'd', password: 'value-from-env-999' } });
    const out = draftOfDefinition(d, 'password: process.env.A_PW, … password: process.env.B_PW', 2);
    expect(out.password).toEqual({ source: 'env-unknown' });
    expect(out.unrepresentable).toMatch(/process\.env\.NAME/);
    expect(JSON.stringify(out)).not.toContain('value-from-env-999');
  });

  it('a keychain entry under another name is shown but not rewritten', () => {
    const out = draftOfDefinition(def({ name: 'a', driver: 'postgres', config: { host: 'h', database: 'd', password: { $secret: 'shared_pw' } } }), '', 1);
    expect(out.password).toEqual({ source: 'keychain-other', account: 'shared_pw' });
    expect(out.unrepresentable).toMatch(/shared_pw/);
  });

  it('a MongoDB URL with credentials is never echoed: no draft at all', () => {
    const out = draftOfDefinition(def({ name: 'm', driver: 'mongodb', config: { url: 'mongodb://u:pw-in-url-777@h:27017', database: 'd' } }), '', 1);
    expect(out.draft).toBeNull();
    expect(JSON.stringify(out)).not.toContain('pw-in-url-777');
  });

  it('an SSL client key from the environment is not representable and not echoed', () => {
    const out = draftOfDefinition(def({ name: 'a', driver: 'postgres', ssl: { key: 'PRIVATE-KEY-PEM-123' }, config: { host: 'h', database: 'd' } }), '', 1);
    expect(out.unrepresentable).toMatch(/client key/);
    expect(JSON.stringify(out)).not.toContain('PRIVATE-KEY-PEM-123');
  });
});

describe('the draft schema', () => {
  it('refuses credentials in a connection string, accepts a user name alone', () => {
    expect(urlHasCredentials('mongodb://u:p@h')).toBe(true);
    expect(urlHasCredentials('mongodb+srv://u:@h')).toBe(true);
    expect(urlHasCredentials('mongodb://h/?authSource=admin&password=x')).toBe(true);
    expect(urlHasCredentials('mongodb://u@h/?authSource=admin')).toBe(false);
    expect(urlHasCredentials('mongodb://h1:27017,h2:27017/?replicaSet=rs')).toBe(false);
    const r = DatasourceDraftSchema.safeParse({ name: 'm', driver: 'mongodb', config: { url: 'mongodb://u:secret@h', database: 'd' } });
    expect(r.success).toBe(false);
    expect(JSON.stringify(r.error?.issues)).not.toContain('secret@');
  });

  it('defaults a network datasource to the keychain, read-only, writes off', () => {
    expect(DatasourceDraftSchema.parse({ name: 'p', driver: 'postgres', config: { host: 'h', database: 'd' } })).toMatchObject({
      password: { source: 'keychain' },
      readOnly: true,
      allowWrites: false,
    });
  });
});
