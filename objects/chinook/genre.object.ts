import { ObjectSchema, Field } from '@objectstack/spec/data';

/** Chinook's `Genre` table. */
export const Genre = ObjectSchema.create({
  name: 'genre',
  label: 'Genre',
  pluralLabel: 'Genres',
  description: 'A music genre.',
  icon: 'tag',
  namespace: 'chinook',
  external: { table: 'Genre' },
  primaryKey: 'genre_id',
  titleField: 'name',
  fields: {
    genre_id: Field.number({ label: 'Genre ID', required: true, readonly: true, column: 'GenreId' }),
    name: Field.text({ label: 'Name', maxLength: 120, column: 'Name' }),
  },
});
