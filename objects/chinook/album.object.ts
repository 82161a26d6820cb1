import { ObjectSchema, Field } from '@objectstack/spec/data';

/** Chinook's `Album` table. */
export const Album = ObjectSchema.create({
  name: 'album',
  label: 'Album',
  pluralLabel: 'Albums',
  description: 'A music album, released by one artist.',
  icon: 'disc',
  namespace: 'chinook',
  external: { table: 'Album' },
  primaryKey: 'album_id',
  titleField: 'title',
  fields: {
    album_id: Field.number({ label: 'Album ID', required: true, readonly: true, column: 'AlbumId' }),
    title: Field.text({ label: 'Title', required: true, maxLength: 160, column: 'Title' }),
    artist_id: Field.lookup('artist', { label: 'Artist', required: true, column: 'ArtistId' }),
  },
});
