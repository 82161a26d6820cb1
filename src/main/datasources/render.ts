/**
 * Renders a draft as a formatted `*.datasource.ts` file: `Datasource.create({ … })` from 'objectdesk',
 * keys in a fixed order, and the password only as a reference — `secret('<name>')` (the OS keychain) or
 * `process.env.<NAME>`. There is no code path that could write a password value: drafts do not carry one.
 */
import { format } from 'prettier';
import type { DatasourceDraft } from '../../shared/api/contract-datasources';

export const MANAGED_HEADER = '// Written by the ObjectDesk datasource manager (Datasources screen).';

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const key = (k: string) => (IDENT.test(k) ? k : JSON.stringify(k));

/** Source text of a plain value; `Code` values are emitted verbatim. */
class Code {
  constructor(readonly text: string) {}
}

function literal(v: unknown): string {
  if (v instanceof Code) return v.text;
  if (v === undefined) return 'undefined';
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(literal).join(', ')}]`;
  const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined);
  return `{ ${entries.map(([k, x]) => `${key(k)}: ${literal(x)}`).join(', ')} }`;
}

function passwordCode(draft: DatasourceDraft): Code | undefined {
  if (!('password' in draft)) return undefined;
  const p = draft.password;
  if (p.source === 'keychain') return new Code(`secret(${JSON.stringify(draft.name)})`);
  if (p.source === 'env') return new Code(`process.env.${p.variable}`);
  return undefined;
}

function sslValue(ssl: DatasourceDraft['ssl']): unknown {
  if (ssl === undefined || typeof ssl === 'boolean') return ssl;
  const { key: clientKey, ...rest } = ssl;
  return { ...rest, ...(clientKey ? { key: new Code(`secret(${JSON.stringify(clientKey.$secret)})`) } : {}) };
}

function configValue(draft: DatasourceDraft): Record<string, unknown> {
  const password = passwordCode(draft);
  switch (draft.driver) {
    case 'sqlite':
      return { filename: draft.config.filename };
    case 'postgres': {
      const c = draft.config;
      return { host: c.host, port: c.port, database: c.database, user: c.user, password, applicationName: c.applicationName };
    }
    case 'mysql': {
      const c = draft.config;
      return { host: c.host, port: c.port, database: c.database, user: c.user, password };
    }
    case 'mongodb': {
      const c = draft.config;
      return { url: c.url, database: c.database, user: c.user, password, sampleSize: c.sampleSize };
    }
  }
}

function passwordComment(draft: DatasourceDraft): string[] {
  if (!('password' in draft)) return [];
  const p = draft.password;
  if (p.source === 'keychain') {
    return [
      `// The password is not in this file: it is in the OS keychain (service "objectdesk", account "${draft.name}").`,
      `// Set or replace it in the app, or with \`objectdesk secret set ${draft.name}\`.`,
    ];
  }
  if (p.source === 'env') return [`// The password is read from the environment variable ${p.variable} when the workspace loads.`];
  return [];
}

export async function renderDatasourceFile(draft: DatasourceDraft): Promise<string> {
  const top: Array<[string, unknown]> = [
    ['name', draft.name],
    ['label', draft.label || undefined],
    ['driver', draft.driver],
    ['config', configValue(draft)],
    ['ssl', sslValue(draft.ssl)],
    ['pool', draft.pool && Object.keys(draft.pool).length ? draft.pool : undefined],
    ['readOnly', draft.readOnly],
    ['allowWrites', draft.allowWrites],
    ['active', draft.active],
    ['queryTimeoutMs', draft.queryTimeoutMs],
    ['allowedSchemas', draft.allowedSchemas?.length ? draft.allowedSchemas : undefined],
  ];
  const body = top
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `  ${key(k)}: ${literal(v)},\n`)
    .join('');
  const imports = passwordCode(draft)?.text.startsWith('secret(') || (typeof draft.ssl === 'object' && draft.ssl.key) ? 'Datasource, secret' : 'Datasource';
  const text =
    `${MANAGED_HEADER}\n` +
    passwordComment(draft).map((l) => `${l}\n`).join('') +
    `import { ${imports} } from 'objectdesk';\n\n` +
    `export default Datasource.create({\n${body}});\n`;
  return format(text, { parser: 'typescript', singleQuote: true, printWidth: 110, trailingComma: 'all' });
}
