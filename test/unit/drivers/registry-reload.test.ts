// A workspace file change keeps the pools of datasources whose definition did not change; the app's own
// reload (after writing a datasource or a secret) restarts them all.
import { describe, expect, it } from 'vitest';
import { DriverRegistry } from '../../../src/main/drivers';
import type { Driver } from '../../../src/main/drivers/types';
import { DatasourceSchema, type DatasourceDefinition } from '../../../src/main/metadata/datasource';

const def = (name: string, filename: string) => DatasourceSchema.parse({ name, driver: 'sqlite', config: { filename } });

function registry(defs: DatasourceDefinition[]) {
  const closed: string[] = [];
  const reg = new DriverRegistry(defs, { workspaceRoot: '/tmp', resolveSecret: async () => '' }, (d) =>
    ({ name: d.name, close: async () => void closed.push(d.name) }) as unknown as Driver,
  );
  return { reg, closed };
}

describe('DriverRegistry.reload', () => {
  it('keepUnchanged closes only drivers whose definition changed or vanished', async () => {
    const { reg, closed } = registry([def('a', 'a.db'), def('b', 'b.db'), def('c', 'c.db')]);
    const a = reg.get('a');
    reg.get('b');
    reg.get('c');
    await reg.reload([{ ...def('a', 'a.db'), file: '/elsewhere.ts' } as unknown as DatasourceDefinition, def('b', 'other.db')], { keepUnchanged: true });
    expect(closed.sort()).toEqual(['b', 'c']);
    expect(reg.get('a')).toBe(a);
    expect(reg.has('c')).toBe(false);
  });

  it('by default closes every driver', async () => {
    const { reg, closed } = registry([def('a', 'a.db')]);
    const a = reg.get('a');
    await reg.reload([def('a', 'a.db')]);
    expect(closed).toEqual(['a']);
    expect(reg.get('a')).not.toBe(a);
  });
});
