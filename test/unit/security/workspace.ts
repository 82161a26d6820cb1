/**
 * Throwaway governance workspaces generated from the demo (objects/): the same objects, users and
 * permission sets, pointed at another datasource (a writable SQLite copy, a PostgreSQL or MariaDB Chinook),
 * optionally with writable objects and a writer permission set for Jane.
 */
import { copyFileSync, cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const DEMO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../objects');

export interface GovernanceWorkspaceOptions {
  /** TypeScript source of the `chinook` datasource object; default: a writable copy of the demo SQLite file. */
  datasource?: string;
  /** PostgreSQL's Chinook: snake_case tables and columns (table = object name, column = field name). */
  snakeCase?: boolean;
  /** Objects whose `external.writable` is turned on. */
  writable?: string[];
  /** Adds the `agent_writer` set to Jane: edit/create/delete the customers she supports, not their company. */
  janeWrites?: boolean;
  /** Permission sets and users added to the demo's (TypeScript source of array items). */
  extraSets?: string;
  extraUsers?: string;
  /** Removes every user (and defaultUser): the workspace belongs to whoever runs it. */
  noUsers?: boolean;
}

export const AGENT_WRITER = `{
      name: 'agent_writer',
      objects: {
        customer: { allowRead: true, allowCreate: true, allowEdit: true, allowDelete: true },
        invoice_line: { allowRead: true, allowEdit: true, allowDelete: true },
        playlist_track: { allowRead: true, allowCreate: true, allowDelete: true },
      },
      fields: { 'customer.email': { readable: false }, 'customer.phone': { readable: false }, 'customer.company': { readable: true, editable: false } },
      recordRules: [
        { object: 'customer', operation: 'all', using: { support_rep_id: '$user.externalId' } },
        { object: 'invoice_line', operation: 'all', using: { 'invoice_id.customer_id.support_rep_id': '$user.externalId' } },
      ],
    },`;

export function governanceWorkspace(opts: GovernanceWorkspaceOptions = {}): { dir: string; sqliteFile?: string; cleanup(): void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'objectdesk-gov-'));
  cpSync(DEMO, dir, { recursive: true });
  let sqliteFile: string | undefined;
  let datasource = opts.datasource;
  if (!datasource) {
    sqliteFile = path.join(dir, 'data', 'chinook-copy.sqlite');
    copyFileSync(path.join(DEMO, 'data', 'chinook.sqlite'), sqliteFile);
    datasource = `{ name: 'chinook', driver: 'sqlite', config: { filename: 'data/chinook-copy.sqlite' }, readOnly: false, allowWrites: true }`;
  }
  const configFile = path.join(dir, 'objectdesk.config.ts');
  let config = readFileSync(configFile, 'utf8');
  const start = config.indexOf('  datasources: [');
  const end = config.indexOf('  datasourceMapping:');
  if (start < 0 || end < 0) throw new Error('the demo config changed: no datasources block to replace');
  config = `${config.slice(0, start)}  datasources: [${datasource}],\n${config.slice(end)}`;
  if (opts.janeWrites) {
    config = config.replace('  permissionSets: [', `  permissionSets: [\n    ${AGENT_WRITER}`);
    config = config.replace("permissionSets: ['support_agent'],", "permissionSets: ['support_agent', 'agent_writer'],");
  }
  if (opts.extraSets) config = config.replace('  permissionSets: [', `  permissionSets: [\n    ${opts.extraSets}`);
  if (opts.extraUsers) config = config.replace('  users: [', `  users: [\n    ${opts.extraUsers}`);
  if (opts.noUsers) {
    const u = config.indexOf('  users: [');
    const h = config.indexOf('  // `$user.subordinates`');
    config = `${config.slice(0, u)}${config.slice(h)}`.replace("  defaultUser: 'andrew.adams',\n", '');
  }
  writeFileSync(configFile, config);
  const objectsDir = path.join(dir, 'chinook');
  for (const file of readdirSync(objectsDir)) {
    const name = path.join(objectsDir, file);
    let text = readFileSync(name, 'utf8');
    const object = /name: '([a-z_]+)'/.exec(text)![1]!;
    if (opts.snakeCase) {
      text = text.replace(/external: \{ table: '[^']+' \}/, `external: { table: '${object}' }`).replace(/, column: '[^']+'/g, '');
    }
    if (opts.writable?.includes(object)) text = text.replace(/external: \{ table: '([^']+)' \}/, "external: { table: '$1', writable: true }");
    writeFileSync(name, text);
  }
  return { dir, sqliteFile, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
