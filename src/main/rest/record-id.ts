/**
 * The `{id}` of `/api/v1/data/{object}/{id}`: the record's primary-key values in the order of the object's
 * `primaryKey`, each percent-encoded (encodeURIComponent) and joined by commas. A single key is just its
 * encoded value (`/data/invoice/98`); a composite key lists every part (`/data/playlist_track/1,3402`). A
 * comma inside a value is written `%2C`, so splitting on a literal comma is never ambiguous. The segment is
 * read undecoded from the request path for exactly that reason.
 */
import { ApiError } from '../../shared/api/errors';

export function encodeRecordId(values: readonly unknown[]): string {
  return values.map((v) => encodeURIComponent(String(v))).join(',');
}

/** The raw key parts of an id segment, checked against the number of key fields. */
export function decodeRecordId(rawSegment: string, primaryKey: readonly string[], object: string): string[] {
  const parts = rawSegment.split(',');
  if (parts.length !== primaryKey.length) {
    const example = primaryKey.map((k) => `<${k}>`).join(',');
    throw new ApiError(
      'bad_request',
      `The id of a ${object} record has ${primaryKey.length} part(s) (${primaryKey.join(', ')}), written ${example} with each part URL-encoded; got ${parts.length}.`,
      'id',
    );
  }
  try {
    return parts.map((p) => decodeURIComponent(p));
  } catch {
    throw new ApiError('bad_request', `The id "${rawSegment}" is not valid URL encoding; encode each key part with encodeURIComponent.`, 'id');
  }
}

/** The last path segment exactly as sent (Hono's params are decoded, which would merge `%2C` into `,`). */
export function rawLastSegment(url: string): string {
  const pathname = new URL(url).pathname;
  return pathname.slice(pathname.lastIndexOf('/') + 1);
}
