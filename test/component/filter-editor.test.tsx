// The object browser's column filter editor, rendered in jsdom: each field type gets its own editor, bad
// input is refused next to the field without applying anything, and what is applied is what the grid
// turns into the ObjectQL `where`.
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { FieldSummary } from '../../src/shared/api/contract';
import { FilterEditor } from '../../src/renderer/src/browser/FilterEditor';
import { conditionOf, type ColumnFilter } from '../../src/renderer/src/browser/filters';

afterEach(cleanup);

const field = (name: string, type: string, label: string, extra: Partial<FieldSummary> = {}): FieldSummary => ({
  name, type, label, required: false, readonly: true, searchable: type === 'text', ...extra,
});
const total = field('total', 'currency', 'Total');
const country = field('billing_country', 'text', 'Billing Country');
const invoiceDate = field('invoice_date', 'datetime', 'Invoice Date');
const status = field('status', 'select', 'Status', { options: [{ label: 'Open', value: 'open' }, { label: 'Paid', value: 'paid' }, { label: 'Void', value: 'void' }] });
const paid = field('paid', 'boolean', 'Paid');
const customer = field('customer_id', 'lookup', 'Customer', { reference_to: 'customer' });

function open(f: FieldSummary, value?: ColumnFilter) {
  const onApply = vi.fn<(f: ColumnFilter | undefined) => void>();
  const onClose = vi.fn();
  render(<FilterEditor field={f} value={value} onApply={onApply} onClose={onClose} />);
  return { onApply, onClose, dialog: screen.getByRole('dialog', { name: `Filter ${f.label}` }) };
}
const apply = () => fireEvent.click(screen.getByRole('button', { name: 'Apply' }));

describe('filter editor', () => {
  it('numeric range: from/to become an inclusive range, and the first input has focus', () => {
    const { onApply, onClose } = open(total);
    const from = screen.getByLabelText('Total from');
    expect(document.activeElement).toBe(from);
    fireEvent.change(from, { target: { value: '10' } });
    fireEvent.change(screen.getByLabelText('Total to'), { target: { value: '20.5' } });
    apply();
    const applied = onApply.mock.calls[0]![0]!;
    expect(applied).toEqual({ kind: 'number', min: '10', max: '20.5' });
    expect(conditionOf(total, applied)).toEqual({ total: { $gte: 10, $lte: 20.5 } });
    expect(onClose).toHaveBeenCalledOnce();
  });

  it('refuses a non-number or a reversed range with an alert naming the field, and applies nothing', () => {
    const { onApply, onClose } = open(total);
    fireEvent.change(screen.getByLabelText('Total from'), { target: { value: 'ten' } });
    apply();
    expect(screen.getByRole('alert').textContent).toBe('Total from: "ten" is not a number.');
    fireEvent.change(screen.getByLabelText('Total from'), { target: { value: '30' } });
    fireEvent.change(screen.getByLabelText('Total to'), { target: { value: '5' } });
    apply();
    expect(screen.getByRole('alert').textContent).toContain('"from" (30) is larger than "to" (5)');
    expect(onApply).not.toHaveBeenCalled();
    expect(onClose).not.toHaveBeenCalled();
    // Fixing the input clears the error and applies.
    fireEvent.change(screen.getByLabelText('Total to'), { target: { value: '50' } });
    apply();
    expect(screen.queryByRole('alert')).toBeNull();
    expect(onApply).toHaveBeenCalledWith({ kind: 'number', min: '30', max: '50' });
  });

  it('text: operator picker; "is empty" hides the value input; Enter in the value applies', () => {
    const { onApply } = open(country);
    const op = screen.getByLabelText('Billing Country operator') as HTMLSelectElement;
    expect(op.value).toBe('contains');
    fireEvent.change(op, { target: { value: 'empty' } });
    expect(screen.queryByLabelText('Billing Country value')).toBeNull();
    fireEvent.change(op, { target: { value: 'equals' } });
    const value = screen.getByLabelText('Billing Country value');
    fireEvent.change(value, { target: { value: ' USA ' } });
    fireEvent.keyDown(value, { key: 'Enter' });
    expect(onApply).toHaveBeenCalledWith({ kind: 'text', op: 'equals', value: ' USA ' });
    expect(conditionOf(country, onApply.mock.calls[0]![0]!)).toEqual({ billing_country: { $eq: 'USA' } });
  });

  it('date range on a datetime: the "to" day is inclusive (compared with the next midnight); a reversed range is refused', () => {
    const { onApply } = open(invoiceDate);
    expect((screen.getByLabelText('Invoice Date from') as HTMLInputElement).type).toBe('date');
    fireEvent.change(screen.getByLabelText('Invoice Date from'), { target: { value: '2024-03-01' } });
    fireEvent.change(screen.getByLabelText('Invoice Date to'), { target: { value: '2024-02-01' } });
    apply();
    expect(screen.getByRole('alert').textContent).toBe('Invoice Date: "from" is after "to".');
    fireEvent.change(screen.getByLabelText('Invoice Date to'), { target: { value: '2024-03-31' } });
    apply();
    expect(conditionOf(invoiceDate, onApply.mock.calls[0]![0]!)).toEqual({ invoice_date: { $gte: '2024-03-01T00:00:00', $lt: '2024-04-01T00:00:00' } });
  });

  it('select: one checkbox per option, by label, in a named group; checked values become $in', () => {
    const { onApply } = open(status);
    const group = screen.getByRole('group', { name: 'Status values' });
    expect(group.querySelectorAll('input[type=checkbox]')).toHaveLength(3);
    fireEvent.click(screen.getByLabelText('Paid'));
    fireEvent.click(screen.getByLabelText('Void'));
    fireEvent.click(screen.getByLabelText('Paid'));
    apply();
    expect(onApply).toHaveBeenCalledWith({ kind: 'select', values: ['void'] });
  });

  it('boolean and lookup editors; a lookup key that looks numeric is compared as a number', () => {
    const b = open(paid);
    fireEvent.change(screen.getByLabelText('Paid value'), { target: { value: 'false' } });
    apply();
    expect(conditionOf(paid, b.onApply.mock.calls[0]![0]!)).toEqual({ paid: { $eq: false } });
    cleanup();
    const l = open(customer);
    fireEvent.change(screen.getByLabelText('Customer key'), { target: { value: '42' } });
    apply();
    expect(conditionOf(customer, l.onApply.mock.calls[0]![0]!)).toEqual({ customer_id: 42 });
  });

  it('opens with the current filter, Clear removes it, Escape closes without applying', () => {
    const current: ColumnFilter = { kind: 'number', min: '5', max: '' };
    const first = open(total, current);
    expect((screen.getByLabelText('Total from') as HTMLInputElement).value).toBe('5');
    fireEvent.click(screen.getByRole('button', { name: 'Clear' }));
    expect(first.onApply).toHaveBeenCalledWith(undefined);
    expect(first.onClose).toHaveBeenCalledOnce();
    cleanup();
    const second = open(total, current);
    fireEvent.keyDown(screen.getByLabelText('Total to'), { key: 'Escape' });
    expect(second.onClose).toHaveBeenCalledOnce();
    expect(second.onApply).not.toHaveBeenCalled();
  });

  it('renders nothing for a field type that has no column filter', () => {
    const { container } = render(<FilterEditor field={field('data', 'json', 'Data')} value={undefined} onApply={() => undefined} onClose={() => undefined} />);
    expect(container.innerHTML).toBe('');
  });
});
