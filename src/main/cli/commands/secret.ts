/**
 * `objectdesk secret set|delete|status <datasource>`: manages a datasource's password in the OS keychain.
 * `set` reads the value from piped stdin or a hidden prompt, never from an argument (arguments end up in
 * shell history and `ps`). Nothing here ever prints a value. Exit codes: 0 ok, 1 problem, 2 bad usage.
 */
import { SecretError, ACCOUNT_PATTERN, SECRET_SERVICE, defaultSecretStore, suggestedEnvVar, type SecretStore } from '../../secrets';

export interface SecretCommandOptions {
  action: 'set' | 'delete' | 'status';
  datasource: string;
  workspace: string;
}

export interface SecretCommandIO {
  stdin: NodeJS.ReadableStream;
  out: NodeJS.WritableStream;
  err: NodeJS.WritableStream;
  isTTY: boolean;
}

/** Only tests pass a store; the CLI always uses the OS keychain. */
export interface SecretCommandDeps {
  store?: SecretStore;
}

const MAX_SECRET_BYTES = 64 * 1024;

export async function runSecret(opts: SecretCommandOptions, io: SecretCommandIO, deps: SecretCommandDeps = {}): Promise<number> {
  const say = (line: string) => io.out.write(`${line}\n`);
  const complain = (line: string) => io.err.write(`${line}\n`);

  if (!['set', 'delete', 'status'].includes(opts.action)) {
    complain(`Unknown action "${String(opts.action)}". Use: objectdesk secret set|delete|status <datasource>`);
    return 2;
  }
  if (typeof opts.datasource !== 'string' || !ACCOUNT_PATTERN.test(opts.datasource)) {
    complain(
      `"${String(opts.datasource)}" is not a datasource name. Give the name of the datasource (lower snake_case, e.g. business_primary): objectdesk secret ${opts.action} <datasource>`,
    );
    return 2;
  }
  const name = opts.datasource;
  const store = deps.store ?? defaultSecretStore();

  try {
    switch (opts.action) {
      case 'status': {
        const availability = await store.available();
        if (!availability.ok) {
          complain(`${availability.reason}\n${availability.howToFix}`);
          return 1;
        }
        if (await store.has(name)) {
          say(`${name}: password present in the OS keychain (service "${SECRET_SERVICE}", account "${name}").`);
          return 0;
        }
        say(`${name}: no password in the OS keychain (service "${SECRET_SERVICE}", account "${name}").`);
        complain(`Store one with \`objectdesk secret set ${name}\`, or use \`password: process.env.${suggestedEnvVar(name)}\` in the datasource file.`);
        return 1;
      }
      case 'delete': {
        const removed = await store.delete(name);
        say(removed ? `${name}: password removed from the OS keychain.` : `${name}: there was no password in the OS keychain; nothing to remove.`);
        return 0;
      }
      case 'set': {
        const read = io.isTTY ? await promptHidden(io, `Password for datasource "${name}" (input hidden): `) : await readPiped(io.stdin);
        if (read.kind === 'cancelled') {
          complain('Cancelled; nothing was stored.');
          return 1;
        }
        if (read.kind === 'too-large') {
          complain(`The value is larger than ${MAX_SECRET_BYTES} bytes; that is not a password. Nothing was stored.`);
          return 2;
        }
        if (read.value.length === 0) {
          complain(
            io.isTTY
              ? 'Empty password; nothing was stored.'
              : `No value on stdin; nothing was stored. Pipe the password in (e.g. \`printf %s "$PW" | objectdesk secret set ${name}\`) or run it in a terminal to be prompted.`,
          );
          return 2;
        }
        const existed = await store.has(name);
        await store.set(name, read.value);
        say(`${name}: password ${existed ? 'replaced' : 'stored'} in the OS keychain (service "${SECRET_SERVICE}", account "${name}").`);
        return 0;
      }
    }
  } catch (e) {
    // Store errors never carry values; anything else is reported by its type only, in case it does.
    complain(e instanceof SecretError ? e.message : `Unexpected failure (${e instanceof Error ? e.name : typeof e}); nothing was changed.`);
    return 1;
  }
  return 2;
}

type ReadResult = { kind: 'value'; value: string } | { kind: 'cancelled' } | { kind: 'too-large' };

/** Reads everything piped in; one trailing newline (from `echo` or a heredoc) is not part of the password. */
async function readPiped(stdin: NodeJS.ReadableStream): Promise<ReadResult> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stdin) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk as Uint8Array);
    size += buf.length;
    if (size > MAX_SECRET_BYTES) return { kind: 'too-large' };
    chunks.push(buf);
  }
  return { kind: 'value', value: Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '') };
}

/** A no-echo prompt: the terminal is put in raw mode so typed characters are never displayed. */
function promptHidden(io: SecretCommandIO, prompt: string): Promise<ReadResult> {
  const stdin = io.stdin as NodeJS.ReadableStream & { setRawMode?: (raw: boolean) => unknown; isRaw?: boolean };
  io.err.write(prompt);
  return new Promise((resolve) => {
    let value = '';
    const wasRaw = stdin.isRaw ?? false;
    stdin.setRawMode?.(true);
    stdin.resume();
    const finish = (result: ReadResult) => {
      stdin.removeListener('data', onData);
      stdin.removeListener('end', onEnd);
      stdin.setRawMode?.(wasRaw);
      stdin.pause();
      io.err.write('\n');
      value = '';
      resolve(result);
    };
    const onEnd = () => finish({ kind: 'cancelled' });
    const onData = (chunk: Buffer | string) => {
      for (const ch of typeof chunk === 'string' ? chunk : chunk.toString('utf8')) {
        if (ch === '\r' || ch === '\n') return finish({ kind: 'value', value });
        if (ch === '\u0003' || ch === '\u0004') return finish({ kind: 'cancelled' }); // Ctrl-C, Ctrl-D
        if (ch === '\u007f' || ch === '\b') value = [...value].slice(0, -1).join('');
        else if (ch >= ' ') value += ch;
        if (Buffer.byteLength(value) > MAX_SECRET_BYTES) return finish({ kind: 'too-large' });
      }
    };
    stdin.on('data', onData);
    stdin.on('end', onEnd);
  });
}
