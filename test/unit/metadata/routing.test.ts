/** Datasource routing: the object's own datasource beats the first matching rule, which beats the default. */
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { explainRouting, loadWorkspace, resolveRouting, type MappingRule } from '../../../src/main/metadata';
import { config, objectFile, removeWorkspaces, writeWorkspace } from './workspace-builder';

afterAll(removeWorkspaces);

const rules: MappingRule[] = [
  { namespace: 'biz', datasource: 'business' },
  { package: 'warehouse', datasource: 'dwh' },
  { objectPattern: 'log_*', datasource: 'logs' },
  { namespace: 'biz', objectPattern: '*_archive', datasource: 'never' }, // shadowed by rule 0
  { default: true, datasource: 'primary' },
];

describe('resolveRouting', () => {
  it.each([
    // [case, object, expected datasource, source, ruleIndex]
    ['own datasource beats a matching rule', { name: 'biz_account', datasource: 'special' }, 'special', 'object', undefined],
    ['own datasource beats the default', { name: 'misc', datasource: 'special' }, 'special', 'object', undefined],
    ['namespace from the name prefix', { name: 'biz_account' }, 'business', 'rule', 0],
    ['declared namespace beats the name prefix', { name: 'log_entry', namespace: 'biz' }, 'business', 'rule', 0],
    ['first match wins over a later, more specific rule', { name: 'biz_order_archive' }, 'business', 'rule', 0],
    ['package: the sub-folder of the file', { name: 'fact_sales', package: 'warehouse' }, 'dwh', 'rule', 1],
    ['package matches nested folders', { name: 'fact_sales', package: 'warehouse/emea' }, 'dwh', 'rule', 1],
    ['a similar package name does not match', { name: 'fact_sales', package: 'warehouse2' }, 'primary', 'default', 4],
    ['objectPattern is a glob on the name', { name: 'log_http' }, 'logs', 'rule', 2],
    ['unmatched objects fall to the default', { name: 'misc' }, 'primary', 'default', 4],
  ] as const)('%s', (_case, object, datasource, source, ruleIndex) => {
    const d = resolveRouting(object, rules);
    expect([d.datasource, d.source, d.ruleIndex]).toEqual([datasource, source, ruleIndex]);
  });

  it('leaves an object without a match and without a default unrouted, saying why', () => {
    const d = resolveRouting({ name: 'misc', package: 'x' }, rules.slice(0, 3));
    expect(d.datasource).toBeNull();
    expect(d.reason).toBe('no datasourceMapping rule matches it (namespace "", package "x") and there is no default rule');
  });

  it('says why a rule matched', () => {
    expect(resolveRouting({ name: 'log_http' }, rules).reason).toBe(
      `datasourceMapping[2] { objectPattern: 'log_*', datasource: 'logs' } is the first rule that matches: its name "log_http" matches "log_*"`,
    );
    expect(resolveRouting({ name: 'biz_a', datasource: 'x' }, rules).reason).toBe("the object declares datasource: 'x', which overrides the mapping rules");
  });
});

describe('explainRouting on a loaded workspace', () => {
  it('reports, for every object, the datasource, the rule and the reason', async () => {
    const root = writeWorkspace({
      'objectdesk.config.ts': config('', {
        datasources: `[{ name: 'main', driver: 'sqlite', config: { filename: 'a.sqlite' } }, { name: 'dwh', driver: 'sqlite', config: { filename: 'b.sqlite' } }]`,
        mapping: `[{ package: 'warehouse', datasource: 'dwh' }, { default: true, datasource: 'main' }]`,
      }),
      'warehouse/fact_sales.object.ts': objectFile('fact_sales'),
      'crm_lead.object.ts': objectFile('crm_lead'),
      'pinned.object.ts': objectFile('pinned', undefined, `  datasource: 'dwh',`),
    });
    const { workspace, problems } = await loadWorkspace(root);
    expect(problems).toEqual([]);
    expect(explainRouting(workspace!).map((e) => [e.object, e.package, e.namespace, e.datasource, e.source, e.rule])).toEqual([
      ['crm_lead', undefined, 'crm', 'main', 'default', "{ default: true, datasource: 'main' }"],
      ['fact_sales', 'warehouse', 'fact', 'dwh', 'rule', "{ package: 'warehouse', datasource: 'dwh' }"],
      ['pinned', undefined, '', 'dwh', 'object', undefined],
    ]);
    expect(workspace!.objects.get('fact_sales')!.file).toBe(path.join(root, 'warehouse/fact_sales.object.ts'));
  });
});
