/** Throwaway copies of the demo workspace, so no test ever writes into the real objects/ folder. */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const DEMO_WORKSPACE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../objects');

export function copyDemoWorkspace(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'objectdesk-ws-'));
  cpSync(DEMO_WORKSPACE, dir, { recursive: true });
  return dir;
}

/**
 * Lets the demo's users read one more object (the copy's config lists the readable objects in
 * CHINOOK_OBJECTS). The object file must exist before the next reload.
 */
export function grantReadInCopy(workspace: string, objectName: string): void {
  const file = path.join(workspace, 'objectdesk.config.ts');
  const text = readFileSync(file, 'utf8');
  const marker = 'const CHINOOK_OBJECTS = [';
  if (!text.includes(marker)) throw new Error(`the demo config changed: no "${marker}" to extend`);
  writeFileSync(file, text.replace(marker, `${marker}\n  ${JSON.stringify(objectName)},`));
}
