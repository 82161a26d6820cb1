/** Literal secrets are found in source text; references to the keychain or the environment are not. */
import { describe, expect, it } from 'vitest';
import { findLiteralPasswords, hasUrlCredentials } from '../../../src/main/metadata/source-scan';

describe('findLiteralPasswords', () => {
  it.each([
    [`password: 'hunter2'`, 1],
    [`password: "hunter2"`, 1],
    ['password: `hunter2`', 1],
    [`'password': 'x'`, 1],
    [`{ pwd: 'x', user: 'u' }`, 1],
    [`password: process.env.PG_PASSWORD ?? 'postgres'`, 1],
    [`password: secret('pg')`, 0],
    [`password: process.env.PG_PASSWORD`, 0],
    ['password: `${process.env.PG_PASSWORD}`', 0],
    [`password: ''`, 0],
    [`// password: 'old'\npassword: secret('pg')`, 0],
    [`/* password: 'old' */ user: 'x'`, 0],
    [`passwordHint: 'the usual'`, 0],
  ])('%s → %i', (source, count) => {
    expect(findLiteralPasswords(source)).toHaveLength(count);
  });

  it('reports the line of the key', () => {
    expect(findLiteralPasswords(`export default {\n  config: {\n    password: 'x',\n  },\n};`)).toEqual([{ line: 3, key: 'password' }]);
  });
});

describe('hasUrlCredentials', () => {
  it.each([
    ['mongodb://app:secret@db:27017/x', true],
    ['mongodb+srv://app:@cluster.example.net', true],
    ['postgres://u:p@localhost/db', true],
    ['mongodb://db:27017/x', false],
    ['mongodb://app@db:27017/x', false],
    ['mongodb://db:27017/x?authSource=admin', false],
  ])('%s → %s', (url, expected) => {
    expect(hasUrlCredentials(url)).toBe(expected);
  });
});
