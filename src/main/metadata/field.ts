/**
 * Field definitions: the strict zod schema for every field type an object may declare, and the
 * normalised shape the rest of the engine reads (select options as objects, lookups with `reference_to`).
 */
import { z } from 'zod';

export const FIELD_TYPES = [
  'text', 'textarea', 'email', 'url', 'phone',
  'number', 'currency', 'percent', 'boolean',
  'date', 'datetime', 'time',
  'select', 'multiselect', 'lookup', 'json', 'autonumber',
] as const;
export const FieldTypeSchema = z.enum(FIELD_TYPES);
export type FieldType = z.infer<typeof FieldTypeSchema>;

export const SelectOptionSchema = z.strictObject({
  label: z.string().min(1),
  value: z.union([z.string(), z.number()]),
  color: z.string().optional(),
});
export type SelectOption = z.infer<typeof SelectOptionSchema>;

/** Options accepted from authors: plain strings are shorthand for `{ label: s, value: s }`. */
export const SelectOptionInputSchema = z.union([z.string().min(1), SelectOptionSchema]);

const common = {
  label: z.string().min(1).optional(),
  description: z.string().optional(),
  required: z.boolean().optional(),
  readonly: z.boolean().optional(),
  hidden: z.boolean().optional(),
  /** Included in the object's free-text `search`. Text-like fields default to searchable. */
  searchable: z.boolean().optional(),
  unique: z.boolean().optional(),
  defaultValue: z.unknown().optional(),
  /** The source column (or document key) when it differs from the field name. */
  column: z.string().min(1).optional(),
};

const textual = { ...common, maxLength: z.number().int().positive().optional() };
const numeric = {
  ...common,
  precision: z.number().int().positive().max(65).optional(),
  scale: z.number().int().min(0).max(30).optional(),
  min: z.number().optional(),
  max: z.number().optional(),
};

export const FieldSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('text'), ...textual }),
  z.strictObject({ type: z.literal('textarea'), ...textual }),
  z.strictObject({ type: z.literal('email'), ...textual }),
  z.strictObject({ type: z.literal('url'), ...textual }),
  z.strictObject({ type: z.literal('phone'), ...textual }),
  z.strictObject({ type: z.literal('number'), ...numeric }),
  z.strictObject({ type: z.literal('currency'), ...numeric, currency: z.string().length(3).optional() }),
  z.strictObject({ type: z.literal('percent'), ...numeric }),
  z.strictObject({ type: z.literal('boolean'), ...common }),
  z.strictObject({ type: z.literal('date'), ...common }),
  z.strictObject({ type: z.literal('datetime'), ...common }),
  z.strictObject({ type: z.literal('time'), ...common }),
  z.strictObject({ type: z.literal('select'), ...common, options: z.array(SelectOptionInputSchema).min(1) }),
  z.strictObject({ type: z.literal('multiselect'), ...common, options: z.array(SelectOptionInputSchema).min(1) }),
  z.strictObject({
    type: z.literal('lookup'),
    ...common,
    reference_to: z.string().regex(/^[a-z_][a-z0-9_]*$/, 'must be an object name such as "biz_account"'),
    /** The referenced object's field the stored value matches; defaults to its primary key. */
    reference_field: z.string().optional(),
  }),
  z.strictObject({ type: z.literal('json'), ...common }),
  z.strictObject({ type: z.literal('autonumber'), ...common, format: z.string().optional() }),
]);
export type FieldInput = z.input<typeof FieldSchema>;
export type FieldParsed = z.output<typeof FieldSchema>;

/**
 * A field after normalisation: select options are always objects. Distributes over the union so that
 * narrowing on `type` works (`f.type === 'lookup'` gives `f.reference_to`); `options` reads as
 * `SelectOption[] | undefined` on any field.
 */
export type FieldDefinition = FieldParsed extends infer F
  ? F extends { options: unknown }
    ? Omit<F, 'options'> & { options: SelectOption[] }
    : F & { options?: undefined }
  : never;

export function normaliseOptions(options: ReadonlyArray<string | SelectOption> | undefined): SelectOption[] | undefined {
  return options?.map((o) => (typeof o === 'string' ? { label: o, value: o } : o));
}

export const TEXT_LIKE: ReadonlySet<FieldType> = new Set(['text', 'textarea', 'email', 'url', 'phone']);
export const NUMERIC: ReadonlySet<FieldType> = new Set(['number', 'currency', 'percent', 'autonumber']);
export const TEMPORAL: ReadonlySet<FieldType> = new Set(['date', 'datetime', 'time']);
