/**
 * Evaluates workspace files (TypeScript, no build step) with jiti.
 *
 * The authoring specifiers `objectdesk`, `@objectstack/spec` and `@objectstack/spec/data` are served as
 * jiti *virtual modules* holding this process's own authoring module, rather than aliased to a path of
 * authoring.ts. That needs no path arithmetic, so it works the same from source (tsx, vitest) and from the
 * electron-vite bundle in out/main, and workspace files share our module instance: `DefinitionError`
 * identity, the collecting sink and the definition markers all work across the boundary.
 *
 * Transpiled files are kept in jiti's content-hashed filesystem cache, which is what makes loading fast
 * (see bench/workspace-load.bench.ts); the runtime module cache is off, so every load re-reads the file.
 */
import { createJiti, type Jiti } from 'jiti';
import { transformSync } from 'esbuild';
import * as authoring from './authoring';
import { DefinitionError } from './authoring';

export const AUTHORING_SPECIFIERS = ['objectdesk', '@objectstack/spec', '@objectstack/spec/data'] as const;

export interface ModuleLoaderOptions {
  /** Directory for jiti's transpile cache; `true` = jiti's default, `false` = off. */
  cacheDir?: string | boolean;
}

export type EvaluatedFile =
  | { ok: true; exports: Record<string, unknown>; definitionErrors: DefinitionError[] }
  | { ok: false; kind: 'syntax' | 'load'; line?: number; message: string; definitionErrors: DefinitionError[] };

export class ModuleLoader {
  private readonly jiti: Jiti;

  constructor(options: ModuleLoaderOptions = {}) {
    const virtualModules = Object.fromEntries(AUTHORING_SPECIFIERS.map((s) => [s, authoring]));
    this.jiti = createJiti(import.meta.url, {
      virtualModules,
      moduleCache: false,
      fsCache: options.cacheDir ?? true,
      interopDefault: false,
      // esbuild instead of jiti's babel: a cold load (every file transpiled) is several times faster, and
      // its syntax errors carry file:line:column.
      transform: (opts) => ({
        code: transformSync(opts.source, {
          loader: opts.ts === false ? 'js' : 'ts',
          format: 'cjs',
          target: 'node20',
          sourcefile: opts.filename,
          sourcemap: false,
          logLevel: 'silent',
        }).code,
      }),
    });
  }

  async evaluate(file: string): Promise<EvaluatedFile> {
    const definitionErrors: DefinitionError[] = [];
    try {
      const exports = await authoring.collectDefinitionErrors(definitionErrors, () => this.jiti.import<Record<string, unknown>>(file));
      return { ok: true, exports: exports ?? {}, definitionErrors };
    } catch (e) {
      // Outside collecting mode (e.g. a helper called at import time of a shared module) the helpers throw.
      if (e instanceof DefinitionError) return { ok: true, exports: {}, definitionErrors: [...definitionErrors, e] };
      return { ok: false, ...describeFailure(e, file), definitionErrors };
    }
  }
}

function describeFailure(e: unknown, file: string): { kind: 'syntax' | 'load'; line?: number; message: string } {
  const err = e instanceof Error ? e : new Error(String(e));
  const message = err.message ?? String(e);
  // esbuild's transform errors: { errors: [{ text, location: { line } }] }.
  const esbuildError = (err as { errors?: { text: string; location?: { line: number } | null }[] }).errors?.[0];
  if (esbuildError) {
    return { kind: 'syntax', line: esbuildError.location?.line, message: `syntax error: ${esbuildError.text} — fix the TypeScript at this line` };
  }
  // jiti reports parse errors as "ParseError: <reason>  \n <file>:<line>:<col>" (babel's message).
  if (/^(ParseError|SyntaxError)\b/.test(message) || err.name === 'SyntaxError') {
    const at = lineIn(message, file) ?? lineIn(err.stack ?? '', file);
    const reason = message.replace(/^(ParseError|SyntaxError):\s*/, '').split('\n')[0].replace(/\s*\(\d+:\d+\)\s*$/, '').trim();
    return { kind: 'syntax', line: at, message: `syntax error: ${reason} — fix the TypeScript at this line` };
  }
  const line = lineIn(err.stack ?? '', file);
  return { kind: 'load', line, message: `the file threw while loading: ${message.split('\n')[0]} — fix the code so the file can be imported` };
}

function lineIn(text: string, file: string): number | undefined {
  const i = text.indexOf(`${file}:`);
  if (i < 0) return undefined;
  const m = /^:(\d+)(?::\d+)?/.exec(text.slice(i + file.length));
  return m ? Number(m[1]) : undefined;
}
