/**
 * The records not yet handed to the writer, in order: the batch being filled, as pieces of text
 * (record.ts writes each record into `pieces`), and, ahead of it, batches put back after a failed commit.
 * `take()` joins everything into one batch — the only copy of a record's text on the calling thread.
 */

/** Records in order, each ending with '\n', and how many. */
export interface Batch {
  readonly text: string;
  readonly count: number;
}

export class RecordQueue {
  /** The batch being filled; record.ts appends a record's pieces, then `added()` counts it. */
  pieces: string[] = [];
  private open = 0;
  /** Batches put back, oldest first; all older than `pieces`. */
  private held: Batch[] = [];
  private heldCount = 0;

  /** Records queued. */
  get size(): number {
    return this.open + this.heldCount;
  }

  added(): void {
    this.open++;
  }

  /** Everything queued, oldest first, as one batch; the queue is then empty. */
  take(): Batch {
    let text = this.pieces.join('');
    if (this.held.length) text = this.held.map((b) => b.text).join('') + text;
    const batch = { text, count: this.size };
    this.pieces = [];
    this.open = 0;
    this.held = [];
    this.heldCount = 0;
    return batch;
  }

  /** Batches taken earlier that were not committed go back to the head, in their order. */
  putBack(batches: readonly Batch[]): void {
    if (batches.length === 0) return;
    this.held = batches.concat(this.held);
    for (const b of batches) this.heldCount += b.count;
  }
}
