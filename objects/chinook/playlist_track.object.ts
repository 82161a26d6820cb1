import { ObjectSchema, Field } from '@objectstack/spec/data';

/** Chinook's `PlaylistTrack` table. */
export const PlaylistTrack = ObjectSchema.create({
  name: 'playlist_track',
  label: 'Playlist Track',
  pluralLabel: 'Playlist Tracks',
  description: 'Which tracks are on which playlist (a many-to-many link table).',
  icon: 'link',
  namespace: 'chinook',
  external: { table: 'PlaylistTrack' },
  primaryKey: ['playlist_id', 'track_id'],
  fields: {
    playlist_id: Field.lookup('playlist', { label: 'Playlist', required: true, column: 'PlaylistId' }),
    track_id: Field.lookup('track', { label: 'Track', required: true, column: 'TrackId' }),
  },
});
