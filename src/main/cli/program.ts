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
import { defaultWorkspaceDir } from '../app/paths';

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
    .action(run((cmd) => runServe(globals(cmd), io)));

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
