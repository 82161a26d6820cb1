import { ObjectSchema, Field } from '@objectstack/spec/data';

/** Chinook's `Employee` table. */
export const Employee = ObjectSchema.create({
  name: 'employee',
  label: 'Employee',
  pluralLabel: 'Employees',
  description: 'A store employee; reports_to forms the management hierarchy.',
  icon: 'id-card',
  namespace: 'chinook',
  external: { table: 'Employee' },
  primaryKey: 'employee_id',
  titleField: 'last_name',
  fields: {
    employee_id: Field.number({ label: 'Employee ID', required: true, readonly: true, column: 'EmployeeId' }),
    last_name: Field.text({ label: 'Last Name', required: true, maxLength: 20, column: 'LastName' }),
    first_name: Field.text({ label: 'First Name', required: true, maxLength: 20, column: 'FirstName' }),
    title: Field.text({ label: 'Title', maxLength: 30, column: 'Title' }),
    reports_to: Field.lookup('employee', { label: 'Reports To', column: 'ReportsTo' }),
    birth_date: Field.datetime({ label: 'Birth Date', column: 'BirthDate' }),
    hire_date: Field.datetime({ label: 'Hire Date', column: 'HireDate' }),
    address: Field.text({ label: 'Address', maxLength: 70, column: 'Address' }),
    city: Field.text({ label: 'City', maxLength: 40, column: 'City' }),
    state: Field.text({ label: 'State', maxLength: 40, column: 'State' }),
    country: Field.text({ label: 'Country', maxLength: 40, column: 'Country' }),
    postal_code: Field.text({ label: 'Postal Code', maxLength: 10, column: 'PostalCode' }),
    phone: Field.phone({ label: 'Phone', maxLength: 24, column: 'Phone' }),
    fax: Field.phone({ label: 'Fax', maxLength: 24, column: 'Fax' }),
    email: Field.email({ label: 'Email', maxLength: 60, column: 'Email' }),
  },
});
