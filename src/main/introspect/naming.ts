/**
 * Names and labels for drafted objects: database names (PascalCase, quoted MixedCase, spaces, reserved
 * words, accents) become snake_case identifiers; labels are the words of the name, title-cased.
 */

export function snakeCase(raw: string): string {
  const leadingUnderscore = raw.startsWith('_');
  let s = raw.normalize('NFKD').replace(/[\u0300-\u036f]/g, '');
  s = s.replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2');
  s = s.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '');
  if (s === '') s = 'field';
  if (/^[0-9]/.test(s)) s = `_${s}`;
  return leadingUnderscore && !s.startsWith('_') ? `_${s}` : s;
}

const ACRONYMS = new Set(['id', 'url', 'ip', 'sku', 'vat', 'iso', 'uuid', 'api']);

export function humanize(snake: string): string {
  const words = snake.replace(/^_+/, '').split('_').filter(Boolean);
  if (words.length === 0) return snake;
  return words.map((w) => (ACRONYMS.has(w) ? w.toUpperCase() : w[0].toUpperCase() + w.slice(1))).join(' ');
}

/** A lookup's label drops the trailing "Id": support_rep_id → "Support Rep". */
export function lookupLabel(fieldName: string): string {
  const stripped = fieldName.replace(/_id$/, '');
  return humanize(stripped === '' ? fieldName : stripped);
}

export function pluralize(label: string): string {
  if (/[^aeiou]y$/i.test(label)) return `${label.slice(0, -1)}ies`;
  if (/(ss|x|z|ch|sh)$/i.test(label)) return `${label}es`;
  if (/s$/i.test(label)) return label; // already plural ("Paid Orders")
  return `${label}s`;
}

/** Gives each raw name a unique snake_case name, suffixing `_2`, `_3` on collisions. */
export function uniqueNames(raw: readonly string[], taken: Iterable<string> = []): Map<string, string> {
  const used = new Set(taken);
  const out = new Map<string, string>();
  for (const r of raw) {
    const base = snakeCase(r);
    let name = base;
    for (let i = 2; used.has(name); i++) name = `${base}_${i}`;
    used.add(name);
    out.set(r, name);
  }
  return out;
}

export function objectName(table: string, namespace?: string): string {
  const base = snakeCase(table).replace(/^_+/, '') || 'object';
  const ns = namespace ? snakeCase(namespace) : '';
  const name = ns ? `${ns}_${base}` : base;
  return /^[0-9]/.test(name) ? `t_${name}` : name;
}
