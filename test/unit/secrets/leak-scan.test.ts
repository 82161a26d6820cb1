import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { scanForSecret } from '../../helpers/leak-scan';

const SECRET = 'Leak-me-not/4f9a+ü';
let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'leak-scan-'));
  await mkdir(join(dir, 'a', 'b'), { recursive: true });
  await writeFile(join(dir, 'a', 'clean.txt'), 'nothing to see');
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('scanForSecret', () => {
  it('finds nothing in clean files', async () => {
    expect(await scanForSecret(SECRET, [dir])).toEqual([]);
  });

  it('finds the raw value in a nested file and in extra strings', async () => {
    await writeFile(join(dir, 'a', 'b', 'app.log'), `connecting with ${SECRET} now`);
    const hits = await scanForSecret(SECRET, [dir], { extra: { 'GET /api/datasources': `{"password":"${SECRET}"}` } });
    expect(hits).toContain(`${join(dir, 'a', 'b', 'app.log')} (utf8)`);
    expect(hits.some((h) => h.startsWith('GET /api/datasources'))).toBe(true);
  });

  it('finds UTF-16, URL-encoded and base64 forms at every alignment', async () => {
    await writeFile(join(dir, 'u16.bin'), Buffer.concat([Buffer.from([0, 1, 2]), Buffer.from(`x${SECRET}y`, 'utf16le')]));
    await writeFile(join(dir, 'url.txt'), `postgres://u:${encodeURIComponent(SECRET)}@host/db`);
    for (const prefix of ['', 'a', 'ab']) {
      await writeFile(join(dir, `b64-${prefix.length}.txt`), Buffer.from(`${prefix}${SECRET}tail`).toString('base64'));
    }
    const hits = await scanForSecret(SECRET, [dir]);
    expect(hits).toContain(`${join(dir, 'u16.bin')} (utf16le)`);
    expect(hits).toContain(`${join(dir, 'url.txt')} (url-encoded)`);
    for (const n of [0, 1, 2]) expect(hits.some((h) => h.startsWith(join(dir, `b64-${n}.txt`)))).toBe(true);
  });

  it('refuses a root that does not exist, and a needle too short to mean anything', async () => {
    await expect(scanForSecret(SECRET, [join(dir, 'missing')])).rejects.toThrow(/cannot read/);
    await expect(scanForSecret('abc', [dir])).rejects.toThrow(/at least 8/);
  });
});
