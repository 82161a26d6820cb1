import { ObjectSchema, Field } from '@objectstack/spec/data';

/** Chinook's `InvoiceLine` table. */
export const InvoiceLine = ObjectSchema.create({
  name: 'invoice_line',
  label: 'Invoice Line',
  pluralLabel: 'Invoice Lines',
  description: 'One track sold on an invoice, with its unit price and quantity.',
  icon: 'list',
  namespace: 'chinook',
  external: { table: 'InvoiceLine' },
  primaryKey: 'invoice_line_id',
  fields: {
    invoice_line_id: Field.number({ label: 'Invoice Line ID', required: true, readonly: true, column: 'InvoiceLineId' }),
    invoice_id: Field.lookup('invoice', { label: 'Invoice', required: true, column: 'InvoiceId' }),
    track_id: Field.lookup('track', { label: 'Track', required: true, column: 'TrackId' }),
    unit_price: Field.currency({ label: 'Unit Price', required: true, precision: 10, scale: 2, currency: 'USD', column: 'UnitPrice' }),
    quantity: Field.number({ label: 'Quantity', required: true, column: 'Quantity' }),
  },
});
