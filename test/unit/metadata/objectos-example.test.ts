/** An object file written for ObjectOS (the example from the issue, verbatim) loads unchanged. */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadWorkspace } from '../../../src/main/metadata';

const root = path.resolve(__dirname, '../../fixtures/workspaces/objectos-example');

describe('the ObjectOS-shaped example', () => {
  it('loads through the @objectstack/spec specifiers with no problems', async () => {
    const { workspace, problems } = await loadWorkspace(root);
    expect(problems).toEqual([]);
    const o = workspace!.objects.get('biz_opportunity')!;
    expect(o).toMatchObject({
      label: 'Opportunity',
      datasource: 'business_primary',
      namespace: 'biz',
      package: 'biz',
      routing: { source: 'object' },
      file: path.join(root, 'biz/opportunity.object.ts'),
    });
    expect(Object.keys(o.fields)).toEqual(['name', 'account', 'amount', 'stage', 'close_date']);
    expect(o.fields.account).toEqual({ type: 'lookup', label: 'Account', reference_to: 'biz_account' });
    expect(o.fields.stage.options).toEqual([
      { label: 'prospecting', value: 'prospecting' },
      { label: 'closed_won', value: 'closed_won' },
    ]);
    expect(workspace!.objects.get('biz_account')!.routing).toMatchObject({ source: 'rule', ruleIndex: 0 });
  });

  it('takes the datasource from a *.datasource.ts file, with defaults applied and no password in it', async () => {
    const { workspace } = await loadWorkspace(root);
    const ds = workspace!.datasources.get('business_primary')!;
    expect(ds).toMatchObject({ driver: 'postgres', readOnly: true, allowWrites: false, active: true, file: path.join(root, 'business.datasource.ts') });
    expect(ds.config).toMatchObject({ host: process.env.BIZ_HOST ?? '127.0.0.1', database: 'business', user: 'analyst' });
  });
});
