// The object browser's typed column filters become the ObjectQL `where` the engine gets.
import { describe, expect, it } from 'vitest';
import { conditionOf, emptyFilter, filterKindOf, FilterInputError, isActive, whereOf, describeFilter } from '../../../src/renderer/src/browser/filters';

const f = (name: string, type: string, label = name) => ({ name, type, label });

describe('column filters → ObjectQL', () => {
  it('picks the editor by field type', () => {
    expect(['text', 'email', 'currency', 'datetime', 'select', 'boolean', 'lookup', 'json'].map((t) => filterKindOf({ type: t }))).toEqual(['text', 'text', 'number', 'date', 'select', 'boolean', 'lookup', null]);
  });

  it('ignores empty editors and ANDs the rest in field order', () => {
    const fields = [f('country', 'text'), f('total', 'currency'), f('status', 'select')];
    expect(whereOf(fields, { country: emptyFilter('text'), total: emptyFilter('number') })).toBeUndefined();
    expect(whereOf(fields, { total: { kind: 'number', min: '10', max: '' } })).toEqual({ total: { $gte: 10 } });
    expect(whereOf(fields, { status: { kind: 'select', values: ['a', 'b'] }, country: { kind: 'text', op: 'equals', value: ' USA ' } })).toEqual({
      $and: [{ country: { $eq: 'USA' } }, { status: { $in: ['a', 'b'] } }],
    });
  });

  it('text operators', () => {
    const c = f('name', 'text');
    expect(conditionOf(c, { kind: 'text', op: 'contains', value: 'ab' })).toEqual({ name: { $icontains: 'ab' } });
    expect(conditionOf(c, { kind: 'text', op: 'startsWith', value: 'ab' })).toEqual({ name: { $startsWith: 'ab' } });
    expect(conditionOf(c, { kind: 'text', op: 'empty', value: '' })).toEqual({ name: { $null: true } });
    expect(conditionOf(c, { kind: 'text', op: 'notEmpty', value: '' })).toEqual({ name: { $null: false } });
    expect(conditionOf(c, { kind: 'text', op: 'contains', value: '  ' })).toBeUndefined();
  });

  it('numeric ranges are inclusive and checked', () => {
    const t = f('total', 'currency', 'Total');
    expect(conditionOf(t, { kind: 'number', min: '1.5', max: '3' })).toEqual({ total: { $gte: 1.5, $lte: 3 } });
    expect(() => conditionOf(t, { kind: 'number', min: 'abc', max: '' })).toThrow(FilterInputError);
    expect(() => conditionOf(t, { kind: 'number', min: '5', max: '1' })).toThrow(/larger than "to"/);
  });

  it('a date range includes the whole "to" day; datetimes compare with the next midnight', () => {
    expect(conditionOf(f('d', 'date'), { kind: 'date', from: '2024-01-01', to: '2024-01-31' })).toEqual({ d: { $gte: '2024-01-01', $lte: '2024-01-31' } });
    expect(conditionOf(f('d', 'datetime'), { kind: 'date', from: '2024-01-01', to: '2024-02-29' })).toEqual({ d: { $gte: '2024-01-01T00:00:00', $lt: '2024-03-01T00:00:00' } });
    expect(conditionOf(f('d', 'datetime'), { kind: 'date', from: '', to: '2024-12-31' })).toEqual({ d: { $lt: '2025-01-01T00:00:00' } });
    expect(() => conditionOf(f('d', 'date'), { kind: 'date', from: '2024-02-01', to: '2024-01-01' })).toThrow(/after/);
    expect(() => conditionOf(f('d', 'date'), { kind: 'date', from: '1/2/2024', to: '' })).toThrow(/2024-05-31/);
  });

  it('booleans and lookups', () => {
    expect(conditionOf(f('b', 'boolean'), { kind: 'boolean', value: 'false' })).toEqual({ b: { $eq: false } });
    expect(conditionOf(f('b', 'boolean'), { kind: 'boolean', value: 'empty' })).toEqual({ b: { $null: true } });
    expect(isActive({ kind: 'boolean', value: 'any' })).toBe(false);
    expect(conditionOf(f('customer_id', 'lookup'), { kind: 'lookup', value: '12' })).toEqual({ customer_id: 12 });
    expect(conditionOf(f('ref', 'lookup'), { kind: 'lookup', value: 'abc' })).toEqual({ ref: 'abc' });
  });

  it('describes active filters for the chips', () => {
    expect(describeFilter({ kind: 'number', min: '10', max: '' })).toBe('≥ 10');
    expect(describeFilter({ kind: 'select', values: [1] }, [{ label: 'One', value: 1 }])).toBe('One');
    expect(describeFilter({ kind: 'date', from: '2024-01-01', to: '2024-01-31' })).toBe('2024-01-01 – 2024-01-31');
  });
});
