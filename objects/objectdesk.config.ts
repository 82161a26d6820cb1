/**
 * The bundled demo workspace: the Chinook music store on an embedded, read-only SQLite file, with three
 * users taken from Chinook's own employees. See docs/objects.md for every key used here.
 */
import { defineWorkspace } from 'objectdesk';

const CHINOOK_OBJECTS = [
  'album', 'artist', 'customer', 'employee', 'genre', 'invoice',
  'invoice_line', 'media_type', 'playlist', 'playlist_track', 'track',
];
const readAll = Object.fromEntries(CHINOOK_OBJECTS.map((o) => [o, { allowRead: true }]));
const viewAll = Object.fromEntries(CHINOOK_OBJECTS.map((o) => [o, { allowRead: true, viewAllRecords: true }]));

export default defineWorkspace({
  name: 'Chinook demo',
  description: 'A digital music store: customers, invoices, tracks and the employees who sell them.',
  timezone: 'UTC',
  datasources: [
    {
      name: 'chinook',
      label: 'Chinook (SQLite)',
      driver: 'sqlite',
      config: { filename: 'data/chinook.sqlite' },
      readOnly: true,
    },
  ],
  datasourceMapping: [
    { namespace: 'chinook', datasource: 'chinook' },
    { default: true, datasource: 'chinook' },
  ],
  permissionSets: [
    {
      name: 'support_agent',
      label: 'Sales support agent',
      description: 'Sees the catalogue, and only the customers they support, with those customers\' invoices.',
      objects: readAll,
      fields: {
        'customer.email': { readable: false },
        'customer.phone': { readable: false },
      },
      recordRules: [
        { object: 'customer', using: { support_rep_id: '$user.externalId' }, description: 'Customers I support' },
        { object: 'invoice', using: { 'customer_id.support_rep_id': '$user.externalId' }, description: 'Invoices of customers I support' },
        {
          object: 'invoice_line',
          using: { 'invoice_id.customer_id.support_rep_id': '$user.externalId' },
          description: 'Lines of invoices of customers I support',
        },
      ],
    },
    {
      name: 'sales_manager',
      label: 'Sales manager',
      description: 'Sees the catalogue, and their own customers (with invoices) and those of everyone who reports to them.',
      objects: readAll,
      recordRules: [
        {
          object: 'customer',
          using: { $or: [{ support_rep_id: '$user.externalId' }, { support_rep_id: { $in: '$user.subordinates' } }] },
          description: "My own and my team's customers",
        },
        {
          object: 'invoice',
          using: { $or: [{ 'customer_id.support_rep_id': '$user.externalId' }, { 'customer_id.support_rep_id': { $in: '$user.subordinates' } }] },
          description: "My own and my team's invoices",
        },
        {
          object: 'invoice_line',
          using: {
            $or: [
              { 'invoice_id.customer_id.support_rep_id': '$user.externalId' },
              { 'invoice_id.customer_id.support_rep_id': { $in: '$user.subordinates' } },
            ],
          },
          description: "Lines of my own and my team's invoices",
        },
      ],
    },
    {
      name: 'general_manager',
      label: 'General manager',
      description: 'Sees every record of every object.',
      objects: viewAll,
    },
  ],
  users: [
    {
      name: 'jane.peacock',
      label: 'Jane Peacock',
      email: 'jane@chinookcorp.com',
      permissionSets: ['support_agent'],
      externalId: 3,
      admin: false,
      attributes: { title: 'Sales Support Agent' },
    },
    {
      name: 'nancy.edwards',
      label: 'Nancy Edwards',
      email: 'nancy@chinookcorp.com',
      permissionSets: ['sales_manager'],
      externalId: 2,
      admin: false,
      attributes: { title: 'Sales Manager' },
    },
    {
      name: 'andrew.adams',
      label: 'Andrew Adams',
      email: 'andrew@chinookcorp.com',
      permissionSets: ['general_manager'],
      externalId: 1,
      admin: true,
      attributes: { title: 'General Manager' },
    },
  ],
  // `$user.subordinates` = the externalIds of everyone below the user in this tree (not the user).
  hierarchy: { object: 'employee', parentField: 'reports_to', maxDepth: 10 },
  defaultUser: 'andrew.adams',
});
