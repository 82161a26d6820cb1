import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuditLog } from '../../../src/main/audit';
import { runAudit, type AuditCommandOptions } from '../../../src/main/cli/commands/audit';
import { entry, tamper, tempDataDir } from './helpers';

function capture() {
  const out = new PassThrough();
  const err = new PassThrough();
  let o = '';
  let e = '';
  out.on('data', (c) => (o += c));
  err.on('data', (c) => (e += c));
  return { io: { out, err }, text: () => ({ out: o, err: e }) };
}

describe('objectdesk audit', () => {
  let tmp: ReturnType<typeof tempDataDir>;
  let file: string;
  const run = async (opts: Partial<AuditCommandOptions> & Pick<AuditCommandOptions, 'action'>) => {
    const c = capture();
    const code = await runAudit({ dataDir: tmp.dir, json: false, ...opts }, c.io);
    return { code, ...c.text() };
  };

  beforeEach(async () => {
    tmp = tempDataDir();
    const log = await AuditLog.open({ dataDir: tmp.dir });
    await log.append(entry({ user: 'alice', object: 'Invoice', reason: 'monthly\nreport' }));
    await log.append(entry({ user: 'bob', object: 'Customer', via: 'ai', outcome: 'denied', errorCode: 'not_found' }));
    await log.append(entry({ user: 'alice', object: 'Customer' }));
    file = log.path;
    await log.close();
  });
  afterEach(() => tmp.cleanup());

  it('list prints a table, filtered by user and object', async () => {
    const r = await run({ action: 'list', user: 'alice', object: 'Customer' });
    expect(r.code).toBe(0);
    const lines = r.out.trim().split('\n');
    expect(lines[0]).toMatch(/^SEQ\s+AT\s+USER/);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/^3\s.*alice\s+ui\s+query\s+Customer\s+1\s+ok/);
  });

  it('list --json returns the entries', async () => {
    const r = await run({ action: 'list', json: true, since: '2000-01-01' });
    const entries = JSON.parse(r.out);
    expect(entries.map((e: { seq: number }) => e.seq)).toEqual([1, 2, 3]);
    expect(entries[1]).toMatchObject({ user: 'bob', via: 'ai', outcome: 'denied', errorCode: 'not_found' });
  });

  it('a --since that is not a date is a usage error', async () => {
    const r = await run({ action: 'list', since: 'last tuesday' });
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/since "last tuesday" is not a date/);
  });

  it('verify exits 0 on an intact log and 1 naming the tampered entries', async () => {
    const ok = await run({ action: 'verify' });
    expect(ok.code).toBe(0);
    expect(ok.out).toMatch(/intact: 3 entries/);
    tamper(file, (db) => {
      db.prepare(`UPDATE audit_log SET user = 'carol' WHERE seq = 1`).run();
      db.prepare('DELETE FROM audit_log WHERE seq = 2').run();
    });
    const bad = await run({ action: 'verify' });
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/TAMPERED: 2 problem/);
    expect(bad.err).toMatch(/seq 1: edited/);
    expect(bad.err).toMatch(/seq 3: deleted — seq 2 deleted/);
    const json = await run({ action: 'verify', json: true });
    expect(json.code).toBe(1);
    expect(JSON.parse(json.out).problems.map((p: { seq: number; kind: string }) => [p.seq, p.kind])).toEqual([[1, 'edited'], [3, 'deleted']]);
  });

  it('export writes CSV to a file and never overwrites one', async () => {
    const out = path.join(tmp.dir, 'audit.csv');
    const r = await run({ action: 'export', out, user: 'bob' });
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/Exported 1 audit entries/);
    const text = readFileSync(out, 'utf8');
    expect(text.split('\r\n')[0]).toBe('seq,at,user,via,operation,object,rowCount,outcome,errorCode,reason,durationMs,ast,prev_hash,hash');
    expect(text.split('\r\n')).toHaveLength(3);
    const again = await run({ action: 'export', out });
    expect(again.code).toBe(1);
    expect(again.err).toMatch(/already exists/);
  });

  it('export to standard output', async () => {
    const r = await run({ action: 'export' });
    expect(r.code).toBe(0);
    expect(r.out).toContain('"monthly\nreport"');
  });

  it('says clearly when the data folder has no audit log', async () => {
    const r = await runAudit({ action: 'list', dataDir: path.join(tmp.dir, 'nope'), json: false }, capture().io);
    expect(r).toBe(1);
    const c = capture();
    await runAudit({ action: 'verify', dataDir: path.join(tmp.dir, 'nope'), json: false }, c.io);
    expect(c.text().err).toMatch(/There is no audit log at .*objectdesk\.sqlite yet/);
    expect(existsSync(path.join(tmp.dir, 'nope'))).toBe(false);
  });
});
