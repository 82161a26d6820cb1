/**
 * Appends an entry to the batch being filled, in the form batch-codec.mjs describes. It runs on every
 * read, so it builds no text and keeps no object: a session's user, via, operation and object (and the
 * outcome, error code and reason) repeat from call to call, so they go to the writer once per batch under
 * a number; a prepared hit's AST goes as its template's number and its values (ast-text.ts); the time and
 * the duration go as numbers. The writer turns them into the entry's line.
 */
import { valuesOf } from '../objectql/ast-provenance';
import { templateFor } from './ast-text';
import { ENTRY, HOW, JSON_AST, NO_AST, TEMPLATE, TEMPLATE_AST, V_FALSE, V_NULL, V_NUMBER, V_STRING, V_TRUE, WHO } from './batch-codec.mjs';
import type { AuditInput } from './entry';
import type { RecordQueue } from './record-queue';
import { checkAst } from './sanitize-ast';

export class RecordFormatter {
  private whoId = 0;
  private whoIn = -1;
  private who: [string, string, string, string | undefined] = ['', '', '', undefined];
  private howId = 0;
  private howIn = -1;
  private how: [string, string | undefined, string | undefined] = ['', undefined, undefined];

  /**
   * Appends `e` — an entry AuditInputSchema (or quickAccept) accepted — at `atMs` to the queue's batch.
   * Throws AuditInputError, with nothing appended, when its AST is one the audit does not keep
   * (sanitize-ast.ts).
   */
  write(q: RecordQueue, e: AuditInput, atMs: number): void {
    const ast = e.ast;
    const values = ast !== null && typeof ast === 'object' ? valuesOf(ast) : undefined;
    const template = values && templateFor(ast as object, values);
    let json: string | undefined;
    if (ast !== undefined && !template) {
      checkAst(ast);
      json = JSON.stringify(ast);
    }
    const gen = q.generation;
    const w = this.who;
    if (e.user !== w[0] || e.via !== w[1] || e.operation !== w[2] || e.object !== w[3]) {
      this.who = [e.user, e.via, e.operation, e.object];
      this.whoId++;
      this.whoIn = -1;
    }
    const h = this.how;
    if (e.outcome !== h[0] || e.errorCode !== h[1] || e.reason !== h[2]) {
      this.how = [e.outcome, e.errorCode, e.reason];
      this.howId++;
      this.howIn = -1;
    }
    const holes = template ? template.holes.length : 0;
    const nums = q.room(14 + 2 * holes);
    let at = q.used;
    if (this.whoIn !== gen) {
      nums[at++] = WHO;
      nums[at++] = this.whoId;
      q.other(e.user);
      q.other(e.via);
      q.other(e.operation);
      q.other(e.object ?? null);
      this.whoIn = gen;
    }
    if (this.howIn !== gen) {
      nums[at++] = HOW;
      nums[at++] = this.howId;
      q.other(e.outcome);
      q.other(e.errorCode ?? null);
      q.other(e.reason ?? null);
      this.howIn = gen;
    }
    if (template && template.definedIn !== gen) {
      nums[at++] = TEMPLATE;
      nums[at++] = template.id;
      q.other(template.parts);
      template.definedIn = gen;
    }
    nums[at++] = ENTRY;
    nums[at++] = atMs;
    nums[at++] = this.whoId;
    nums[at++] = this.howId;
    nums[at++] = e.rowCount ?? -1;
    nums[at++] = e.durationMs === undefined ? -1 : Math.round(e.durationMs * 1000);
    if (template) {
      nums[at++] = TEMPLATE_AST;
      nums[at++] = template.id;
      for (let i = 0; i < holes; i++) {
        const v = values![template.holes[i]!];
        if (typeof v === 'number') {
          nums[at++] = V_NUMBER;
          nums[at++] = v;
        } else if (typeof v === 'string') {
          nums[at++] = V_STRING;
          q.other(v);
        } else nums[at++] = v === true ? V_TRUE : v === false ? V_FALSE : V_NULL;
      }
    } else if (json !== undefined) {
      nums[at++] = JSON_AST;
      q.other(json);
    } else nums[at++] = NO_AST;
    q.used = at;
  }
}
