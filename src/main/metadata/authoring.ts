/**
 * The authoring API that workspace files import (`objectdesk`, and the ObjectOS specifiers
 * `@objectstack/spec` and `@objectstack/spec/data`, which the loader aliases here). Each helper validates
 * strictly and throws a `DefinitionError` listing every problem, so a file fails with all of its issues at once.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { z } from 'zod';
import { FieldSchema, type FieldInput, type SelectOption } from './field';
import { ObjectSchemaDef, normaliseObject, type ObjectDefinition, type ObjectInput } from './object';
import { DatasourceSchema, type DatasourceDefinition, type DatasourceInput, type SecretRef } from './datasource';
import { WorkspaceConfigSchema, type WorkspaceConfig, type WorkspaceConfigInput } from './workspace-config';
import { PermissionSetSchema, UserSchema } from './security-config';

export interface DefinitionIssue {
  /** Key path inside the definition, e.g. `fields.amount.precision`. */
  path: string;
  message: string;
  /** The zod issue code (`unrecognized_keys`, `invalid_format`, `invalid_key`, …) for classifying problems. */
  code?: string;
}

/** Thrown by the authoring helpers; the loader turns it into problems that name file, object and key. */
export class DefinitionError extends Error {
  constructor(
    readonly kind: 'object' | 'datasource' | 'workspace' | 'field' | 'permissionSet' | 'user',
    readonly definitionName: string | undefined,
    readonly issues: DefinitionIssue[],
  ) {
    super(`${kind}${definitionName ? ` "${definitionName}"` : ''}: ${issues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; ')}`);
    this.name = 'DefinitionError';
  }
}

export function issuesFromZod(error: z.ZodError): DefinitionIssue[] {
  const out: DefinitionIssue[] = [];
  for (const issue of error.issues) {
    const path = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        out.push({ path: path ? `${path}.${key}` : key, message: `unknown key "${key}" — remove it or check its spelling`, code: issue.code });
      }
    } else if (issue.code === 'invalid_union' && 'note' in issue && issue.note === 'No matching discriminator') {
      const key = String((issue as { discriminator?: unknown }).discriminator ?? 'type');
      const at = issue.path.length && issue.path[issue.path.length - 1] === key ? path : path ? `${path}.${key}` : key;
      out.push({ path: at, message: `unknown type — ${issue.message}`, code: 'invalid_discriminator' });
    } else if (issue.code === 'invalid_key') {
      const inner = issue.issues.map((i) => i.message).join('; ');
      out.push({ path, message: `bad key "${String(issue.path[issue.path.length - 1])}": ${inner}`, code: issue.code });
    } else {
      out.push({ path, message: issue.message, code: issue.code });
    }
  }
  return out;
}

/**
 * While the workspace loader evaluates a file it collects definition errors instead of letting the first
 * one abort the file, so a file with three broken objects reports all three in one pass. The invalid
 * definition is returned unchanged (and remembered as invalid) so the rest of the file keeps running.
 */
const collecting = new AsyncLocalStorage<DefinitionError[]>();
const invalidDefinitions = new WeakSet<object>();
/** What each helper produced, so the loader counts exactly the values made by `ObjectSchema.create` etc. */
const definitionKinds = new WeakMap<object, DefinitionError['kind']>();

/** Files being evaluated in collecting mode right now. */
let collections = 0;

export async function collectDefinitionErrors<T>(sink: DefinitionError[], run: () => Promise<T> | T): Promise<T> {
  collections++;
  try {
    return await collecting.run(sink, run);
  } finally {
    // An enabled AsyncLocalStorage keeps Node 20's promise hooks on for the whole process, which taxes
    // every promise made afterwards (about 1 µs per API call, and twice the cost of posting a message to a
    // worker thread, such as the audit writer). Disabled while no file is being evaluated; `run` enables
    // it again.
    if (--collections === 0) collecting.disable();
  }
}

/** `'object'`, `'datasource'`, … for a value returned by an authoring helper; `'invalid'` if it failed validation. */
export function definitionKindOf(value: unknown): DefinitionError['kind'] | 'invalid' | undefined {
  if (!value || typeof value !== 'object') return undefined;
  if (invalidDefinitions.has(value)) return 'invalid';
  return definitionKinds.get(value);
}

