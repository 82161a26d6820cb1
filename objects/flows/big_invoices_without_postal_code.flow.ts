import { Flow } from 'objectdesk';

/** Every morning: invoices over 20 whose billing postal code is missing, reported in the owner's inbox. Reads only. */
export default Flow.create({
  name: 'big_invoices_without_postal_code',
  label: 'Invoices over 20 with no billing postal code',
  owner: 'andrew.adams',
  trigger: { type: 'schedule', cron: '0 8 * * *' },
  steps: [
    {
      id: 'missing',
      type: 'query',
      query: {
        object: 'invoice',
        fields: ['invoice_id', 'invoice_date', 'billing_country', 'total'],
        where: { total: { $gt: 20 }, billing_postal_code: { $null: true } },
        orderBy: [{ field: 'invoice_date', order: 'desc' }],
        limit: 500,
      },
    },
    {
      id: 'any',
      type: 'condition',
      if: { ref: 'missing.count', op: 'gt', value: 0 },
      then: [
        {
          id: 'tell',
          type: 'notify',
          title: '{{missing.count}} invoice(s) over 20 have no billing postal code',
          message: 'Invoice ids: {{missing.rows.invoice_id}}. The newest is from {{missing.first.billing_country}}.',
        },
      ],
    },
  ],
});
