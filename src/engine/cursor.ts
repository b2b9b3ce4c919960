// A portal's rows as framed DataRow messages: DuckDB chunks are encoded column by column into
// large buffers that are handed to the protocol whole, so a result of any size streams without
// becoming JS objects. Execute with a row limit stops mid-chunk; the rest of that chunk is sent
// by the next call (PortalSuspended in between).
// DataRow: https://www.postgresql.org/docs/15/protocol-message-formats.html
import type { DuckDBDataChunk, DuckDBType } from '@duckdb/node-api';
import { LakeshiftError, SqlState } from '../common/errors.js';
import { columnEncoder, type ColumnEncoder } from './columns.js';
import { ZoneOffsets } from './datetime.js';
import type { FieldDescription } from './pg-field.js';
import type { TextContext } from './text.js';
import { ByteWriter } from './writer.js';

/** Where rows come from: a StatementResult, or anything else that yields DuckDB chunks. */
export interface ChunkSource {
  readonly columnTypes: DuckDBType[];
  fetchChunk(): Promise<DuckDBDataChunk | null>;
  close(): void;
}

export interface CursorOptions {
  /** Session TimeZone for timestamptz text (default UTC). */
  timeZone?: string;
  /** Session extra_float_digits (undefined: shortest exact). */
  extraFloatDigits?: number;
  /** Hand buffers to the writer once they hold this many bytes (default 256 KiB). */
  flushBytes?: number;
}

export type WriteMessages = (messages: Uint8Array) => void | Promise<void>;

export function textContext(timeZone = 'UTC', extraFloatDigits?: number): TextContext {
  return { zone: new ZoneOffsets(timeZone), extraFloatDigits };
}

export class ResultCursor {
  /** Rows sent so far, for CommandComplete ("SELECT n"). */
  rowCount = 0;
  private readonly encoders: ColumnEncoder[];
  private readonly flushBytes: number;
  private readonly writer: ByteWriter;
  private chunk: DuckDBDataChunk | null = null;
  private chunkRow = 0;
  private done = false;
  private closed = false;

  constructor(
    private readonly source: ChunkSource,
    readonly fields: readonly FieldDescription[],
    options: CursorOptions = {},
  ) {
    const ctx = textContext(options.timeZone, options.extraFloatDigits);
    const types = source.columnTypes;
    if (types.length !== fields.length) {
      throw new LakeshiftError(
        SqlState.internalError,
        'result columns and field descriptions differ',
      );
    }
    this.encoders = types.map((t, i) =>
      columnEncoder(t, (fields[i] as FieldDescription).format, ctx),
    );
    this.flushBytes = options.flushBytes ?? 256 * 1024;
    this.writer = new ByteWriter(this.flushBytes + 64 * 1024);
  }

  get finished(): boolean {
    return this.done;
  }

  /**
   * Encodes up to `maxRows` rows (0 = all) and passes them to `write` in large batches, awaiting
   * it (backpressure). `done` is true when the result is exhausted; false means suspended.
   */
  async next(
    maxRows: number,
    write: WriteMessages,
    signal?: AbortSignal,
  ): Promise<{ rows: number; done: boolean }> {
    if (this.closed) throw new LakeshiftError(SqlState.invalidCursorName, 'portal is closed');
    let rows = 0;
    const w = this.writer;
    const columns = this.encoders.length;
    const encoders = this.encoders;
    while (!this.done && (maxRows === 0 || rows < maxRows)) {
      if (signal?.aborted) throw abortError(signal);
      if (this.chunk === null) {
        // Hand over what is buffered before waiting on DuckDB.
        if (w.pos > 0) await write(w.take());
        const chunk = await this.source.fetchChunk();
        if (chunk === null || chunk.rowCount === 0) {
          this.done = true;
          break;
        }
        this.chunk = chunk;
        this.chunkRow = 0;
        const n = chunk.rowCount;
        for (let c = 0; c < columns; c++) (encoders[c] as ColumnEncoder).load(chunk, c, n);
      }
      const chunkRows = this.chunk.rowCount;
      let row = this.chunkRow;
      const end = maxRows === 0 ? chunkRows : Math.min(chunkRows, row + (maxRows - rows));
      const flushAt = this.flushBytes;
      for (; row < end; row++) {
        w.ensure(7);
        const start = w.pos;
        w.buf[start] = 0x44; // 'D'
        w.buf.writeInt16BE(columns, start + 5);
        w.pos = start + 7;
        for (let c = 0; c < columns; c++) (encoders[c] as ColumnEncoder).write(row, w);
        w.buf.writeInt32BE(w.pos - start - 1, start + 1);
        if (w.pos >= flushAt) {
          rows += row + 1 - this.chunkRow;
          this.rowCount += row + 1 - this.chunkRow;
          this.chunkRow = row + 1;
          await write(w.take());
          if (signal?.aborted) throw abortError(signal);
        }
      }
      rows += row - this.chunkRow;
      this.rowCount += row - this.chunkRow;
      this.chunkRow = row;
      if (row >= chunkRows) this.chunk = null;
    }
    if (w.pos > 0) await write(w.take());
    if (this.done) this.close();
    return { rows, done: this.done };
  }

  /** Releases the result (Close portal, end of transaction). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.chunk = null;
    this.source.close();
  }
}

function abortError(signal: AbortSignal): LakeshiftError {
  const reason: unknown = signal.reason;
  if (reason instanceof LakeshiftError) return reason;
  return new LakeshiftError(SqlState.queryCanceled, 'canceling statement due to user request');
}
