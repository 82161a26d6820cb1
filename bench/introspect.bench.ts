/**
 * Introspection of a 1,000-table PostgreSQL schema (20 columns and 2 foreign keys per table) against
 * `pg_dump --schema-only` of the same database in the same run (goal: ratio < 1.0), plus the one-step
 * import's cost per table (draft + format + write). Both sides include connecting; medians of 3 runs
 * after one warm-up each. The temporary database is dropped at the end.
 *
 *   npx tsx bench/introspect.bench.ts      (or `npm run bench -- introspect`)
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { createDriver } from '../src/main/drivers';
import { planImport, writeImport } from '../src/main/introspect/import';
import { DatasourceSchema } from '../src/main/metadata/datasource';

const TABLES = 1000;
const COLUMNS = 20;
const RUNS = 3;
const PG = { host: process.env.PGHOST || '127.0.0.1', port: Number(process.env.PGPORT || 5432), user: process.env.PGUSER || 'postgres', ...(process.env.PGPASSWORD ? { password: process.env.PGPASSWORD } : {}) };

export interface BenchResult {
  name: string;
  tables: number;
  columnsPerTable: number;
  introspectMs: number;
  pgDumpMs: number;
  /** introspectMs / pgDumpMs: below 1.0 means faster than pg_dump. */
  ratio: number;
  importMsPerTable: number;
  catalogTables: number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function schemaSql(): string {
  const types = ['varchar(80)', 'integer', 'numeric(12,2)', 'timestamp', 'boolean', 'text', 'date', 'bigint', 'varchar(20)', 'jsonb'];
  const out: string[] = [];
  for (let i = 1; i <= TABLES; i++) {
    const cols = ['id integer primary key', 'ref_a integer', 'ref_b integer'];
    for (let c = cols.length; c < COLUMNS; c++) cols.push(`col_${c} ${types[c % types.length]}${c % 3 === 0 ? ' not null' : ''}`);
    out.push(`create table t${String(i).padStart(4, '0')} (${cols.join(', ')});`);
  }
  for (let i = 1; i <= TABLES; i++) {
    const t = `t${String(i).padStart(4, '0')}`;
    const a = `t${String(((i + TABLES - 2) % TABLES) + 1).padStart(4, '0')}`;
    const b = `t${String(((i + TABLES - 3) % TABLES) + 1).padStart(4, '0')}`;
    out.push(`alter table ${t} add foreign key (ref_a) references ${a} (id), add foreign key (ref_b) references ${b} (id);`);
  }
  return out.join('\n');
}

async function admin(sql: string): Promise<void> {
  const c = new pg.Client({ ...PG, database: 'postgres' });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

export async function run(): Promise<BenchResult> {
  const db = `od_bench_introspect_${process.pid}`;
  await admin(`drop database if exists "${db}" with (force)`);
  await admin(`create database "${db}"`);
  const out = mkdtempSync(path.join(os.tmpdir(), 'objectdesk-bench-import-'));
  try {
    execFileSync('psql', ['-h', PG.host, '-U', PG.user, '-d', db, '-q', '-X', '-v', 'ON_ERROR_STOP=1', '-f', '-'], { input: schemaSql(), maxBuffer: 1 << 26 });
    execFileSync('psql', ['-h', PG.host, '-U', PG.user, '-d', db, '-q', '-X', '-c', 'analyze']);
    const def = DatasourceSchema.parse({ name: 'bench', driver: 'postgres', config: { ...PG, database: db } });

    const introspectOnce = async () => {
      const t0 = performance.now();
      const d = createDriver(def, { workspaceRoot: '/', resolveSecret: async () => '' });
      const catalog = await d.introspect();
      await d.close();
      return { ms: performance.now() - t0, catalog };
    };
    const dumpOnce = () => {
      const t0 = performance.now();
      const r = spawnSync('pg_dump', ['-h', PG.host, '-U', PG.user, '--schema-only', '-d', db], { maxBuffer: 1 << 28, stdio: ['ignore', 'pipe', 'inherit'] });
      if (r.status !== 0) throw new Error(`pg_dump exited with ${r.status}`);
      return performance.now() - t0;
    };

    const first = await introspectOnce();
    dumpOnce();
    const ours: number[] = [];
    const theirs: number[] = [];
    // Interleaved so both sides see the same machine load.
    for (let i = 0; i < RUNS; i++) {
      ours.push((await introspectOnce()).ms);
      theirs.push(dumpOnce());
    }

    const t0 = performance.now();
    const plan = await planImport(first.catalog, { datasource: 'bench', all: true, outDir: out });
    await writeImport(plan);
    const importMs = performance.now() - t0;

    const introspectMs = median(ours);
    const pgDumpMs = median(theirs);
    return {
      name: 'introspect',
      tables: TABLES,
      columnsPerTable: COLUMNS,
      introspectMs,
      pgDumpMs,
      ratio: introspectMs / pgDumpMs,
      importMsPerTable: importMs / plan.files.length,
      catalogTables: first.catalog.tables.length,
    };
  } finally {
    rmSync(out, { recursive: true, force: true });
    await admin(`drop database if exists "${db}" with (force)`);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const r = await run();
  console.log(`introspection: PostgreSQL, ${r.tables} tables × ${r.columnsPerTable} columns, 2 foreign keys each (${r.catalogTables} read)`);
  console.log(`  ObjectDesk introspect (pg_catalog)  ${r.introspectMs.toFixed(0)} ms`);
  console.log(`  pg_dump --schema-only              ${r.pgDumpMs.toFixed(0)} ms`);
  console.log(`  ratio                              ${r.ratio.toFixed(2)}  (goal < 1.0)`);
  console.log(`  import (draft + format + write)    ${r.importMsPerTable.toFixed(2)} ms/table`);
  console.log(JSON.stringify(r));
}
