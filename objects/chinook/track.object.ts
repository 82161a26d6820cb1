import { ObjectSchema, Field } from '@objectstack/spec/data';

/** Chinook's `Track` table. */
export const Track = ObjectSchema.create({
  name: 'track',
  label: 'Track',
  pluralLabel: 'Tracks',
  description: 'A song or video for sale, on an album, with its genre, media type and price.',
  icon: 'music',
  namespace: 'chinook',
  external: { table: 'Track' },
  primaryKey: 'track_id',
  titleField: 'name',
  fields: {
    track_id: Field.number({ label: 'Track ID', required: true, readonly: true, column: 'TrackId' }),
    name: Field.text({ label: 'Name', required: true, maxLength: 200, column: 'Name' }),
    album_id: Field.lookup('album', { label: 'Album', column: 'AlbumId' }),
    media_type_id: Field.lookup('media_type', { label: 'Media Type', required: true, column: 'MediaTypeId' }),
    genre_id: Field.lookup('genre', { label: 'Genre', column: 'GenreId' }),
    composer: Field.text({ label: 'Composer', maxLength: 220, column: 'Composer' }),
    milliseconds: Field.number({ label: 'Milliseconds', required: true, column: 'Milliseconds' }),
    bytes: Field.number({ label: 'Bytes', column: 'Bytes' }),
    unit_price: Field.currency({ label: 'Unit Price', required: true, precision: 10, scale: 2, currency: 'USD', column: 'UnitPrice' }),
  },
});
