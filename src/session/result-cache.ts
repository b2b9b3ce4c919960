// Redshift's result cache: a query run again by the same user over data that has not changed is
// answered with the rows of the earlier run, without running it. The key is the query's DuckDB
// SQL (which names every data file and inlined row it reads, so any commit to those tables
// changes it), the parameter values, the user, the result formats and the settings the wire
// encoding depends on. Results are kept as the encoded DataRow messages, shared by all sessions.
import type { FieldDescription } from './wire.js';

export interface CachedResult {
  fields: FieldDescription[];
  /** DataRow messages, as sent. */
  chunks: Uint8Array[];
  rows: number;
  bytes: number;
}

/** Redshift keeps large results out of the cache too; these bounds are ours. */
const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;
const DEFAULT_MAX_ENTRY_BYTES = 4 * 1024 * 1024;

export class ResultCache {
  private readonly entries = new Map<string, CachedResult>();
  private bytes = 0;
  hits = 0;
  misses = 0;

  constructor(
    private readonly maxBytes = DEFAULT_MAX_BYTES,
    readonly maxEntryBytes = DEFAULT_MAX_ENTRY_BYTES,
  ) {}

  get(key: string): CachedResult | undefined {
    const hit = this.entries.get(key);
    if (hit === undefined) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    this.entries.delete(key);
    this.entries.set(key, hit);
    return hit;
  }

  put(key: string, result: CachedResult): void {
    if (result.bytes > this.maxEntryBytes) return;
    const old = this.entries.get(key);
    if (old !== undefined) this.bytes -= old.bytes;
    this.entries.delete(key);
    this.entries.set(key, result);
    this.bytes += result.bytes;
    for (const [k, e] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(k);
      this.bytes -= e.bytes;
    }
  }

  get size(): number {
    return this.entries.size;
  }
}

/** Calls `write` with the next at most `maxRows` (0: all) DataRow messages of `chunks`. */
export class CachedRowsReader {
  private chunk = 0;
  private offset = 0;

  constructor(private readonly result: CachedResult) {}

  async next(
    maxRows: number,
    write: (messages: Uint8Array) => void | Promise<void>,
  ): Promise<{ rows: number; done: boolean }> {
    const { chunks } = this.result;
    let rows = 0;
    while (this.chunk < chunks.length) {
      const data = chunks[this.chunk]!;
      if (maxRows === 0 && this.offset === 0) {
        rows += countMessages(data);
        await write(data);
        this.chunk++;
        continue;
      }
      // Whole messages up to the row limit: each is a type byte and a length that counts itself.
      const start = this.offset;
      let end = start;
      while (end < data.length && (maxRows === 0 || rows < maxRows)) {
        end += 1 + new DataView(data.buffer, data.byteOffset + end + 1, 4).getInt32(0);
        rows++;
      }
      if (end > start) await write(data.subarray(start, end));
      if (end >= data.length) {
        this.chunk++;
        this.offset = 0;
      } else {
        this.offset = end;
        return { rows, done: false };
      }
      if (maxRows > 0 && rows >= maxRows) break;
    }
    return { rows, done: this.chunk >= chunks.length };
  }
}

function countMessages(data: Uint8Array): number {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  let n = 0;
  for (let at = 0; at < data.length; at += 1 + view.getInt32(at + 1)) n++;
  return n;
}
