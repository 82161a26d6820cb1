// The modeler's form edits of select options and lookups, through the API on a copy of the demo
// workspace: they shape new object files (and what the workspace then describes), bad edits are refused
// naming the field, and files that already exist keep the merge (edits do not touch them).
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApi, type Api } from '../../../src/main/api';
import { DEMO_WORKSPACE, openTestApp } from '../../helpers/app';

const admin = { user: 'andrew.adams', via: 'ui' as const };

type File = { object: string; table: string; action: string; content: string; diff: string; fields: Array<{ name: string; type: string; reference_to?: string; options?: Array<{ value: string | number; label: string }> }> };

describe('modeler: select options and lookups edited in the form', () => {
  let dir: string;
  let t: Awaited<ReturnType<typeof openTestApp>>;
  let api: Api;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'objectdesk-modeler-edits-'));
    cpSync(DEMO_WORKSPACE, dir, { recursive: true });
    for (const f of ['media_type', 'playlist', 'playlist_track']) rmSync(path.join(dir, 'chinook', `${f}.object.ts`));
    t = await openTestApp({ workspaceDir: dir });
    api = createApi(t.app);
  });
  afterAll(async () => {
    await t.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  const preview = async (sel: Record<string, unknown>) => ((await api.call('modeler.preview', { datasource: 'chinook', ...sel }, admin)) as { files: File[] }).files;
  const file = (files: File[], object: string) => files.find((f) => f.object === object)!;

  it('a lookup to an object that neither exists nor is drafted now is refused, naming the field and the choices', async () => {
    const err = await preview({ tables: ['PlaylistTrack'], overrides: { PlaylistTrack: { fields: { playlist_id: { reference_to: 'playlist' } } } } }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'bad_request', path: 'overrides.PlaylistTrack.fields.playlist_id.reference_to' });
    expect((err as Error).message).toMatch(/no object "playlist".*track/);
    // Without the edit the column is a plain number with a note saying how to make it a lookup.
    const plain = file(await preview({ tables: ['PlaylistTrack'] }), 'playlist_track');
    expect(plain.fields.find((f) => f.name === 'playlist_id')).toMatchObject({ type: 'number' });
    expect(plain.content).toContain('which has no object yet');
  });

  it('options make a text field a select; lookups can be added to a drafted object and removed; the file shows it', async () => {
    const files = await preview({
      tables: ['MediaType', 'Playlist', 'PlaylistTrack'],
      overrides: {
        MediaType: { fields: { name: { options: [{ value: 'MPEG audio file', label: 'MP3' }, { value: 'AAC audio file', label: 'AAC' }] } } },
        PlaylistTrack: { fields: { track_id: { reference_to: null } } },
      },
    });
    const mt = file(files, 'media_type');
    expect(mt.action).toBe('create');
    expect(mt.fields.find((f) => f.name === 'name')).toEqual({ name: 'name', type: 'select', label: 'Name', options: [{ value: 'MPEG audio file', label: 'MP3' }, { value: 'AAC audio file', label: 'AAC' }] });
    expect(mt.content).toMatch(/name: Field\.select\(|type: 'select'/);
    expect(mt.content).toContain("label: 'MP3'");
    expect(mt.content).not.toMatch(/name:[^\n]*maxLength/);
    const pt = file(files, 'playlist_track');
    // Drafted together, playlist_id is a lookup to the new playlist object; track_id was turned back into a number.
    expect(pt.fields.find((f) => f.name === 'playlist_id')).toMatchObject({ type: 'lookup', reference_to: 'playlist' });
    expect(pt.fields.find((f) => f.name === 'track_id')).toMatchObject({ type: 'number' });
    expect(pt.fields.find((f) => f.name === 'track_id')?.reference_to).toBeUndefined();
  });

  it('refuses options that cannot be a select, naming the field', async () => {
    const bad = (fields: Record<string, unknown>, table = 'MediaType') => preview({ tables: [table], overrides: { [table]: { fields } } }).catch((e: unknown) => e);
    expect(await bad({ name: { options: [{ value: 'a', label: 'A' }, { value: 'a', label: 'Again' }] } })).toMatchObject({ code: 'bad_request', path: 'overrides.MediaType.fields.name.options.1.value' });
    expect(await bad({ media_type_id: { options: [{ value: 'x', label: 'X' }] } })).toMatchObject({ code: 'bad_request', path: 'overrides.MediaType.fields.media_type_id.options.0.value' });
    expect(await bad({ track_id: { options: [{ value: 1, label: 'One' }] } }, 'PlaylistTrack')).toMatchObject({ code: 'bad_request', path: 'overrides.PlaylistTrack.fields.track_id.options' });
    expect(await bad({ name: { options: [{ value: '', label: 'Empty' }] } })).toMatchObject({ code: 'bad_request' });
  });

  it('writes the edited files; the workspace loads them and describes the select and the lookup', async () => {
    const sel = {
      datasource: 'chinook',
      tables: ['MediaType', 'Playlist', 'PlaylistTrack'],
      overrides: { MediaType: { fields: { name: { options: [{ value: 'MPEG audio file', label: 'MP3' }, { value: 'Protected AAC audio file', label: 'Protected AAC' }, { value: 'AAC audio file', label: 'AAC' }, { value: 'Purchased AAC audio file', label: 'Purchased AAC' }, { value: 'Protected MPEG-4 video file', label: 'Protected MPEG-4 video' }] } } } },
    };
    const res = (await api.call('modeler.import', sel, admin)) as { written: string[]; problems: number };
    expect(res.problems).toBe(0);
    expect(res.written).toHaveLength(3);
    const mt = (await api.call('objects.describe', { objectName: 'media_type' }, admin)) as { fields: Array<{ name: string; type: string; options?: unknown }> };
    expect(mt.fields.find((f) => f.name === 'name')).toMatchObject({ type: 'select', options: expect.arrayContaining([{ label: 'MP3', value: 'MPEG audio file' }]) });
    const pt = (await api.call('objects.describe', { objectName: 'playlist_track' }, admin)) as { fields: Array<{ name: string; type: string; reference_to?: string }> };
    expect(pt.fields.find((f) => f.name === 'playlist_id')).toMatchObject({ type: 'lookup', reference_to: 'playlist' });
    // The select filters like any field: every media type's name is one of its options.
    const rows = (await api.call('data.query', { query: { object: 'media_type', where: { name: { $in: ['MPEG audio file', 'AAC audio file'] } } } }, admin)) as { rows: unknown[] };
    expect(rows.rows).toHaveLength(2);
  });

  it('edits do not touch files that exist: an update is the database merge, unchanged stays unchanged', async () => {
    const before = readFileSync(path.join(dir, 'chinook', 'invoice.object.ts'), 'utf8');
    const files = await preview({ tables: ['Invoice'], overrides: { Invoice: { label: 'Bill', fields: { billing_country: { options: [{ value: 'USA', label: 'United States' }] }, customer_id: { reference_to: null } } } } });
    const inv = file(files, 'invoice');
    expect(inv.action).toBe('unchanged');
    expect(inv.content).toBe(before);
    expect(inv.content).not.toContain('United States');
  });
});
