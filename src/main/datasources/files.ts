/**
 * Where managed datasource files live and how they are written: `datasources/<name>.datasource.ts` in the
 * workspace for new ones, the existing file for edits. Writes go to a dot-file in the same folder first
 * and are renamed into place, so the workspace watcher never reads half a file (the loader skips dot-files).
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

export const DATASOURCE_DIR = 'datasources';

export function newDatasourceFile(workspaceRoot: string, name: string): string {
  return path.join(workspaceRoot, DATASOURCE_DIR, `${name}.datasource.ts`);
}

export function renamedDatasourceFile(existingFile: string, name: string): string {
  return path.join(path.dirname(existingFile), `${name}.datasource.ts`);
}

export function isDatasourceFile(file: string): boolean {
  return file.endsWith('.datasource.ts');
}

export async function readIfExists(file: string): Promise<string | null> {
  try {
    return await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

export async function writeAtomically(file: string, text: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await writeFile(tmp, text, { encoding: 'utf8', flag: 'wx' });
    await rename(tmp, file);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}

/** Puts a file back the way it was: `previous` null means it did not exist. */
export async function restore(file: string, previous: string | null): Promise<void> {
  if (previous === null) await rm(file, { force: true });
  else await writeAtomically(file, previous);
}

export function exists(file: string): boolean {
  return existsSync(file);
}
