import { describe, expect, it } from 'vitest';
import { classifyPgError } from '../../../src/main/drivers/postgres/errors';
import { classifyMysqlError } from '../../../src/main/drivers/mysql/errors';
import { connectionMessage, scrub } from '../../../src/main/drivers/errors';

describe('connection error classification', () => {
  it.each([
    [{ code: '28P01', message: 'password authentication failed for user "x"' }, 'auth_failed'],
    [{ code: '3D000', message: 'database "x" does not exist' }, 'database_missing'],
    [{ code: 'ENOTFOUND', message: 'getaddrinfo ENOTFOUND nowhere.invalid' }, 'unknown_host'],
    [{ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:1' }, 'refused'],
    [{ message: 'The server does not support SSL connections' }, 'tls_required'],
    [{ code: '28000', message: 'no pg_hba.conf entry for host "1.2.3.4", user "u", database "d", no encryption' }, 'tls_required'],
    [{ message: 'timeout expired' }, 'timeout'],
  ])('postgres %j → %s', (err, code) => expect(classifyPgError(err)).toBe(code));

  it.each([
    [{ code: 'ER_ACCESS_DENIED_ERROR', errno: 1045 }, 'auth_failed'],
    [{ code: 'ER_BAD_DB_ERROR', errno: 1049 }, 'database_missing'],
    [{ code: 'HANDSHAKE_NO_SSL_SUPPORT' }, 'tls_required'],
    [{ code: 'ETIMEDOUT' }, 'timeout'],
    [{ code: 'ECONNREFUSED' }, 'refused'],
  ])('mysql %j → %s', (err, code) => expect(classifyMysqlError(err)).toBe(code));

  it('messages say what to check and never include a password', () => {
    const t = { datasource: 'sales', driver: 'postgres', host: 'db.local', port: 5432, database: 'crm', user: 'ana' };
    expect(connectionMessage('auth_failed', t)).toMatch(/user "ana".*check the user name and the password/);
    expect(connectionMessage('refused', t)).toMatch(/db\.local:5432/);
    expect(scrub('bad password s3cr3t! for s3cr3t!', ['s3cr3t!'])).toBe('bad password *** for ***');
  });
});
