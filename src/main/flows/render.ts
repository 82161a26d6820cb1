/**
 * Renders a flow definition as a formatted `*.flow.ts` file — `Flow.create({ … })` from 'objectdesk', keys
 * in a fixed, readable order (name, owner, trigger, … steps; in a step: id, type, label, then its type's
 * keys), formatted by prettier like the datasource files. Values are written as plain literals, so what the
 * loader evaluates is exactly the definition that was rendered (test/unit/flows/render.test.ts).
 *
 * It renders whatever JSON it is given, valid or not, so the flow editor can run the real loader over the
 * text it would write and report the same problems, with the same words, as for a hand-written file.
 */
import { format } from 'prettier';
import { STEP_TYPES } from './schema';

export const FLOW_EDITOR_HEADER = '// Written by the ObjectDesk flow editor (Flows screen). It is plain source: edit it here or in the app.';

const TOP_KEYS = ['name', 'label', 'description', 'owner', 'trigger', 'approval', 'limits', 'enabled', 'steps'];
const TRIGGER_KEYS = ['type', 'cron', 'timezone', 'object', 'watermark', 'every', 'batch'];
const LIMIT_KEYS = ['maxRecords', 'maxSeconds'];
const STEP_KEYS: Record<(typeof STEP_TYPES)[number], string[]> = {
  query: ['query'],
  aggregate: ['query'],
  condition: ['if', 'then', 'else'],
  loop: ['over', 'as', 'max', 'steps'],
  ai: ['prompt', 'model'],
  notify: ['title', 'message', 'desktop'],
  export: ['rows', 'format', 'filename', 'folder', 'columns'],
  update: ['object', 'records', 'where', 'set'],
  create: ['object', 'values'],
  http: ['url', 'body'],
};
/** Keys of a step that hold nested steps. */
const NESTED = new Set(['then', 'else', 'steps']);

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

export class UnrenderableValueError extends Error {
  constructor(
    readonly path: string,
    what: string,
  ) {
    super(`${path || '(root)'}: ${what} cannot be written to a flow file — use plain JSON values (text, numbers, true/false, null, lists and objects)`);
    this.name = 'UnrenderableValueError';
  }
}

function key(k: string): string {
  // `__proto__: x` in an object literal sets the prototype instead of a key; a computed key does not.
  if (k === '__proto__') return '["__proto__"]';
  return IDENT.test(k) ? k : JSON.stringify(k);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function number(n: number): string {
  if (Object.is(n, -0)) return '-0';
  if (Number.isNaN(n)) return 'NaN';
  if (!Number.isFinite(n)) return n > 0 ? 'Infinity' : '-Infinity';
  return JSON.stringify(n);
}

/** Entries in the preferred order first, then the rest as given; `undefined` values are left out. */
function ordered(v: Record<string, unknown>, preferred: readonly string[]): [string, unknown][] {
  const own = Object.keys(v);
  const first = preferred.filter((k) => own.includes(k));
  const rest = own.filter((k) => !preferred.includes(k));
  return [...first, ...rest].map((k) => [k, v[k]] as [string, unknown]).filter(([, x]) => x !== undefined);
}

type Shape = 'value' | 'flow' | 'trigger' | 'limits' | 'steps' | 'step';

function literal(v: unknown, at: string, shape: Shape = 'value', seen: Set<object> = new Set()): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'boolean') return String(v);
  if (typeof v === 'number') return number(v);
  if (typeof v !== 'object') throw new UnrenderableValueError(at, `a ${typeof v}`);
  if (seen.has(v)) throw new UnrenderableValueError(at, 'a value that contains itself');
  seen.add(v);
  try {
    if (Array.isArray(v)) {
      return `[${Array.from(v, (x, i) => {
        if (x === undefined) throw new UnrenderableValueError(`${at}.${i}`, 'undefined');
        return literal(x, `${at}.${i}`, shape === 'steps' ? 'step' : 'value', seen);
      }).join(', ')}]`;
    }
    if (!isPlainObject(v)) throw new UnrenderableValueError(at, `a ${(v as object).constructor?.name ?? 'special'} object`);
    const preferred =
      shape === 'flow'
        ? TOP_KEYS
        : shape === 'trigger'
          ? TRIGGER_KEYS
          : shape === 'limits'
            ? LIMIT_KEYS
            : shape === 'step'
              ? ['id', 'type', 'label', ...(STEP_KEYS[v.type as keyof typeof STEP_KEYS] ?? [])]
              : [];
    const childShape = (k: string): Shape => {
      if (shape === 'flow') return k === 'trigger' ? 'trigger' : k === 'limits' ? 'limits' : k === 'steps' ? 'steps' : 'value';
      if (shape === 'step' && NESTED.has(k) && (v.type === 'condition' || v.type === 'loop')) return 'steps';
      return 'value';
    };
    const entries = ordered(v, preferred).map(([k, x]) => `${key(k)}: ${literal(x, at ? `${at}.${k}` : k, childShape(k), seen)}`);
    return `{ ${entries.join(', ')} }`;
  } finally {
    seen.delete(v);
  }
}

/** `comment`: a block comment to keep above the flow (the one a hand-written file had there). */
export async function renderFlowFile(definition: Record<string, unknown>, options: { comment?: string } = {}): Promise<string> {
  const body = literal(definition, '', 'flow');
  const comment = options.comment?.trim();
  const text = `${FLOW_EDITOR_HEADER}\nimport { Flow } from 'objectdesk';\n\n${comment ? `${comment}\n` : ''}export default Flow.create(${body});\n`;
  return format(text, { parser: 'typescript', singleQuote: true, printWidth: 110, trailingComma: 'all' });
}

/** The block comment right above `export default` in a flow file, if any (kept when the app rewrites it). */
export function leadingComment(source: string): string | undefined {
  return /(\/\*(?:(?!\*\/)[\s\S])*\*\/)\s*export\s+default\b/.exec(source)?.[1];
}
