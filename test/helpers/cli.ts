/** Runs the CLI in-process and captures what it prints. */
import { PassThrough, Writable } from 'node:stream';
import { runCli } from '../../src/main/cli/program';

export async function cli(args: string[], stdin = ''): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const sink = (append: (s: string) => void) =>
    new Writable({
      write(chunk, _enc, cb) {
        append(String(chunk));
        cb();
      },
    });
  const input = new PassThrough();
  input.end(stdin);
  const code = await runCli(args, {
    out: sink((s) => (out += s)),
    err: sink((s) => (err += s)),
    stdin: input,
    isTTY: false,
  });
  return { code, out, err };
}
