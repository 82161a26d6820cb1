/**
 * Workspace load time: a generated workspace of 1,000 objects × 20 fields, loaded cold (every file
 * transpiled) and warm (jiti's content-hashed transpile cache filled, as on every start after the first),
 * plus a one-file hot reload. Baselines measured in the same run: native `import()` of the same
 * definitions as JSON files, and validating them in memory (the zod cost every approach pays).
 *
 *   npx tsx bench/workspace-load.bench.ts      (or `npm run bench -- workspace-load`)
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ObjectSchema } from '../src/main/metadata/authoring';
import { WorkspaceLoader } from '../src/main/metadata/loader';
import type { ObjectInput } from '../src/main/metadata/object';

export interface BenchResult {
  name: string;
  objects: number;
  fieldsPerObject: number;
  /** Milliseconds per object, medians of the repeated runs. */
  msPerObject: {
    coldLoad: number;
    warmLoad: number;
    jsonImportBaseline: number;
    validateOnlyBaseline: number;
  };
  /** One changed file re-read and the workspace re-assembled, in ms. */
  hotReloadMs: number;
  /** warmLoad / jsonImportBaseline. */
  warmVsJson: number;
  coldVsJson: number;
}

const OBJECTS = 1000;
const FIELDS = 20;
const FIELD_KINDS = [
  (i: number) => `Field.text({ label: 'Text ${i}', maxLength: 120, column: 'Text${i}' })`,
  (i: number) => `Field.number({ label: 'Number ${i}', precision: 12, scale: 2 })`,
  (i: number) => `Field.currency({ label: 'Amount ${i}', precision: 10, scale: 2, currency: 'USD' })`,
  (i: number) => `Field.datetime({ label: 'When ${i}' })`,
  (i: number) => `Field.select({ label: 'Stage ${i}', options: ['new', 'open', { label: 'Closed', value: 'closed', color: '#888' }] })`,
  (i: number) => `Field.boolean({ label: 'Flag ${i}' })`,
  (i: number) => `Field.email({ label: 'Email ${i}' })`,
];

/** The same definition as a plain value, for the JSON baseline. */
function objectInput(n: number): ObjectInput {
  const fields: Record<string, unknown> = { id: { type: 'number', label: 'ID', required: true } };
  if (n > 0) fields.parent_id = { type: 'lookup', label: 'Parent', reference_to: `gen_obj_${n - 1}` };
  for (let i = Object.keys(fields).length; i < FIELDS; i++) {
    const src = FIELD_KINDS[i % FIELD_KINDS.length](i);
    const type = /^Field\.(\w+)/.exec(src)![1];
    const options = Function(`return (${src.replace(/^Field\.\w+\(/, '').replace(/\)$/, '')})`)() as Record<string, unknown>;
    fields[`f_${i}`] = { type, ...options };
  }
  return { name: `gen_obj_${n}`, label: `Object ${n}`, namespace: 'gen', primaryKey: 'id', titleField: 'f_2', fields } as ObjectInput;
}

function objectSource(n: number): string {
  const lines = [`    id: Field.number({ label: 'ID', required: true }),`];
  if (n > 0) lines.push(`    parent_id: Field.lookup('gen_obj_${n - 1}', { label: 'Parent' }),`);
  for (let i = lines.length; i < FIELDS; i++) lines.push(`    f_${i}: ${FIELD_KINDS[i % FIELD_KINDS.length](i)},`);
  return `import { ObjectSchema, Field } from '@objectstack/spec/data';

export const Object${n} = ObjectSchema.create({
  name: 'gen_obj_${n}',
  label: 'Object ${n}',
  namespace: 'gen',
  primaryKey: 'id',
  titleField: 'f_2',
  fields: {
${lines.join('\n')}
  },
});
`;
}

