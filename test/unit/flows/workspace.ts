/**
 * Flow test workspaces: the demo (with a writable SQLite copy unless told otherwise, from the governance
 * helper) plus the given `*.flow.ts` files, and an `ops.olivia` user who may edit invoices — but only the
 * USA ones (an edit rule), which is how a batch that fails half-way is produced without touching the schema.
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { governanceWorkspace, type GovernanceWorkspaceOptions } from '../security/workspace';

export const INVOICE_EDITOR = `{
      name: 'invoice_editor',
      objects: { invoice: { allowRead: true, allowEdit: true, allowCreate: true, allowDelete: true, viewAllRecords: true } },
      recordRules: [{ object: 'invoice', operation: 'edit', using: { billing_country: 'USA' } }, { object: 'invoice', operation: 'delete', using: { billing_country: 'USA' } }],
    },`;

export const OLIVIA = `{ name: 'ops.olivia', label: 'Olivia Ops', permissionSets: ['general_manager', 'invoice_editor'], admin: false },`;

export function flowWorkspace(flows: Record<string, string>, opts: GovernanceWorkspaceOptions = {}) {
  const ws = governanceWorkspace({ writable: ['invoice', 'customer'], extraSets: INVOICE_EDITOR, extraUsers: OLIVIA, ...opts });
  mkdirSync(path.join(ws.dir, 'flows'), { recursive: true });
  for (const [name, source] of Object.entries(flows)) writeFileSync(path.join(ws.dir, 'flows', name), source);
  return ws;
}

/** A flow file from the object literal's source text. */
export const flowFile = (body: string) => `import { Flow } from 'objectdesk';\n\nexport default Flow.create(${body});\n`;

/**
 * The write flows both server suites run: `stamp_usa` updates the big US invoices (with approval), `mixed`
 * updates them plus invoice 404 — not a US invoice, so the edit rule refuses it and the batch must roll back —
 * without approval.
 */
export const WRITE_FLOWS: Record<string, string> = {
  'stamp.flow.ts': flowFile(`{
  name: 'stamp_usa', owner: 'ops.olivia',
  steps: [
    { id: 'big', type: 'query', query: { object: 'invoice', fields: ['invoice_id', 'billing_state'], where: { billing_country: 'USA', total: { $gt: 15 } } } },
    { id: 'fix', type: 'update', object: 'invoice', records: 'big.rows', set: { billing_state: 'ZZ' } },
  ],
}`),
  'mixed.flow.ts': flowFile(`{
  name: 'mixed', owner: 'ops.olivia', approval: 'never',
  steps: [
    { id: 'big', type: 'query', query: { object: 'invoice', fields: ['invoice_id'], where: { $or: [{ billing_country: 'USA', total: { $gt: 15 } }, { invoice_id: 404 }] }, orderBy: [{ field: 'invoice_id', order: 'asc' }] } },
    { id: 'fix', type: 'update', object: 'invoice', records: 'big.rows', set: { billing_city: 'Nowhere' } },
  ],
}`),
};
