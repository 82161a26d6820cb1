/**
 * The `objectdesk` command line: global options, the command table and exit codes
 * (0 ok, 1 a problem found, 2 bad usage). Each command lives in commands/<name>.ts and talks to the
 * engine only through the API or the engine's public modules.
 */
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { appVersion } from '../app/version';
import { ApiError } from '../../shared/api/errors';
import { CliProblem, type GlobalOptions } from './global-options';
import { println, type CliIO } from './io';
import { runInfo } from './commands/info';
import { runServe } from './commands/serve';
import { runValidate } from './commands/validate';
import { runSecret } from './commands/secret';
import { defaultDataDir, defaultWorkspaceDir } from '../app/paths';
import { runQuery } from './commands/query';
import { runIntrospect } from './commands/introspect';
import { runImport } from './commands/import';
import { runDiff } from './commands/diff';
import { runAudit } from './commands/audit';
import { runChat } from './commands/chat';
import { runMcp } from './commands/mcp';
import { runServeApi, runToken } from './commands/token';
import { runFlow } from './commands/flow';

const USAGE_ERRORS = new Set([
  'commander.unknownOption',
  'commander.unknownCommand',
  'commander.excessArguments',
  'commander.missingArgument',
  'commander.optionMissingArgument',
  'commander.missingMandatoryOptionValue',
  'commander.invalidArgument',
  'commander.conflictingOption',
]);

function parsePort(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('a port is a whole number from 0 to 65535 (0 picks a free one).');
  return n;
}

