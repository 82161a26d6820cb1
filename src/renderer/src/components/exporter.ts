/**
 * Runs `data.export` (or `audit.export`) and hands the file to the browser as a download: chunks are
 * collected as Blob parts (never one big string), progress is reported, and cancel stops the stream —
 * which cancels the database read in the main process.
 */
import type { Bridge, StreamHandle } from '../../../shared/api/bridge';
import type { InputOf } from '../../../shared/api/contract';

export interface ExportProgress {
  rows: number;
  bytes: number;
  filename: string | null;
}

export interface RunningExport {
  handle: StreamHandle;
  /** Resolves with the file name once the download was handed to the browser. */
  done: Promise<{ filename: string; rows: number; bytes: number }>;
}

function base64ToBytes(b64: string): Uint8Array<ArrayBuffer> {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

export function startExport(
  bridge: Bridge,
  op: 'data.export' | 'audit.export',
  input: InputOf<'data.export'> | InputOf<'audit.export'>,
  onProgress: (p: ExportProgress) => void,
  reason = 'export',
): RunningExport {
  const parts: BlobPart[] = [];
  let filename = 'export';
  let mime = 'application/octet-stream';
  let rows = 0;
  let bytes = 0;
  const handle = bridge.stream(
    op as 'data.export',
    input as InputOf<'data.export'>,
    (e) => {
      if (e.kind === 'start') {
        filename = e.filename;
        mime = e.mime;
      } else if (e.kind === 'chunk') {
        const part = e.encoding === 'base64' ? base64ToBytes(e.data) : e.data;
        parts.push(part);
        bytes += typeof part === 'string' ? new TextEncoder().encode(part).length : part.length;
      } else if (e.kind === 'progress' || e.kind === 'done') {
        rows = e.rows;
      }
      onProgress({ rows, bytes, filename });
    },
    reason,
  );
  let cancelled = false;
  const done = handle.done.then(() => {
    // A cancelled stream ends quietly: never hand a partial file to the user.
    if (cancelled) throw new ExportCancelled();
    const blob = new Blob(parts, { type: mime });
    const url = URL.createObjectURL(blob);
    const a = document.createElement('a');
    a.href = url;
    a.download = filename;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
    return { filename, rows, bytes: blob.size };
  });
  return {
    handle: {
      cancel: () => {
        cancelled = true;
        handle.cancel();
      },
      done: handle.done,
    },
    done,
  };
}

export class ExportCancelled extends Error {
  constructor() {
    super('Export cancelled.');
  }
}
