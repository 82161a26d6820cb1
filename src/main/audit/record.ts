/**
 * The queued record of one entry: what AuditLog keeps in memory until the writer turns it into a chained
 * line (writer-core.mjs `lineFields`). It is the JSON text of
 *   [at, user, via, operation, object, ast, rowCount, outcome, errorCode, reason, durationUs]
 * and, when the AST is rendered from its prepared template (ast-text.ts), a tab and its canonical text,
 * with `ast` null in the array; then a newline. JSON text never holds a raw tab or newline, so the first
 * tab splits a record and newlines split a batch.
 *
 * It is written on every read, so it is written as pieces into the batch being filled (record-queue.ts),
 * which is joined once when handed to the writer: no string per record is built, copied or kept alive
 * across a garbage collection. A session's user, reason and object repeat from call to call, so the
 * pieces around them are built once (flat: flat.ts) and reused while they repeat; `via`, `operation`, `outcome` and
 * `errorCode` are validated to characters JSON does not escape; the duration goes as whole microseconds,
 * an integer whose text is cheap (the writer divides it by 1000: the number the line always had).
 */
import { writeBuiltAst } from './ast-text';
import type { AuditInput } from './entry';
import { flat } from './flat';
import { checkAst } from './sanitize-ast';

const q = (s: string | undefined): string => (s === undefined ? 'null' : JSON.stringify(s));

export class RecordFormatter {
  private lastMs = -1;
  /** `["<at>",` for the current millisecond */
  private at = '';
  /** `,"<user>","<via>","<operation>",<object>,` for the last user, via, operation and object */
  private who = '';
  private whoKey: [string, string, string, string | undefined] = ['', '', '', undefined];
  /** `,"<outcome>",<errorCode>,<reason>,` for the last outcome, error code and reason */
  private how = '';
  private howKey: [string, string | undefined, string | undefined] = ['', undefined, undefined];

  /**
   * Appends the record of `e` — an entry AuditInputSchema (or quickAccept) accepted — to `out`. Throws
   * AuditInputError, with nothing appended, when its AST is one the audit does not keep (sanitize-ast.ts).
   */
  write(out: string[], e: AuditInput): void {
    const ms = Date.now();
    if (ms !== this.lastMs) {
      this.lastMs = ms;
      this.at = flat(`["${new Date(ms).toISOString()}"`);
    }
    const w = this.whoKey;
    if (e.user !== w[0] || e.via !== w[1] || e.operation !== w[2] || e.object !== w[3]) {
      this.whoKey = [e.user, e.via, e.operation, e.object];
      this.who = flat(`,${q(e.user)},"${e.via}","${e.operation}",${q(e.object)},`);
    }
    const h = this.howKey;
    if (e.outcome !== h[0] || e.errorCode !== h[1] || e.reason !== h[2]) {
      this.howKey = [e.outcome, e.errorCode, e.reason];
      this.how = flat(`,"${e.outcome}",${e.errorCode === undefined ? 'null' : `"${e.errorCode}"`},${q(e.reason)},`);
    }
    const rows = e.rowCount === undefined ? 'null' : String(e.rowCount);
    const us = e.durationMs === undefined ? 'null' : String(Math.round(e.durationMs * 1000));
    if (e.ast === undefined) {
      out.push(this.at, this.who, 'null,', rows, this.how, us, ']\n');
      return;
    }
    const mark = out.length;
    out.push(this.at, this.who, 'null,', rows, this.how, us, ']\t');
    if (writeBuiltAst(out, e.ast)) {
      out.push('\n');
      return;
    }
    out.length = mark;
    // Any other AST is checked here and snapshotted as JSON; the writer puts it in canonical form.
    checkAst(e.ast);
    out.push(this.at, this.who, JSON.stringify(e.ast), ',', rows, this.how, us, ']\n');
  }
}
