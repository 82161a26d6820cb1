/**
 * Leak detection for secret values: searches files (recursively) and any extra captured strings (API
 * responses, logs, renderer state) for a secret, in the encodings a leak usually takes — raw UTF-8,
 * UTF-16LE (SQLite/Windows text), JSON-escaped, URL-encoded (connection strings) and base64 (basic auth,
 * serialized blobs). Returns where it was found; an empty list means nowhere.
 */
import { lstat, readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';

export interface LeakScanOptions {
  /** Captured text to search too, by label (e.g. { 'GET /api/datasources': body }). */
  extra?: Record<string, string>;
  /** Directory names not to descend into (e.g. node_modules). Nothing is skipped by default. */
  skipDirs?: string[];
}

export async function scanForSecret(secret: string, paths: string[], options: LeakScanOptions = {}): Promise<string[]> {
  // A short needle would match by chance and make the scan meaningless.
  if (typeof secret !== 'string' || secret.length < 8) throw new Error('scanForSecret needs a secret of at least 8 characters');
  const needles = encodingsOf(secret);
  const skip = new Set(options.skipDirs ?? []);
  const hits: string[] = [];

  const scanBuffer = (where: string, buf: Buffer) => {
    for (const n of needles) if (buf.includes(n.bytes)) hits.push(`${where} (${n.encoding})`);
  };

  const visit = async (path: string, isRoot: boolean): Promise<void> => {
    let st;
    try {
      st = await lstat(path);
    } catch (e) {
      // A root the caller named must exist, or the scan would pass without looking at anything.
      if (isRoot) throw new Error(`scanForSecret: cannot read ${path}: ${(e as Error).message}`);
      return;
    }
    if (st.isSymbolicLink()) return;
    if (st.isDirectory()) {
      for (const entry of await readdir(path)) {
        if (!skip.has(entry)) await visit(join(path, entry), false);
      }
    } else if (st.isFile()) {
      scanBuffer(path, await readFile(path));
    }
  };

  for (const p of paths) await visit(p, true);
  for (const [label, text] of Object.entries(options.extra ?? {})) scanBuffer(label, Buffer.from(text, 'utf8'));
  return hits;
}

interface Needle {
  encoding: string;
  bytes: Buffer;
}

function encodingsOf(secret: string): Needle[] {
  const raw = Buffer.from(secret, 'utf8');
  const candidates: Needle[] = [
    { encoding: 'utf8', bytes: raw },
    { encoding: 'utf16le', bytes: Buffer.from(secret, 'utf16le') },
    { encoding: 'json-escaped', bytes: Buffer.from(JSON.stringify(secret).slice(1, -1), 'utf8') },
    { encoding: 'url-encoded', bytes: Buffer.from(encodeURIComponent(secret), 'utf8') },
  ];
  // base64 of the secret inside a longer base64 text depends on where it starts modulo 3; the stable core
  // of each of the three alignments is what can be searched for.
  for (let shift = 0; shift < 3; shift++) {
    const b64 = Buffer.concat([Buffer.alloc(shift), raw]).toString('base64');
    // The first group mixes in preceding bytes when shifted; the last may mix in following bytes.
    const core = b64.slice(shift ? 4 : 0, b64.length - 4);
    if (core.length >= 8) candidates.push({ encoding: `base64+${shift}`, bytes: Buffer.from(core, 'utf8') });
  }
  const seen = new Set<string>();
  return candidates.filter((n) => {
    const key = n.bytes.toString('hex');
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