export function buildProgram(io: CliIO, setExit: (code: number) => void): Command {
  const program = new Command('objectdesk');
  const globals = (cmd: Command) => cmd.optsWithGlobals() as GlobalOptions & Record<string, unknown>;
  const run = (fn: (cmd: Command) => Promise<number>) => async (...args: unknown[]) => setExit(await fn(args[args.length - 1] as Command));

  program
    .description('ObjectDesk — governed, local AI on the business database you already run.')
    .version(appVersion(), '-V, --version')
    .option('-w, --workspace <dir>', 'workspace folder (default: ./objects, the bundled demo)')
    .option('-u, --user <name>', 'sign in as this workspace user')
    .option('--data-dir <dir>', 'app data folder for settings and the audit log (or OBJECTDESK_DATA_DIR)')
    .option('--json', 'machine-readable output')
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out.write(s), writeErr: (s) => io.err.write(s) });

  program
    .command('serve')
    .description('browser mode: serve the app and its API on 127.0.0.1 and print the URL to open')
    .option('-p, --port <port>', 'port to listen on (default: a free one)', parsePort)
    .addOption(new Option('--why <text>', 'a line explaining why browser mode was chosen (used by scripts/demo.sh)').hideHelp())
    .option('--api', 'also serve the REST and GraphQL API (personal access tokens; 127.0.0.1 unless --listen)')
    .option('--listen <host:port>', 'with --api: where the API listens; a non-loopback address exposes your data (a warning is printed)')
    .action(run((cmd) => {
      const o = globals(cmd);
      if (o.listen && !o.api) {
        io.err.write('objectdesk: --listen is for the REST/GraphQL API; add --api.\n');
        return Promise.resolve(2);
      }
      if (o.api) return runServeApi({ ...o, listen: o.listen as string | undefined, uiPort: o.port as number | undefined, withUi: true }, io);
      return runServe(o, io);
    }));

  program
    .command('info')
    .description('print version, workspace, signed-in user and whether the workspace has problems')
    .action(run((cmd) => runInfo(globals(cmd), io)));

  program
    .command('validate')
    .description('load the workspace and print every problem with file, object, key and how to fix it (exit 1 if any)')
    .option('--routing', 'also print which datasource each object reads from, and why')
    .action(run(async (cmd) => {
      const o = globals(cmd);
      return runValidate({ workspace: o.workspace ?? defaultWorkspaceDir(), json: Boolean(o.json), routing: Boolean(o.routing) }, io.out);
    }));

  program
    .command('explain-routing')
    .description('print, for every object, which datasource mapping rule matched and why')
    .action(run(async (cmd) => {
      const o = globals(cmd);
      return runValidate({ workspace: o.workspace ?? defaultWorkspaceDir(), json: Boolean(o.json), routing: true }, io.out);
    }));

  program
    .command('secret')
    .description('manage a datasource password in the OS keychain (the value is read from stdin or a hidden prompt)')
    .argument('<action>', 'set | delete | status')
    .argument('<datasource>', 'the datasource name (the keychain account)')
    .action(run(async (cmd) => {
      const [action, datasource] = cmd.args as [string, string];
      if (!['set', 'delete', 'status'].includes(action)) {
        io.err.write(`objectdesk: unknown secret action "${action}"; use set, delete or status.\n`);
        return 2;
      }
      const o = globals(cmd);
      return runSecret({ action: action as 'set', datasource, workspace: o.workspace ?? defaultWorkspaceDir() }, io);
    }));

  const ws = (o: GlobalOptions) => o.workspace ?? defaultWorkspaceDir();
  const dataDir = (o: GlobalOptions) => o.dataDir ?? defaultDataDir();

  program
    .command('query')
    .description('run one ObjectQL query (JSON) as the signed-in user; Ctrl-C cancels it in the database')
    .argument('<json>', 'the query, e.g. \'{"object":"customer","where":{"country":"Brazil"},"limit":5}\'')
    .option('--explain', 'print the plan (SQL or pipeline with parameters, where each step runs) without running it')
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json', 'csv']).default('table'))
    .action(run(async (cmd) => {
      const o = globals(cmd);
      const format = (o.json ? 'json' : o.format) as 'table' | 'json' | 'csv';
      return runQuery({ workspace: ws(o), json: String(cmd.args[0]), explain: Boolean(o.explain), format, user: o.user, dataDir: o.dataDir }, io);
    }));

  program
    .command('introspect')
    .description("read a datasource's live schema: tables, views, columns, keys, enums, comments, row counts")
    .argument('<datasource>', 'a datasource declared in the workspace')
    .action(run(async (cmd) => {
      const o = globals(cmd);
      return runIntrospect({ workspace: ws(o), datasource: String(cmd.args[0]), json: Boolean(o.json) }, io);
    }));

  program
    .command('import')
    .description('draft one *.object.ts per table (merging into files that exist) and show the diff before writing')
    .argument('<datasource>', 'a datasource declared in the workspace')
    .option('--tables <names>', 'comma-separated table names', (v: string) => v.split(',').map((t) => t.trim()).filter(Boolean))
    .option('--all', 'every table and view')
    .option('--namespace <ns>', 'prefix for the object names, e.g. biz → biz_customer')
    .option('--dry-run', 'show what would change, write nothing')
    .action(run(async (cmd) => {
      const o = globals(cmd);
      return runImport(
        { workspace: ws(o), datasource: String(cmd.args[0]), tables: o.tables as string[] | undefined, all: Boolean(o.all), namespace: o.namespace as string | undefined, dryRun: Boolean(o.dryRun) },
        io,
      );
    }));

  program
    .command('diff')
    .description("compare the workspace's objects with the live schema (exit 1 on drift)")
    .argument('[datasource]', 'only this datasource')
    .action(run(async (cmd) => {
      const o = globals(cmd);
      return runDiff({ workspace: ws(o), datasource: cmd.args[0] as string | undefined, json: Boolean(o.json) }, io);
    }));

  program
    .command('audit')
    .description('the audit log: list entries (--user, --object, --since), verify the hash chain (exit 1 on tampering), export CSV')
    .argument('<action>', 'list | verify | export')
    // `--user NAME` (the global option) filters here: reading the log signs nobody in.
    .option('--object <name>', 'only entries about this object')
    .option('--since <date>', 'only entries at or after this date/time (ISO 8601)')
    .option('-o, --out <file>', 'export: the CSV file to write (default: standard output)')
    .action(run(async (cmd) => {
      const action = String(cmd.args[0]);
      if (!['list', 'verify', 'export'].includes(action)) {
        io.err.write(`objectdesk: unknown audit action "${action}"; use list, verify or export.\n`);
        return 2;
      }
      const o = globals(cmd);
      return runAudit(
        {
          action: action as 'list',
          dataDir: dataDir(o),
          user: o.user,
          object: o.object as string | undefined,
          since: o.since as string | undefined,
          json: Boolean(o.json),
          out: o.out as string | undefined,
        },
        io,
      );
    }));

  program
    .command('token')
    .description('personal access tokens for the REST/GraphQL API, acting as --user (create shows the token once)')
    .argument('<action>', 'create | list | revoke')
    .argument('[id]', 'revoke: the token id')
    .option('--name <text>', 'create: where the token is used')
    .option('--expires-in-days <n>', 'create: expiry', (v: string) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1 || n > 3650) throw new InvalidArgumentError('a whole number of days from 1 to 3650.');
      return n;
    })
    .option('--for <user>', 'create (admins): the user the token acts as')
    .option('--all', "list (admins): everyone's tokens")
    .action(run(async (cmd) => {
      const [action, id] = cmd.args as [string, string | undefined];
      if (!['create', 'list', 'revoke'].includes(action)) {
        io.err.write(`objectdesk: unknown token action "${action}"; use create, list or revoke.\n`);
        return 2;
      }
      const o = globals(cmd);
      return runToken(
        { ...o, action: action as 'create', id, name: o.name as string | undefined, for: o.for as string | undefined, expiresInDays: o.expiresInDays as number | undefined, all: Boolean(o.all) },
        io,
      );
    }));

  program
    .command('flow')
    .description('automations: list flows, run one (as its owner; --dry-run shows what would change), approve or reject a paused run')
    .argument('<action>', 'list | run | approve | reject')
    .argument('[target]', 'run: the flow name; approve/reject: the run id')
    .option('--dry-run', 'run: show exactly which records would change and how, change nothing')
    .action(run(async (cmd) => {
      const [action, target] = cmd.args as [string, string | undefined];
      if (!['list', 'run', 'approve', 'reject'].includes(action)) {
        io.err.write(`objectdesk: unknown flow action "${action}"; use list, run, approve or reject.\n`);
        return 2;
      }
      const o = globals(cmd);
      return runFlow({ ...o, action: action as 'list', target, dryRun: Boolean(o.dryRun) }, io);
    }));

  program
    .command('chat')
    .description('ask the local model a question about the data; it answers with the queries it ran (as the signed-in user)')
    .argument('<question...>', 'the question')
    .option('--conversation <id>', 'continue an earlier conversation')
    .option('--model <name>', 'the Ollama model (default: the one in Settings)')
    .option('--no-sql', 'do not print the SQL of the queries the answer used')
    .action(run(async (cmd) => {
      const o = globals(cmd);
      const abort = new AbortController();
      const onSigint = () => abort.abort();
      process.once('SIGINT', onSigint);
      try {
        return await runChat(
          { ...o, question: (cmd.args as string[]).join(' '), conversation: o.conversation as string | undefined, model: o.model as string | undefined, sql: o.sql !== false },
          io,
          abort.signal,
        );
      } finally {
        process.removeListener('SIGINT', onSigint);
      }
    }));

  program
    .command('mcp')
    .description('serve the data tools to a coding agent over MCP (stdio), as --user')
    .option('--privacy', 'send schema and result shapes, never row values')
    .action(run(async (cmd) => runMcp({ ...globals(cmd), privacy: Boolean(globals(cmd).privacy) }, io)));

  return program;
}

/** Runs the CLI and returns its exit code; never calls process.exit itself (tests call this in-process). */
export async function runCli(argv: string[], io: CliIO): Promise<number> {
  let code = 0;
  const program = buildProgram(io, (c) => (code = c));
  program.commands.forEach((c) => c.exitOverride().configureOutput({ writeOut: (s) => io.out.write(s), writeErr: (s) => io.err.write(s) }).showHelpAfterError());
  if (argv.length === 0) {
    program.outputHelp({ error: true });
    return 2;
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
    return code;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return 0;
      if (USAGE_ERRORS.has(e.code)) return 2;
      return e.exitCode || 2;
    }
    if (e instanceof CliProblem) {
      println(io.err, `objectdesk: ${e.message}`);
      return e.exitCode;
    }
    if (e instanceof ApiError) {
      println(io.err, `objectdesk: ${e.message}`);
      return e.code === 'bad_request' ? 2 : 1;
    }
    println(io.err, `objectdesk: unexpected error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    return 1;
  }
}
