import { PassThrough, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { AuditLog, CSV_HEADER } from '../../../src/main/audit';
import { csvField, csvRecord } from '../../../src/main/audit/csv';
import { entry, tempDataDir } from './helpers';

/** A strict RFC 4180 reader, written independently of the writer under test. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let field = '';
  let record: string[] = [];
  let i = 0;
  let quoted = false;
  while (i < text.length) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i += 2;
      } else if (c === '"') {
        quoted = false;
        i++;
      } else {
        field += c;
        i++;
      }
    } else if (c === '"' && field === '') {
      quoted = true;
      i++;
    } else if (c === ',') {
      record.push(field);
      field = '';
      i++;
    } else if (c === '\r' && text[i + 1] === '\n') {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      i += 2;
    } else if (c === '"' || c === '\n' || c === '\r') {
      throw new Error(`bare ${JSON.stringify(c)} at ${i}: not RFC 4180`);
    } else {
      field += c;
      i++;
    }
  }
  if (field !== '' || record.length) throw new Error('last record does not end with CRLF');
  return records;
}

const nasty = ['plain', 'comma, inside', 'quote " inside', '"quoted"', 'line\nbreak', 'crlf\r\nbreak', ' leading', 'trailing ', '', '=SUM(A1)', 'ünïcødé ✓', '""'];

describe('CSV', () => {
  it('quotes fields so that an RFC 4180 reader gets every value back', () => {
    const text = csvRecord(nasty);
    expect(parseCsv(text)).toEqual([nasty]);
    expect(csvField(null)).toBe('');
    expect(csvField(12.5)).toBe('12.5');
  });

  it('exports the audit with awkward reasons and ASTs that round-trip, honouring filters', async () => {
    const tmp = tempDataDir();
    const log = await AuditLog.open({ dataDir: tmp.dir, mode: 'inline' });
    for (const reason of nasty) await log.append(entry({ reason, ast: { object: 'Customer', where: { Company: reason } } }));
    await log.append(entry({ user: 'bob' }));
    const out = new PassThrough();
    const chunks: Buffer[] = [];
    out.on('data', (c: Buffer) => chunks.push(c));
    const n = await log.exportCsv({ user: 'alice' }, out);
    expect(n).toBe(nasty.length);
    const [header, ...rows] = parseCsv(Buffer.concat(chunks).toString('utf8'));
    expect(header).toEqual([...CSV_HEADER]);
    expect(rows.map((r) => r[header.indexOf('reason')])).toEqual(nasty);
    const listed = log.list({ user: 'alice' });
    expect(rows.map((r) => r[header.indexOf('ast')])).toEqual(listed.map((e) => e.ast));
    expect(rows.map((r) => r[header.indexOf('hash')])).toEqual(listed.map((e) => e.hash));
    expect(rows.map((r) => Number(r[0]))).toEqual(listed.map((e) => e.seq));
    await log.close();
    tmp.cleanup();
  });

  it('streams more than one page and waits for a slow consumer', async () => {
    const tmp = tempDataDir();
    const log = await AuditLog.open({ dataDir: tmp.dir });
    await Promise.all(Array.from({ length: 2500 }, (_, i) => log.append(entry({ rowCount: i }))));
    let lines = 0;
    const slow = new Writable({
      highWaterMark: 1024,
      write(chunk: Buffer, _enc, done) {
        lines += chunk.toString().split('\r\n').length - 1;
        setImmediate(done);
      },
    });
    expect(await log.exportCsv({}, slow)).toBe(2500);
    expect(lines).toBe(2501);
    const limited = new PassThrough();
    const parts: Buffer[] = [];
    limited.on('data', (c: Buffer) => parts.push(c));
    expect(await log.exportCsv({ limit: 3 }, limited)).toBe(3);
    expect(parseCsv(Buffer.concat(parts).toString()).slice(1).map((r) => r[0])).toEqual(['2498', '2499', '2500']);
    await log.close();
    tmp.cleanup();
  });
});
