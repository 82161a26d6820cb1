/**
 * The entries not yet handed to the writer, in order: the batch being filled (record.ts appends numbers
 * and values in the form batch-codec.mjs describes) and, ahead of it, batches put back after a failed
 * commit.
 */
import type { EncodedBatch } from './batch-codec.mjs';

/** Queued entries in order (batch-codec.mjs), and how many. */
export interface Batch extends EncodedBatch {
  readonly count: number;
}

/** Numbers batches across every queue of the process: ids are defined per batch (see record.ts). */
let generations = 0;
const EMPTY = new Float64Array(0);

export class RecordQueue {
  /** Which batch is being filled: an id defined under another generation must be defined again. */
  generation = ++generations;
  private nums = new Float64Array(4096);
  /** Numbers written to `nums` so far. */
  used = 0;
  private others: unknown[] = [];
  private open = 0;
  /** Batches put back, oldest first; all older than the one being filled. */
  private held: Batch[] = [];
  private heldCount = 0;

  /** Entries queued. */
  get size(): number {
    return this.open + this.heldCount;
  }

  /**
   * The numbers of the batch being filled, with room for `n` more from `used` on: write them in place, then
   * set `used` past them.
   */
  room(n: number): Float64Array {
    while (this.used + n > this.nums.length) this.grow();
    return this.nums;
  }

  other(x: unknown): void {
    this.others.push(x);
  }

  /** Counts the entry just appended. */
  added(): void {
    this.open++;
  }

  /** Everything queued, oldest first, as one batch; the queue is then empty. */
  take(): Batch {
    // A copy of just the used numbers, and the array is filled again. Posting a view to the writer thread
    // would copy its whole buffer (structured clone copies the ArrayBuffer, not the view): ~50 µs per batch
    // once a burst had grown it to 64k numbers, where this copy costs ~2 µs. (Transferring the buffer
    // instead would lose the batch this thread keeps until it is committed.)
    const own: Batch = { nums: this.nums.slice(0, this.used), others: this.others, count: this.open };
    const batch = this.held.length ? concat([...this.held, own]) : own;
    this.used = 0;
    this.others = [];
    this.open = 0;
    this.held = [];
    this.heldCount = 0;
    this.generation = ++generations;
    return batch;
  }

  /** Batches taken earlier that were not committed go back to the head, in their order. */
  putBack(batches: readonly Batch[]): void {
    if (batches.length === 0) return;
    this.held = batches.concat(this.held);
    for (const b of batches) this.heldCount += b.count;
  }

  private grow(): void {
    const bigger = new Float64Array(this.nums.length * 2);
    bigger.set(this.nums);
    this.nums = bigger;
  }
}

function concat(batches: readonly Batch[]): Batch {
  let n = 0;
  for (const b of batches) n += b.nums.length;
  const nums = n ? new Float64Array(n) : EMPTY;
  let at = 0;
  for (const b of batches) {
    nums.set(b.nums, at);
    at += b.nums.length;
  }
  return { nums, others: batches.flatMap((b) => b.others), count: batches.reduce((s, b) => s + b.count, 0) };
}
