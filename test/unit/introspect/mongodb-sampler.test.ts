import { readFileSync } from 'node:fs';
import path from 'node:path';
import { aggregate } from 'mingo';
import { ObjectId } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { draftCatalog, renderObjectFile, sampleCatalog, type SampleSource } from '../../../src/main/introspect';
import type { Doc } from '../../../src/main/introspect/readers/mongodb';
import { CHINOOK_DIR } from '../../helpers/databases';

/** The sampler's collection interface over plain documents, with mingo running the pipelines. */
function memorySource(collections: Record<string, Doc[]>): SampleSource & { pipelines: Array<[string, unknown[]]> } {
  const pipelines: Array<[string, unknown[]]> = [];
  return {
    pipelines,
    listCollections: async () => Object.keys(collections),
    estimatedCount: async (c) => collections[c].length,
    aggregate: async (c, p) => {
      pipelines.push([c, p]);
      return aggregate(collections[c], p) as Doc[];
    },
  };
}

/** Chinook as mongoimport would load it: every document gets an ObjectId `_id`. */
function chinook(): Record<string, Doc[]> {
  const data = JSON.parse(readFileSync(path.join(CHINOOK_DIR, 'ChinookData.json'), 'utf8')) as Record<string, Doc[]>;
  return Object.fromEntries(Object.entries(data).map(([k, docs]) => [k, docs.map((d) => ({ _id: new ObjectId(), ...d }))]));
}

const ctx = { datasource: 'chinook_docs', database: 'chinook', serverVersion: null };

describe('mongodb sampling (mingo stand-in over ChinookData.json)', () => {
  it('infers fields, types, presence and id-named references verified by value', async () => {
    const cat = await sampleCatalog(memorySource(chinook()), { ...ctx, options: {} });
    expect(cat.tables.map((t) => t.name)).toEqual(['Album', 'Artist', 'Customer', 'Employee', 'Genre', 'Invoice', 'InvoiceLine', 'MediaType', 'Playlist', 'PlaylistTrack', 'Track']);
    const album = cat.tables.find((t) => t.name === 'Album')!;
    expect(album.columns.map((c) => [c.name, c.normalizedType, c.nullable])).toEqual([
      ['_id', 'objectid', false], ['AlbumId', 'integer', false], ['Title', 'text', false], ['ArtistId', 'integer', false],
    ]);
    expect(album.primaryKey).toEqual(['_id']);
    expect(album.foreignKeys).toEqual([{ name: null, columns: ['ArtistId'], referencedSchema: null, referencedTable: 'Artist', referencedColumns: ['ArtistId'], inferred: true }]);
    const track = cat.tables.find((t) => t.name === 'Track')!;
    expect(track.columns.find((c) => c.name === 'UnitPrice')).toMatchObject({ normalizedType: 'float' });
    expect(cat.tables.find((t) => t.name === 'Employee')!.columns.find((c) => c.name === 'ReportsTo')).toMatchObject({ nullable: true, seenTypes: ['int', 'null'] });
    expect(track.foreignKeys.map((f) => f.referencedTable).sort()).toEqual(['Album', 'Genre', 'MediaType']);
    // A name alone is not evidence: SupportRepId has no "SupportRep" collection, so no reference.
    expect(cat.tables.find((t) => t.name === 'Customer')!.foreignKeys).toEqual([]);
    expect(track.rowCountEstimate).toBe(3503);
  });

  it('samples with a bounded $sample when a collection is larger than the sample size', async () => {
    const src = memorySource(chinook());
    const cat = await sampleCatalog(src, { ...ctx, options: { sampleSize: 50, tables: ['Track', 'Genre'] } });
    expect(cat.tables.map((t) => t.name)).toEqual(['Genre', 'Track']);
    expect(src.pipelines.find(([c, p]) => c === 'Track' && JSON.stringify(p).includes('$sample'))?.[1]).toEqual([{ $sample: { size: 50 } }]);
    expect(src.pipelines.find(([c]) => c === 'Genre')?.[1]).toEqual([{ $limit: 50 }]);
  });

  it('finds ObjectId references by matching sampled values against other collections', async () => {
    const data = chinook();
    const artistIds = new Map(data.Artist.map((a) => [a.ArtistId, a._id]));
    const albums = data.Album.map(({ ArtistId, ...rest }) => ({ ...rest, artist: artistIds.get(ArtistId) }));
    const mixed = [{ _id: new ObjectId(), v: 1 }, { _id: new ObjectId(), v: 'one' }, { _id: new ObjectId() }];
    const cat = await sampleCatalog(memorySource({ Artist: data.Artist, albums, mixed }), { ...ctx, options: {} });
    const t = cat.tables.find((x) => x.name === 'albums')!;
    expect(t.columns.find((c) => c.name === 'artist')).toMatchObject({ normalizedType: 'objectid' });
    expect(t.foreignKeys).toEqual([{ name: null, columns: ['artist'], referencedSchema: null, referencedTable: 'Artist', referencedColumns: ['_id'], inferred: true }]);
    const v = cat.tables.find((x) => x.name === 'mixed')!.columns.find((c) => c.name === 'v')!;
    expect(v).toMatchObject({ normalizedType: 'json', unknownType: 'json', nullable: true, seenTypes: ['int', 'string'] });
    expect(v.presence).toBeCloseTo(2 / 3);

    const drafts = draftCatalog(cat, { all: true, datasource: 'docs' });
    const albumsFile = await renderObjectFile(drafts.find((d) => d.object.name === 'albums')!);
    expect(albumsFile).toContain("artist: Field.lookup('artist', { label: 'Artist', required: true })");
    expect(albumsFile).toContain("_id: Field.text({ label: 'ID', readonly: true })");
  });
});