function generate(dir: string): void {
  writeFileSync(
    path.join(dir, 'objectdesk.config.ts'),
    `import { defineWorkspace } from 'objectdesk';
export default defineWorkspace({
  name: 'Generated',
  datasources: [{ name: 'main', driver: 'sqlite', config: { filename: 'main.sqlite' } }],
  datasourceMapping: [{ namespace: 'gen', datasource: 'main' }, { default: true, datasource: 'main' }],
});
`,
  );
  for (let n = 0; n < OBJECTS; n++) {
    const pkg = path.join(dir, `pkg_${n % 10}`);
    mkdirSync(pkg, { recursive: true });
    writeFileSync(path.join(pkg, `gen_obj_${n}.object.ts`), objectSource(n));
    mkdirSync(path.join(dir, '..', 'json'), { recursive: true });
    writeFileSync(path.join(dir, '..', 'json', `gen_obj_${n}.json`), JSON.stringify(objectInput(n)));
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function time(fn: () => Promise<unknown> | unknown): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

export async function run(): Promise<BenchResult> {
  const base = mkdtempSync(path.join(os.tmpdir(), 'objectdesk-bench-'));
  const root = path.join(base, 'workspace');
  mkdirSync(root);
  try {
    generate(root);
    const jsonDir = path.join(base, 'json');

    // Baseline 1: native import() of the same definitions as JSON (a fresh URL each round defeats the module cache).
    const jsonRuns: number[] = [];
    for (let round = 0; round < 3; round++) {
      jsonRuns.push(
        await time(async () => {
          for (let n = 0; n < OBJECTS; n++) {
            await import(`${pathToFileURL(path.join(jsonDir, `gen_obj_${n}.json`)).href}?r=${round}`, { with: { type: 'json' } });
          }
        }),
      );
    }
    // Baseline 2: validation alone, in memory.
    const inputs = Array.from({ length: OBJECTS }, (_, n) => objectInput(n));
    const validateRuns: number[] = [];
    for (let round = 0; round < 3; round++) validateRuns.push(await time(() => inputs.forEach((i) => ObjectSchema.create(i))));

    const cacheDir = path.join(base, 'jiti-cache');
    const check = (r: Awaited<ReturnType<WorkspaceLoader['load']>>) => {
      if (r.problems.length || r.workspace?.objects.size !== OBJECTS) {
        throw new Error(`generated workspace did not load cleanly: ${r.problems.length} problems, e.g. ${r.problems[0]?.message}`);
      }
    };
    // Cold: empty transpile cache (a workspace opened for the first time, or every file edited).
    let loaded!: Awaited<ReturnType<WorkspaceLoader['load']>>;
    const cold = await time(async () => (loaded = await new WorkspaceLoader(root, { cacheDir }).load()));
    check(loaded);
    // Warm: a new loader (nothing in memory), transpiled files on disk.
    const warmRuns: number[] = [];
    let loader!: WorkspaceLoader;
    for (let round = 0; round < 3; round++) {
      loader = new WorkspaceLoader(root, { cacheDir });
      warmRuns.push(await time(async () => (loaded = await loader.load())));
      check(loaded);
    }
    // Hot reload: one file edited (new content, so it is transpiled again), the rest served from memory.
    const edited = path.join(root, 'pkg_7', 'gen_obj_517.object.ts');
    writeFileSync(edited, objectSource(517).replace("label: 'Object 517'", "label: 'Object 517 (edited)'"));
    const hot = await time(async () => (loaded = await loader.reload([edited])));
    check(loaded);
    if (loaded.read.length !== 1) throw new Error(`hot reload re-read ${loaded.read.length} files, expected 1`);

    const per = (ms: number) => ms / OBJECTS;
    const msPerObject = {
      coldLoad: per(cold),
      warmLoad: per(median(warmRuns)),
      jsonImportBaseline: per(median(jsonRuns)),
      validateOnlyBaseline: per(median(validateRuns)),
    };
    return {
      name: 'workspace-load',
      objects: OBJECTS,
      fieldsPerObject: FIELDS,
      msPerObject,
      hotReloadMs: hot,
      warmVsJson: msPerObject.warmLoad / msPerObject.jsonImportBaseline,
      coldVsJson: msPerObject.coldLoad / msPerObject.jsonImportBaseline,
    };
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const r = await run();
  const f = (x: number) => x.toFixed(3);
  console.log(`workspace load: ${r.objects} objects × ${r.fieldsPerObject} fields`);
  console.log(`  warm load (transpile cache filled)  ${f(r.msPerObject.warmLoad)} ms/object   ${r.warmVsJson.toFixed(2)}× JSON import`);
  console.log(`  cold load (every file transpiled)   ${f(r.msPerObject.coldLoad)} ms/object   ${r.coldVsJson.toFixed(2)}× JSON import`);
  console.log(`  baseline: import() of JSON          ${f(r.msPerObject.jsonImportBaseline)} ms/object`);
  console.log(`  baseline: validate in memory (zod)  ${f(r.msPerObject.validateOnlyBaseline)} ms/object`);
  console.log(`  hot reload of one file              ${r.hotReloadMs.toFixed(1)} ms`);
  console.log(JSON.stringify(r));
}
