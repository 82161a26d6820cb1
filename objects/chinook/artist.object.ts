import { ObjectSchema, Field } from '@objectstack/spec/data';

/** Chinook's `Artist` table. */
export const Artist = ObjectSchema.create({
  name: 'artist',
  label: 'Artist',
  pluralLabel: 'Artists',
  description: 'A recording artist or band.',
  icon: 'mic',
  namespace: 'chinook',
  external: { table: 'Artist' },
  primaryKey: 'artist_id',
  titleField: 'name',
  fields: {
    artist_id: Field.number({ label: 'Artist ID', required: true, readonly: true, column: 'ArtistId' }),
    name: Field.text({ label: 'Name', maxLength: 120, column: 'Name' }),
  },
});
