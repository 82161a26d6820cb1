/** The authoring forms seen in the wild load to the same normalised definitions. */
import { afterAll, describe, expect, it } from 'vitest';
import { loadWorkspace } from '../../../src/main/metadata';
import { DefinitionError, Field, ObjectSchema } from '../../../src/main/metadata/authoring';
import { config, removeWorkspaces, writeWorkspace } from './workspace-builder';

afterAll(removeWorkspaces);

describe('authoring forms', () => {
  it('accepts both lookup forms', () => {
    const o = ObjectSchema.create({
      name: 'biz_opportunity',
      fields: {
        id: Field.number(),
        account: Field.lookup({ label: 'Account', reference_to: 'biz_account' }),
        owner: Field.lookup('biz_user', { label: 'Owner', column: 'OwnerId' }),
      },
    });
    expect(o.fields.account).toEqual({ type: 'lookup', label: 'Account', reference_to: 'biz_account' });
    expect(o.fields.owner).toEqual({ type: 'lookup', label: 'Owner', column: 'OwnerId', reference_to: 'biz_user' });
  });

  it('accepts select options as strings or { label, value, color }, normalised to objects', () => {
    const o = ObjectSchema.create({
      name: 'biz_deal',
      fields: {
        stage: Field.select({ label: 'Stage', options: ['prospecting', 'closed_won'] }),
        priority: Field.select([{ label: 'High', value: 'high', color: '#ef4444' }, 'low'], { label: 'Priority' }),
        tags: Field.multiselect(['a', { label: 'Bee', value: 2 }]),
      },
    });
    expect(o.fields.stage.options).toEqual([
      { label: 'prospecting', value: 'prospecting' },
      { label: 'closed_won', value: 'closed_won' },
    ]);
    expect(o.fields.priority.options).toEqual([
      { label: 'High', value: 'high', color: '#ef4444' },
      { label: 'low', value: 'low' },
    ]);
    expect(o.fields.tags.options).toEqual([
      { label: 'a', value: 'a' },
      { label: 'Bee', value: 2 },
    ]);
  });

  it('normalises primaryKey to a list, composite keys included', () => {
    expect(ObjectSchema.create({ name: 'a', fields: { id: Field.number() } }).primaryKey).toEqual(['id']);
    expect(ObjectSchema.create({ name: 'b', primaryKey: 'code', fields: { code: Field.text() } }).primaryKey).toEqual(['code']);
    expect(ObjectSchema.create({ name: 'c', primaryKey: ['x', 'y'], fields: { x: Field.number(), y: Field.number() } }).primaryKey).toEqual(['x', 'y']);
  });

  it('throws a DefinitionError listing every issue outside the loader', () => {
    expect(() => ObjectSchema.create({ name: 'Bad', fields: { x: Field.text({ nope: 1 } as never) } })).toThrow(DefinitionError);
    try {
      ObjectSchema.create({ name: 'Bad', fields: { x: Field.text({ nope: 1 } as never) } });
    } catch (e) {
      expect((e as DefinitionError).issues.map((i) => i.path)).toEqual(['name', 'fields.x.nope']);
    }
  });

  it('loads the same forms from files, and plain object literals too', async () => {
    const root = writeWorkspace({
      'objectdesk.config.ts': config(),
      'forms.object.ts': `import { ObjectSchema, Field } from 'objectdesk';
export const Account = ObjectSchema.create({ name: 'biz_account', fields: { id: Field.number() } });
export const Deal = ObjectSchema.create({
  name: 'biz_deal',
  fields: {
    id: Field.number(),
    a: Field.lookup({ reference_to: 'biz_account' }),
    b: Field.lookup('biz_account'),
    s1: Field.select({ options: ['x'] }),
    s2: Field.select([{ label: 'X', value: 'x' }]),
  },
});
export default Deal; // the same object exported twice counts once
`,
      'literal.object.ts': `export const Plain = { name: 'plain', fields: { id: { type: 'number' }, s: { type: 'select', options: ['a'] } } };\n`,
    });
    const { workspace, problems } = await loadWorkspace(root);
    expect(problems).toEqual([]);
    expect([...workspace!.objects.keys()].sort()).toEqual(['biz_account', 'biz_deal', 'plain']);
    const deal = workspace!.objects.get('biz_deal')!;
    expect(deal.fields.a).toMatchObject({ type: 'lookup', reference_to: 'biz_account' });
    expect(deal.fields.b).toMatchObject({ type: 'lookup', reference_to: 'biz_account' });
    expect(deal.fields.s1.options).toEqual(deal.fields.s2.options?.map((o) => ({ ...o, label: 'x' })));
    expect(workspace!.objects.get('plain')!.fields.s.options).toEqual([{ label: 'a', value: 'a' }]);
  });
});
