import { Flow } from 'objectdesk';

/**
 * Every Monday at 07:00 (workspace time): each support agent's customers ranked by what they bought,
 * exported as a spreadsheet to the export folder the owner chose in Flows → Settings. Reads only.
 */
export default Flow.create({
  name: 'top_customers_per_agent',
  label: 'Top customers per support agent (weekly export)',
  description: 'Revenue per customer, grouped by the support agent who looks after them, as an XLSX file.',
  owner: 'andrew.adams',
  trigger: { type: 'schedule', cron: '0 7 * * 1' },
  steps: [
    {
      id: 'revenue',
      type: 'aggregate',
      query: {
        object: 'invoice',
        groupBy: [
          { field: 'customer_id.support_rep_id', alias: 'agent' },
          { field: 'customer_id', alias: 'customer' },
        ],
        aggregations: [
          { function: 'sum', field: 'total', alias: 'revenue' },
          { function: 'count', alias: 'invoices' },
        ],
        orderBy: [
          { field: 'agent', order: 'asc' },
          { field: 'revenue', order: 'desc' },
        ],
        limit: 1000,
      },
    },
    {
      id: 'file',
      type: 'export',
      rows: 'revenue.rows',
      format: 'xlsx',
      filename: 'top-customers-per-agent-{{run.date}}',
      columns: ['agent', 'customer', 'revenue', 'invoices'],
    },
    {
      id: 'done',
      type: 'notify',
      title: 'Top customers per agent is ready',
      message: '{{revenue.count}} customer rows exported to {{file.file}}',
    },
  ],
});