function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, kind: DefinitionError['kind'], name: string | undefined): z.output<S> {
  const r = schema.safeParse(value);
  if (!r.success) {
    const error = new DefinitionError(kind, name, issuesFromZod(r.error));
    const sink = collecting.getStore();
    if (!sink || !value || typeof value !== 'object') throw error;
    sink.push(error);
    invalidDefinitions.add(value);
    return value as z.output<S>;
  }
  if (r.data && typeof r.data === 'object') definitionKinds.set(r.data as object, kind);
  return r.data;
}

const nameOf = (v: unknown): string | undefined =>
  v && typeof v === 'object' && typeof (v as { name?: unknown }).name === 'string' ? (v as { name: string }).name : undefined;

export const ObjectSchema = {
  create(definition: ObjectInput): ObjectDefinition {
    const parsed = parseOrThrow(ObjectSchemaDef, definition, 'object', nameOf(definition));
    if (definitionKindOf(parsed) === 'invalid') return parsed as unknown as ObjectDefinition;
    const normalised = normaliseObject(parsed);
    definitionKinds.set(normalised, 'object');
    return normalised;
  },
};

type Opts<T extends FieldInput['type']> = Omit<Extract<FieldInput, { type: T }>, 'type'>;
type OptionInput = string | SelectOption;

function field<T extends FieldInput['type']>(type: T) {
  return (options: Opts<T> = {} as Opts<T>): Extract<FieldInput, { type: T }> =>
    ({ type, ...options }) as Extract<FieldInput, { type: T }>;
}

/** `Field.*` builders. They only shape the input; `ObjectSchema.create` validates it as part of the object. */
export const Field = {
  text: field('text'),
  textarea: field('textarea'),
  email: field('email'),
  url: field('url'),
  phone: field('phone'),
  number: field('number'),
  currency: field('currency'),
  percent: field('percent'),
  boolean: field('boolean'),
  date: field('date'),
  datetime: field('datetime'),
  time: field('time'),
  json: field('json'),
  autonumber: field('autonumber'),
  select(optionsOrConfig: OptionInput[] | Opts<'select'>, config: Omit<Opts<'select'>, 'options'> = {}) {
    return Array.isArray(optionsOrConfig)
      ? ({ type: 'select', ...config, options: optionsOrConfig } as const)
      : ({ type: 'select', ...optionsOrConfig } as const);
  },
  multiselect(optionsOrConfig: OptionInput[] | Opts<'multiselect'>, config: Omit<Opts<'multiselect'>, 'options'> = {}) {
    return Array.isArray(optionsOrConfig)
      ? ({ type: 'multiselect', ...config, options: optionsOrConfig } as const)
      : ({ type: 'multiselect', ...optionsOrConfig } as const);
  },
  /** Both forms seen in the wild: `Field.lookup({ reference_to })` and `Field.lookup('biz_account', {...})`. */
  lookup(referenceOrConfig: string | Opts<'lookup'>, config: Omit<Opts<'lookup'>, 'reference_to'> = {}) {
    return typeof referenceOrConfig === 'string'
      ? ({ type: 'lookup', ...config, reference_to: referenceOrConfig } as const)
      : ({ type: 'lookup', ...referenceOrConfig } as const);
  },
};

/** Validates one field on its own (used by tools that edit a single field). */
export function validateField(input: unknown): FieldInput {
  return parseOrThrow(FieldSchema, input, 'field', undefined) as FieldInput;
}

export const Datasource = {
  create(definition: DatasourceInput): DatasourceDefinition {
    return parseOrThrow(DatasourceSchema, definition, 'datasource', nameOf(definition));
  },
};
export const defineDatasource = Datasource.create;

/** A password kept in the OS keychain (service `objectdesk`, account = the given name). */
export function secret(account: string): SecretRef {
  return { $secret: account };
}

export function defineWorkspace(config: WorkspaceConfigInput): WorkspaceConfig {
  return parseOrThrow(WorkspaceConfigSchema, config, 'workspace', nameOf(config));
}

export const PermissionSet = {
  create: (def: z.input<typeof PermissionSetSchema>) => parseOrThrow(PermissionSetSchema, def, 'permissionSet', nameOf(def)),
};
export const User = {
  create: (def: z.input<typeof UserSchema>) => parseOrThrow(UserSchema, def, 'user', nameOf(def)),
};

export type { ObjectDefinition, DatasourceDefinition, WorkspaceConfig };

/** Automations (`*.flow.ts`): defined and validated in src/main/flows; re-exported so workspace files import them from 'objectdesk'. */
export { Flow, defineFlow } from '../flows/authoring';
