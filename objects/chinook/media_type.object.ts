import { ObjectSchema, Field } from '@objectstack/spec/data';

/** Chinook's `MediaType` table. */
export const MediaType = ObjectSchema.create({
  name: 'media_type',
  label: 'Media Type',
  pluralLabel: 'Media Types',
  description: 'The file format a track is sold in.',
  icon: 'file',
  namespace: 'chinook',
  external: { table: 'MediaType' },
  primaryKey: 'media_type_id',
  titleField: 'name',
  fields: {
    media_type_id: Field.number({ label: 'Media Type ID', required: true, readonly: true, column: 'MediaTypeId' }),
    name: Field.text({ label: 'Name', maxLength: 120, column: 'Name' }),
  },
});
