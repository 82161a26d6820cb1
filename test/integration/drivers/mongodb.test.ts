/** Runs against a real MongoDB only when MONGO_URL is set (e.g. mongodb://127.0.0.1:27017); otherwise skipped. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDriver, QueryCancelledError, WriteNotAllowedError, type DocumentDriver } from '../../../src/main/drivers';
import { DatasourceSchema } from '../../../src/main/metadata/datasource';
import { CHINOOK_DIR, noSecrets, uniqueName } from '../../helpers/databases';

const url = process.env.MONGO_URL;
const dbName = uniqueName('mongo');
let admin: MongoClient;

const def = (extra: Record<string, unknown> = {}) =>
  DatasourceSchema.parse({ name: 'docs', driver: 'mongodb', ...extra, config: { url, database: dbName, sampleSize: 200 } });

describe.skipIf(!url)('mongodb driver on a real server (MONGO_URL)', () => {
  beforeAll(async () => {
    admin = new MongoClient(url!);
    await admin.connect();
    const data = JSON.parse(readFileSync(path.join(CHINOOK_DIR, 'ChinookData.json'), 'utf8')) as Record<string, object[]>;
    for (const c of ['Artist', 'Album', 'Track', 'Genre', 'MediaType']) await admin.db(dbName).collection(c).insertMany(data[c]);
  });
  afterAll(async () => {
    await admin?.db(dbName).dropDatabase();
    await admin?.close();
  });

  it('connects, aggregates, streams and refuses writes', async () => {
    const d = createDriver(def(), { workspaceRoot: '/', ...noSecrets }) as DocumentDriver;
    expect((await d.testConnection()).serverVersion).toMatch(/^MongoDB /);
    const { rows } = await d.aggregate('Track', [{ $group: { _id: '$GenreId', n: { $sum: 1 } } }, { $sort: { n: -1 } }, { $limit: 1 }]);
    expect(rows).toEqual([{ _id: 1, n: 1297 }]);
    let n = 0;
    for await (const _ of d.streamAggregate('Track', [{ $project: { TrackId: 1 } }], { batchSize: 500 })) n++;
    expect(n).toBe(3503);
    await expect(d.write({ collection: 'Track', operation: 'deleteMany', filter: {} })).rejects.toBeInstanceOf(WriteNotAllowedError);
    await expect(d.aggregate('Track', [{ $out: 'copy' }])).rejects.toBeInstanceOf(WriteNotAllowedError);
    const ac = new AbortController();
    ac.abort();
    await expect(d.aggregate('Track', [], { signal: ac.signal })).rejects.toBeInstanceOf(QueryCancelledError);
    await d.close();
  });

  it('samples collections into a catalog with verified references', async () => {
    const d = createDriver(def(), { workspaceRoot: '/', ...noSecrets });
    const cat = await d.introspect();
    expect(cat.tables.map((t) => t.name)).toEqual(['Album', 'Artist', 'Genre', 'MediaType', 'Track']);
    const track = cat.tables.find((t) => t.name === 'Track')!;
    expect(track.columns[0]).toMatchObject({ name: '_id', normalizedType: 'objectid' });
    expect(track.foreignKeys.map((f) => f.referencedTable).sort()).toEqual(['Album', 'Genre', 'MediaType']);
    expect(track.rowCountEstimate).toBe(3503);
    await d.close();
  });

  it('answers a missing database with database_missing', async () => {
    const d = createDriver(DatasourceSchema.parse({ name: 'docs', driver: 'mongodb', config: { url, database: 'od_missing_' + Date.now() } }), { workspaceRoot: '/', ...noSecrets });
    expect((await d.testConnection().catch((e) => e)).code).toBe('database_missing');
    await d.close();
  });
});
