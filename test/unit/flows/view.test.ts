/** How the Flows screen words triggers, statuses, sizes and record changes. */
import { describe, expect, test } from 'vitest';
import { bytes, changeLines, statusText, triggerText, when } from '../../../src/renderer/src/flows/view';

describe('Flows screen wording', () => {
  test('triggers, statuses, times and sizes', () => {
    expect(triggerText({ type: 'schedule', cron: '0 7 * * 1', timezone: 'Europe/Berlin' })).toBe('Schedule 0 7 * * 1 (Europe/Berlin)');
    expect(triggerText({ type: 'change', object: 'invoice', watermark: 'updated_at', every: 60 })).toBe('When invoice.updated_at grows (every 60 s)');
    expect(triggerText({ type: 'manual' })).toBe('Manual');
    expect(statusText('awaiting_approval')).toBe('Awaiting approval');
    expect(when('2025-03-31T07:00:00.000Z')).toBe('2025-03-31 07:00:00 UTC');
    expect([bytes(512), bytes(2048), bytes(3 * 1024 * 1024)]).toEqual(['512 B', '2.0 KB', '3.0 MB']);
  });

  test('each record change reads old → new, creates show the new values', () => {
    expect(
      changeLines({
        step: 'fix',
        path: 'steps.1',
        object: 'invoice',
        kind: 'update',
        records: [
          { key: { invoice_id: 103 }, before: { billing_state: 'IL', total: null }, after: { billing_state: 'ZZ', total: 1 }, status: 'pending' },
          { key: { invoice_id: 404 }, before: { billing_state: null, total: 2 }, after: { billing_state: 'ZZ', total: 1 }, status: 'failed', error: 'forbidden' },
        ],
      }),
    ).toEqual([
      { key: '103', fields: 'billing_state: IL → ZZ; total: ∅ → 1', status: 'pending' },
      { key: '404', fields: 'billing_state: ∅ → ZZ; total: 2 → 1', status: 'failed', error: 'forbidden' },
    ]);
    expect(changeLines({ step: 'c', path: 'steps.0', object: 'customer', kind: 'create', records: [{ after: { first_name: 'Ann' }, status: 'pending' }] })).toEqual([
      { key: 'new', fields: 'first_name: Ann', status: 'pending' },
    ]);
  });
});
