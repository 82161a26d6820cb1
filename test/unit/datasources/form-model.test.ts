// The form's model: typed text becomes a draft the API accepts, or per-field messages (nothing typed is
// dropped); a saved draft fills the form back; server error paths land on the right field.
import { describe, expect, it } from 'vitest';
import { draftOfForm, emptyForm, fieldOfApiPath, formOfDraft, switchDriver, whereOf } from '../../../src/renderer/src/datasources/form-model';
import { DatasourceDraftSchema } from '../../../src/shared/api/contract-datasources';

describe('draftOfForm', () => {
  it('turns a filled PostgreSQL form into a draft with the keychain as password source', () => {
    const s = { ...emptyForm('postgres'), name: 'biz', database: 'sales', user: 'analyst', poolMax: '8', allowedSchemas: 'public, sales', ssl: true };
    const out = draftOfForm(s);
    expect(out).toEqual({
      ok: true,
      draft: {
        name: 'biz',
        driver: 'postgres',
        readOnly: true,
        allowWrites: false,
        allowedSchemas: ['public', 'sales'],
        pool: { max: 8 },
        ssl: true,
        config: { host: '127.0.0.1', port: 5432, database: 'sales', user: 'analyst' },
        password: { source: 'keychain' },
      },
    });
  });

  it('names each field that needs attention', () => {
    const out = draftOfForm({ ...emptyForm('mongodb'), name: 'Events DB', url: 'mongodb://u:p@h', port: 'x', poolMax: 'lots' });
    expect(out.ok).toBe(false);
    if (out.ok) return;
    expect(out.errors.name).toMatch(/lower snake_case/);
    expect(out.errors.url).toMatch(/contains a password/);
    expect(out.errors.database).toMatch(/database name/);
    expect(out.errors.poolMax).toBe('a whole number');
  });

  it('needs an environment variable name when the password comes from the environment', () => {
    const out = draftOfForm({ ...emptyForm('mysql'), name: 'w', database: 'd', passwordSource: 'env', envVariable: 'not a name' });
    expect(out.ok).toBe(false);
    expect(out.ok ? '' : out.errors.envVariable).toMatch(/environment variable/);
  });
});

describe('formOfDraft', () => {
  it('round-trips every driver through the form', () => {
    for (const input of [
      { name: 'p', driver: 'postgres', config: { host: 'h', port: 6543, database: 'd', user: 'u', applicationName: 'app' }, ssl: { rejectUnauthorized: false, servername: 'h' }, pool: { min: 1, max: 9 }, queryTimeoutMs: 5000 },
      { name: 'm', driver: 'mysql', config: { host: 'h', database: 'd' }, password: { source: 'env', variable: 'M_PW' }, readOnly: false, allowWrites: true },
      { name: 's', driver: 'sqlite', config: { filename: 'data/x.sqlite' }, active: false },
      { name: 'g', driver: 'mongodb', config: { url: 'mongodb://h:27017', database: 'd', user: 'r', sampleSize: 50 }, password: { source: 'none' } },
    ]) {
      const draft = DatasourceDraftSchema.parse(input);
      expect(draftOfForm(formOfDraft(draft))).toEqual({ ok: true, draft });
    }
  });

  it('switching driver keeps the name and swaps default ports', () => {
    const s = switchDriver({ ...emptyForm('postgres'), name: 'x' }, 'mysql');
    expect(s).toMatchObject({ name: 'x', port: '3306', passwordSource: 'keychain' });
    expect(switchDriver(s, 'sqlite').passwordSource).toBe('none');
  });
});

describe('helpers', () => {
  it('maps API error paths to fields', () => {
    expect(fieldOfApiPath('draft.config.url')).toBe('url');
    expect(fieldOfApiPath('draft.pool.max')).toBe('poolMax');
    expect(fieldOfApiPath('password')).toBe('password');
    expect(fieldOfApiPath('draft.name')).toBe('name');
    expect(fieldOfApiPath(undefined)).toBeUndefined();
  });
  it('describes where a datasource is', () => {
    expect(whereOf(DatasourceDraftSchema.parse({ name: 'p', driver: 'postgres', config: { host: 'h', port: 1, database: 'd', user: 'u' } }))).toBe('u@h:1/d');
    expect(whereOf(null)).toBe('—');
  });
});
