import { ObjectSchema, Field } from '@objectstack/spec/data';

/** Chinook's `Playlist` table. */
export const Playlist = ObjectSchema.create({
  name: 'playlist',
  label: 'Playlist',
  pluralLabel: 'Playlists',
  description: 'A named list of tracks.',
  icon: 'list-music',
  namespace: 'chinook',
  external: { table: 'Playlist' },
  primaryKey: 'playlist_id',
  titleField: 'name',
  fields: {
    playlist_id: Field.number({ label: 'Playlist ID', required: true, readonly: true, column: 'PlaylistId' }),
    name: Field.text({ label: 'Name', maxLength: 120, column: 'Name' }),
  },
});
