/** The streams a CLI command talks to; injected so tests run commands in-process. */
export interface CliIO {
  out: NodeJS.WritableStream;
  err: NodeJS.WritableStream;
  stdin: NodeJS.ReadableStream;
  isTTY: boolean;
}

export const processIO = (): CliIO => ({
  out: process.stdout,
  err: process.stderr,
  stdin: process.stdin,
  isTTY: Boolean(process.stdin.isTTY),
});

export function println(stream: NodeJS.WritableStream, text = ''): void {
  stream.write(`${text}\n`);
}
