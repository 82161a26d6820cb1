/** How an object and its fields are presented to callers (UI, AI tools, REST): labels filled in, internals left out. */
import type { ObjectDescription } from '../../shared/api/contract';
import type { LoadedObject } from '../metadata';
import type { FieldDefinition } from '../metadata/field';
import { TEXT_LIKE } from '../metadata/field';

export function humanize(name: string): string {
  return name
    .replace(/_id$/, '')
    .replace(/_/g, ' ')
    .replace(/\b\w/g, (c) => c.toUpperCase());
}

export function objectLabels(o: LoadedObject): { name: string; label: string; pluralLabel: string } {
  const label = o.label ?? humanize(o.name);
  return { name: o.name, label, pluralLabel: o.pluralLabel ?? `${label}s` };
}

export function describeField(name: string, f: FieldDefinition) {
  return {
    name,
    type: f.type,
    label: f.label ?? humanize(name),
    ...(f.description ? { description: f.description } : {}),
    required: Boolean(f.required),
    readonly: Boolean(f.readonly),
    searchable: f.searchable ?? TEXT_LIKE.has(f.type),
    ...(f.options ? { options: f.options } : {}),
    ...(f.type === 'lookup' ? { reference_to: f.reference_to } : {}),
    ...('precision' in f && f.precision !== undefined ? { precision: f.precision } : {}),
    ...('scale' in f && f.scale !== undefined ? { scale: f.scale } : {}),
  };
}

export function describeObject(o: LoadedObject, visibleFields: (name: string) => boolean = () => true): ObjectDescription {
  return {
    ...objectLabels(o),
    ...(o.description ? { description: o.description } : {}),
    namespace: o.namespace,
    datasource: o.datasource,
    primaryKey: o.primaryKey,
    ...(o.titleField ? { titleField: o.titleField } : {}),
    writable: Boolean(o.external?.writable),
    fields: Object.entries(o.fields)
      .filter(([name, f]) => !f.hidden && visibleFields(name))
      .map(([name, f]) => describeField(name, f)),
  };
}
