/**
 * What a batch of queued entries looks like between the thread that serves reads and the writer: numbers
 * in a Float64Array and, in order beside them, the strings and other values they refer to. Appending is a
 * few stores per entry and posting it to the writer thread is one copy of the numbers: no text is built
 * per entry on the read path (record.ts appends; `visitBatch` gives the writer each entry's fields).
 *
 *   nums                                                   others (taken in order)
 *   WHO, id                                                user, via, operation, object | null
 *   HOW, id                                                outcome, errorCode | null, reason | null
 *   TEMPLATE, id                                           parts (string[]: an AST text template, ast-text.ts)
 *   ENTRY, atMs, whoId, howId, rowCount | -1, durationUs | -1, then one of
 *     NO_AST
 *     JSON_AST                                             the AST as JSON text (checked; canonicalised here)
 *     TEMPLATE_AST, templateId, per hole: a value code, and the number for V_NUMBER
 *                                                          the string for V_STRING
 *                  (values checked on the read path; quoted here between the template's parts)
 *
 * A batch defines every id it uses before using it, and the decoder forgets them after the batch: a batch
 * put back after a failed commit, or several batches concatenated, decode on their own, in any writer.
 * Plain JavaScript because the writer thread loads it without a TypeScript loader.
 */
export const ENTRY = 0;
export const WHO = 1;
export const HOW = 2;
export const TEMPLATE = 3;
export const NO_AST = 0;
export const JSON_AST = 1;
export const TEMPLATE_AST = 2;
export const V_NUMBER = 0;
export const V_STRING = 1;
export const V_TRUE = 2;
export const V_FALSE = 3;
export const V_NULL = 4;

/**
 * Calls `onEntry(at, who, how, rowCount, durationMs, ast, astIsCanonical)` for each entry, in order, where
 * at is ISO text, who = [user, via, operation, object] and how = [outcome, errorCode, reason] are the same
 * array for every entry that shares them (the writer keeps their JSON text once per batch), rowCount and
 * durationMs are numbers or null, and ast is JSON text (canonical when astIsCanonical) or null. Throws,
 * before or part way, on a malformed batch.
 */
export function visitBatch(batch, onEntry) {
  const { nums, others } = batch;
  const who = new Map();
  const how = new Map();
  const templates = new Map();
  let lastMs = -1;
  let lastIso = '';
  let i = 0;
  let o = 0;
  const fail = (what) => {
    throw new Error(`an audit batch is malformed: ${what}`);
  };
  while (i < nums.length) {
    const tag = nums[i++];
    if (tag === WHO) {
      who.set(nums[i++], [others[o], others[o + 1], others[o + 2], others[o + 3]]);
      o += 4;
    } else if (tag === HOW) {
      how.set(nums[i++], [others[o], others[o + 1], others[o + 2]]);
      o += 3;
    } else if (tag === TEMPLATE) {
      templates.set(nums[i++], others[o++]);
    } else if (tag === ENTRY) {
      const ms = nums[i];
      if (ms !== lastMs) {
        lastMs = ms;
        lastIso = new Date(ms).toISOString();
      }
      const w = who.get(nums[i + 1]) ?? fail('an undefined who-id');
      const h = how.get(nums[i + 2]) ?? fail('an undefined how-id');
      const rowCount = nums[i + 3] < 0 ? null : nums[i + 3];
      const us = nums[i + 4] < 0 ? null : nums[i + 4];
      const mode = nums[i + 5];
      i += 6;
      let ast = null;
      let canonical = false;
      if (mode === JSON_AST) {
        ast = others[o++];
      } else if (mode === TEMPLATE_AST) {
        const parts = templates.get(nums[i++]) ?? fail('an undefined template');
        ast = parts[0];
        for (let p = 1; p < parts.length; p++) {
          const code = nums[i++];
          let text;
          if (code === V_NUMBER) text = JSON.stringify(nums[i++]);
          else if (code === V_STRING) text = JSON.stringify(others[o++]);
          else if (code === V_TRUE) text = 'true';
          else if (code === V_FALSE) text = 'false';
          else if (code === V_NULL) text = 'null';
          else fail(`value code ${code}`);
          ast += text + parts[p];
        }
        canonical = true;
      } else if (mode !== NO_AST) fail(`AST mode ${mode}`);
      onEntry(lastIso, w, h, rowCount, us === null ? null : us / 1000, ast, canonical);
    } else fail(`item ${tag}`);
  }
  if (o !== others.length) fail('values left over');
}
