/**
 * `objectdesk audit list|verify|export`: reads the audit log in the data folder directly (read-only; the
 * log is the app's own store, not a datasource). Exit codes: 0 ok, 1 tampering found or the log cannot be
 * read, 2 bad input (e.g. a --since that is not a date).
 */
import { createWriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';
import { ApiError } from '../../../shared/api/errors';
import { exportCsv, listEntries, openAuditReader, verifyChain, type AuditEntry, type AuditFilter } from '../../audit';

export interface AuditCommandOptions {
  action: 'list' | 'verify' | 'export';
  dataDir: string;
  user?: string;
  object?: string;
  since?: string;
  json: boolean;
  /** export: the CSV file to write (default: standard output). */
  out?: string;
}

export interface AuditCommandIO {
  out: NodeJS.WritableStream;
  err: NodeJS.WritableStream;
}

export async function runAudit(opts: AuditCommandOptions, io: AuditCommandIO): Promise<number> {
  let db;
  try {
    db = openAuditReader(opts.dataDir);
  } catch (e) {
    return fail(e, io);
  }
  try {
    const filter: AuditFilter = { user: opts.user, object: opts.object, since: opts.since };
    if (opts.action === 'verify') {
      const report = verifyChain(db);
      if (opts.json) io.out.write(`${JSON.stringify(report, null, 2)}\n`);
      else if (report.ok) {
        io.out.write(`Audit log intact: ${report.entries} entries, hash chain verified.\n`);
        if (report.head) io.out.write(`Head: seq ${report.head.seq}, hash ${report.head.hash} (keep it to detect a truncated log later)\n`);
      } else {
        io.err.write(`Audit log TAMPERED: ${report.problems.length} problem(s) in ${report.entries} entries:\n`);
        for (const p of report.problems) io.err.write(`  seq ${p.seq}: ${p.kind} — ${p.message}\n`);
      }
      return report.ok ? 0 : 1;
    }
    if (opts.action === 'export') {
      if (!opts.out) {
        await exportCsv(db, filter, io.out);
        return 0;
      }
      const file = createWriteStream(opts.out, { flags: 'wx' });
      await new Promise<void>((resolve, reject) => file.once('open', () => resolve()).once('error', reject));
      const n = await exportCsv(db, filter, file);
      file.end();
      await finished(file);
      io.err.write(`Exported ${n} audit entries to ${opts.out}\n`);
      return 0;
    }
    const entries = listEntries(db, filter);
    if (opts.json) io.out.write(`${JSON.stringify(entries, null, 2)}\n`);
    else printTable(entries, io.out);
    return 0;
  } catch (e) {
    return fail(e, io);
  } finally {
    db.close();
  }
}

function printTable(entries: AuditEntry[], out: NodeJS.WritableStream): void {
  if (entries.length === 0) {
    out.write('No audit entries match.\n');
    return;
  }
  const rows = entries.map((e) => [String(e.seq), e.at, e.user, e.via, e.operation, e.object ?? '', e.rowCount === undefined ? '' : String(e.rowCount), e.outcome + (e.errorCode ? ` (${e.errorCode})` : ''), oneLine(e.reason ?? '')]);
  const head = ['SEQ', 'AT', 'USER', 'VIA', 'OPERATION', 'OBJECT', 'ROWS', 'OUTCOME', 'REASON'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  for (const r of [head, ...rows]) out.write(`${r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join('  ')}\n`);
}

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ');
  return flat.length > 80 ? `${flat.slice(0, 79)}…` : flat;
}

function fail(e: unknown, io: AuditCommandIO): number {
  if (e instanceof ApiError) {
    io.err.write(`${e.message}\n`);
    return e.code === 'bad_request' ? 2 : 1;
  }
  const err = e as NodeJS.ErrnoException;
  if (err?.code === 'EEXIST') {
    io.err.write(`${err.path ?? 'The output file'} already exists; choose another --out file (export never overwrites).\n`);
    return 1;
  }
  io.err.write(`${err?.message ?? String(e)}\n`);
  return 1;
}
