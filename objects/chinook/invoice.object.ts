import { ObjectSchema, Field } from '@objectstack/spec/data';

/** Chinook's `Invoice` table. */
export const Invoice = ObjectSchema.create({
  name: 'invoice',
  label: 'Invoice',
  pluralLabel: 'Invoices',
  description: 'A sale to a customer, with its billing address and total.',
  icon: 'receipt',
  namespace: 'chinook',
  external: { table: 'Invoice' },
  primaryKey: 'invoice_id',
  fields: {
    invoice_id: Field.number({ label: 'Invoice ID', required: true, readonly: true, column: 'InvoiceId' }),
    customer_id: Field.lookup('customer', { label: 'Customer', required: true, column: 'CustomerId' }),
    invoice_date: Field.datetime({ label: 'Invoice Date', required: true, column: 'InvoiceDate' }),
    billing_address: Field.text({ label: 'Billing Address', maxLength: 70, column: 'BillingAddress' }),
    billing_city: Field.text({ label: 'Billing City', maxLength: 40, column: 'BillingCity' }),
    billing_state: Field.text({ label: 'Billing State', maxLength: 40, column: 'BillingState' }),
    billing_country: Field.text({ label: 'Billing Country', maxLength: 40, column: 'BillingCountry' }),
    billing_postal_code: Field.text({ label: 'Billing Postal Code', maxLength: 10, column: 'BillingPostalCode' }),
    total: Field.currency({ label: 'Total', required: true, precision: 10, scale: 2, currency: 'USD', column: 'Total' }),
  },
});
