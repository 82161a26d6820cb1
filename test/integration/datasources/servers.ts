/**
 * The real servers for the datasource-manager tests, as scripts/ensure-services.sh exposes them (PGHOST/
 * PGUSER/PGPASSWORD, MYSQL_HOST/MYSQL_USER/MYSQL_PASSWORD; defaults: 127.0.0.1, postgres / root, empty
 * password), plus test-owned roles and databases with unique names that each test drops afterwards.
 */
import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';
import pg from 'pg';

export const PG_ADMIN = {
  host: process.env.PGHOST || '127.0.0.1',
  port: Number(process.env.PGPORT || 5432),
  user: process.env.PGUSER || 'postgres',
  password: process.env.PGPASSWORD || undefined,
};
export const MY_ADMIN = {
  host: process.env.MYSQL_HOST || '127.0.0.1',
  port: Number(process.env.MYSQL_PORT || 3306),
  user: process.env.MYSQL_USER || 'root',
  password: process.env.MYSQL_PASSWORD || undefined,
};

export const unique = (prefix: string) => `${prefix}_${randomBytes(5).toString('hex')}`;

export async function pgAdmin<T>(fn: (c: pg.Client) => Promise<T>, database = 'postgres'): Promise<T> {
  const c = new pg.Client({ ...PG_ADMIN, database, application_name: 'objectdesk-test-admin' });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** A database with one table `item(id, name)` and a login role with a SCRAM password that may read it. */
export async function createPgTenant(password: string) {
  const database = unique('od_dsm_pg');
  const role = unique('od_dsm_role');
  await pgAdmin(async (c) => {
    await c.query("SET password_encryption = 'scram-sha-256'");
    await c.query(`CREATE ROLE ${c.escapeIdentifier(role)} LOGIN PASSWORD ${c.escapeLiteral(password)}`);
    await c.query(`CREATE DATABASE ${c.escapeIdentifier(database)}`);
  });
  await pgAdmin(async (c) => {
    await c.query('CREATE TABLE item (id integer PRIMARY KEY, name text NOT NULL)');
    await c.query("INSERT INTO item VALUES (1, 'first'), (2, 'second'), (3, 'third')");
    await c.query(`GRANT SELECT ON item TO ${c.escapeIdentifier(role)}`);
  }, database);
  return {
    database,
    role,
    async setPassword(value: string) {
      await pgAdmin(async (c) => {
        await c.query("SET password_encryption = 'scram-sha-256'");
        await c.query(`ALTER ROLE ${c.escapeIdentifier(role)} PASSWORD ${c.escapeLiteral(value)}`);
      });
    },
    verifier: () => pgAdmin(async (c) => (await c.query<{ v: string }>('SELECT rolpassword AS v FROM pg_authid WHERE rolname = $1', [role])).rows[0].v),
    /** Who the sessions of an application_name are logged in as. */
    sessionUsers: (applicationName: string) =>
      pgAdmin(async (c) => (await c.query<{ u: string }>('SELECT DISTINCT usename AS u FROM pg_stat_activity WHERE application_name = $1', [applicationName])).rows.map((r) => r.u)),
    async drop() {
      await pgAdmin(async (c) => {
        await c.query(`DROP DATABASE IF EXISTS ${c.escapeIdentifier(database)} WITH (FORCE)`);
        await c.query(`DROP ROLE IF EXISTS ${c.escapeIdentifier(role)}`);
      });
    },
  };
}

/**
 * Recomputes a SCRAM-SHA-256 verifier (RFC 5802/7677) from `password` with the stored salt and iteration
 * count. The test server trusts every 127.0.0.1 login, so a connection proves nothing about the password;
 * the role's stored verifier does.
 */
export function scramMatches(verifier: string, password: string): boolean {
  const m = /^SCRAM-SHA-256\$(\d+):([^$]+)\$([^:]+):(.+)$/.exec(verifier);
  if (!m) throw new Error(`not a SCRAM-SHA-256 verifier: ${verifier.slice(0, 14)}…`);
  const [, iterations, salt, storedKey, serverKey] = m;
  const salted = pbkdf2Sync(password.normalize('NFKC'), Buffer.from(salt, 'base64'), Number(iterations), 32, 'sha256');
  const clientKey = createHmac('sha256', salted).update('Client Key').digest();
  return createHash('sha256').update(clientKey).digest('base64') === storedKey && createHmac('sha256', salted).update('Server Key').digest('base64') === serverKey;
}

/** A MariaDB database with `item(id, name)` and a user that needs its password (MariaDB checks it). */
export async function createMysqlTenant(password: string) {
  const database = unique('od_dsm_my');
  const user = unique('od_dsm_u');
  const admin = await mysql.createConnection({ ...MY_ADMIN, multipleStatements: false });
  try {
    await admin.query(`CREATE DATABASE \`${database}\``);
    await admin.query(`CREATE TABLE \`${database}\`.item (id int PRIMARY KEY, name varchar(50) NOT NULL)`);
    await admin.query(`INSERT INTO \`${database}\`.item VALUES (1, 'first'), (2, 'second')`);
    await admin.query(`CREATE USER ?@'127.0.0.1' IDENTIFIED BY ?`, [user, password]);
    await admin.query(`CREATE USER ?@'localhost' IDENTIFIED BY ?`, [user, password]);
    await admin.query(`GRANT SELECT ON \`${database}\`.* TO ?@'127.0.0.1'`, [user]);
    await admin.query(`GRANT SELECT ON \`${database}\`.* TO ?@'localhost'`, [user]);
  } finally {
    await admin.end();
  }
  return {
    database,
    user,
    async drop() {
      const c = await mysql.createConnection({ ...MY_ADMIN });
      try {
        await c.query(`DROP DATABASE IF EXISTS \`${database}\``);
        await c.query(`DROP USER IF EXISTS ?@'127.0.0.1'`, [user]);
        await c.query(`DROP USER IF EXISTS ?@'localhost'`, [user]);
      } finally {
        await c.end();
      }
    },
  };
}

/** An object file reading `item` through the given datasource. */
export function itemObjectSource(objectName: string, datasource: string): string {
  return (
    "import { ObjectSchema, Field } from 'objectdesk';\n" +
    `export default ObjectSchema.create({ name: '${objectName}', datasource: '${datasource}', external: { table: 'item' }, ` +
    "primaryKey: 'id', fields: { id: Field.number(), name: Field.text() } });\n"
  );
}
