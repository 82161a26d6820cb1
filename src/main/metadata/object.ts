/**
 * Object definitions (ObjectStack's `ObjectSchema.create` shape): the strict schema, and the
 * normalised definition the engine works with.
 */
import { z } from 'zod';
import { FieldSchema, normaliseOptions, type FieldDefinition } from './field';

export const NAME_PATTERN = /^[a-z_][a-z0-9_]*$/;
export const ObjectNameSchema = z
  .string()
  .regex(NAME_PATTERN, 'must be lower snake_case: letters a-z, digits and "_", not starting with a digit (e.g. "biz_account")');

export const ExternalSchema = z.strictObject({
  /** The table (or collection) name in the datasource, exactly as the database spells it. */
  table: z.string().min(1),
  schema: z.string().min(1).optional(),
  writable: z.boolean().default(false),
});

export const ObjectSchemaDef = z.strictObject({
  name: ObjectNameSchema,
  label: z.string().min(1).optional(),
  pluralLabel: z.string().min(1).optional(),
  description: z.string().optional(),
  icon: z.string().optional(),
  datasource: z.string().min(1).optional(),
  namespace: z.string().regex(NAME_PATTERN).optional(),
  external: ExternalSchema.optional(),
  primaryKey: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).optional(),
  titleField: z.string().min(1).optional(),
  fields: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'field names are identifiers: letters, digits and "_"'), FieldSchema),
});
export type ObjectInput = z.input<typeof ObjectSchemaDef>;

export type ObjectDefinition = Omit<z.output<typeof ObjectSchemaDef>, 'fields' | 'primaryKey'> & {
  fields: Record<string, FieldDefinition>;
  /** Always a list; defaults to `['id']` when the object does not declare one and has an `id` field. */
  primaryKey: string[];
};

export function normaliseObject(parsed: z.output<typeof ObjectSchemaDef>): ObjectDefinition {
  const fields: Record<string, FieldDefinition> = {};
  for (const [name, f] of Object.entries(parsed.fields)) {
    fields[name] = ('options' in f ? { ...f, options: normaliseOptions(f.options) } : f) as FieldDefinition;
  }
  const pk = parsed.primaryKey === undefined ? (fields.id ? ['id'] : []) : Array.isArray(parsed.primaryKey) ? parsed.primaryKey : [parsed.primaryKey];
  return { ...parsed, fields, primaryKey: pk };
}
