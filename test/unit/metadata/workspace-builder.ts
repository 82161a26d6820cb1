/** Writes throw-away workspaces into a temp folder (broken files cannot live in the repo: tsc checks test/**). */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const made: string[] = [];

export function writeWorkspace(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'objectdesk-ws-'));
  made.push(root);
  for (const [rel, text] of Object.entries(files)) {
    const file = path.join(root, rel);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text);
  }
  return root;
}

export function removeWorkspaces(): void {
  for (const root of made.splice(0)) rmSync(root, { recursive: true, force: true });
}

/** A valid config with one sqlite datasource `main` and a default rule; `extra` is spliced into the object. */
export function config(extra = '', opts: { mapping?: string; datasources?: string } = {}): string {
  return `import { defineWorkspace } from 'objectdesk';
export default defineWorkspace({
  name: 'Test',
  datasources: ${opts.datasources ?? `[{ name: 'main', driver: 'sqlite', config: { filename: 'main.sqlite' } }]`},
  datasourceMapping: ${opts.mapping ?? `[{ default: true, datasource: 'main' }]`},
${extra}
});
`;
}

/** An object file; `fields` and `extra` are object-literal source. */
export function objectFile(name: string, fields = `id: Field.number({ label: 'ID' }),`, extra = ''): string {
  return `import { ObjectSchema, Field } from 'objectdesk';
export const O = ObjectSchema.create({
  name: '${name}',
${extra}
  fields: {
    ${fields}
  },
});
`;
}
