import { ObjectSchema, Field } from '@objectstack/spec/data';

/** Chinook's `Customer` table. */
export const Customer = ObjectSchema.create({
  name: 'customer',
  label: 'Customer',
  pluralLabel: 'Customers',
  description: 'A customer of the music store, looked after by one sales support agent.',
  icon: 'user',
  namespace: 'chinook',
  external: { table: 'Customer' },
  primaryKey: 'customer_id',
  titleField: 'last_name',
  fields: {
    customer_id: Field.number({ label: 'Customer ID', required: true, readonly: true, column: 'CustomerId' }),
    first_name: Field.text({ label: 'First Name', required: true, maxLength: 40, column: 'FirstName' }),
    last_name: Field.text({ label: 'Last Name', required: true, maxLength: 20, column: 'LastName' }),
    company: Field.text({ label: 'Company', maxLength: 80, column: 'Company' }),
    address: Field.text({ label: 'Address', maxLength: 70, column: 'Address' }),
    city: Field.text({ label: 'City', maxLength: 40, column: 'City' }),
    state: Field.text({ label: 'State', maxLength: 40, column: 'State' }),
    country: Field.text({ label: 'Country', maxLength: 40, column: 'Country' }),
    postal_code: Field.text({ label: 'Postal Code', maxLength: 10, column: 'PostalCode' }),
    phone: Field.phone({ label: 'Phone', maxLength: 24, column: 'Phone' }),
    fax: Field.phone({ label: 'Fax', maxLength: 24, column: 'Fax' }),
    email: Field.email({ label: 'Email', required: true, maxLength: 60, column: 'Email' }),
    support_rep_id: Field.lookup('employee', { label: 'Support Rep', column: 'SupportRepId' }),
  },
});
