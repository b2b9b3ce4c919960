// COPY ... TO STDOUT: a result as the bytes of PostgreSQL's COPY text, CSV or binary format.
// Values are the types' text (or binary) output, as in DataRows; only the framing differs.
// References: https://www.postgresql.org/docs/15/sql-copy.html (File Formats) and
// src/backend/commands/copyto.c (CopyAttributeOutText, CopyAttributeOutCSV).
import { DuckDBTypeId } from '@duckdb/node-api';
import { columnEncoder, type ColumnEncoder } from './columns.js';
import type { ChunkSource, WriteMessages } from './cursor.js';
import { textContext } from './cursor.js';
import { ByteWriter } from './writer.js';

export interface CopyOutOptions {
  format: 'text' | 'csv' | 'binary';
  /** Default: tab (text), comma (csv). One single-byte character. */
  delimiter?: string;
  /** Default: \N (text), empty string (csv). */
  null?: string;
  header?: boolean;
  /** CSV quote character, default ". */
  quote?: string;
  /** CSV escape character, default the quote. */
  escape?: string;
  /** CSV FORCE_QUOTE: column indexes always quoted (except NULLs), or '*' for all. */
  forceQuote?: readonly number[] | '*';
  /** Column names, for HEADER. */
  columnNames?: readonly string[];
  /** Session TimeZone for timestamptz text. */
  timeZone?: string;
  /** Flush to `write` at this many bytes (default 256 KiB). */
  flushBytes?: number;
}

/** Types whose text never holds a line break, quote, backslash or tab (COPY and UNLOAD text). */
export const PLAIN_TEXT_TYPES: ReadonlySet<DuckDBTypeId> = new Set<DuckDBTypeId>([
  DuckDBTypeId.BOOLEAN,
  DuckDBTypeId.TINYINT,
  DuckDBTypeId.SMALLINT,
  DuckDBTypeId.INTEGER,
  DuckDBTypeId.BIGINT,
  DuckDBTypeId.HUGEINT,
  DuckDBTypeId.UTINYINT,
  DuckDBTypeId.USMALLINT,
  DuckDBTypeId.UINTEGER,
  DuckDBTypeId.UBIGINT,
  DuckDBTypeId.UHUGEINT,
  DuckDBTypeId.FLOAT,
  DuckDBTypeId.DOUBLE,
  DuckDBTypeId.DECIMAL,
  DuckDBTypeId.DATE,
  DuckDBTypeId.TIME,
  DuckDBTypeId.TIME_TZ,
  DuckDBTypeId.TIMESTAMP,
  DuckDBTypeId.TIMESTAMP_S,
  DuckDBTypeId.TIMESTAMP_MS,
  DuckDBTypeId.TIMESTAMP_NS,
  DuckDBTypeId.TIMESTAMP_TZ,
  DuckDBTypeId.UUID,
]);

const BINARY_SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');

/** Streams `source` as COPY data to `write`; resolves to the number of rows (for "COPY n"). */
export async function copyOut(
  source: ChunkSource,
  options: CopyOutOptions,
  write: WriteMessages,
): Promise<number> {
  const binary = options.format === 'binary';
  const csv = options.format === 'csv';
  const ctx = textContext(options.timeZone);
  const types = source.columnTypes;
  const encoders: ColumnEncoder[] = types.map((t) => columnEncoder(t, binary ? 1 : 0, ctx));
  const flushBytes = options.flushBytes ?? 256 * 1024;
  const out = new ByteWriter(flushBytes + 64 * 1024);
  const scratch = new ByteWriter(64 * 1024);
  const delimiter = byteOf(options.delimiter ?? (csv ? ',' : '\t'));
  const nullText = Buffer.from(options.null ?? (csv ? '' : '\\N'), 'utf8');
  const quote = byteOf(options.quote ?? '"');
  const escape = byteOf(options.escape ?? options.quote ?? '"');
  const force = options.forceQuote ?? [];
  const forced = types.map((_, i) => force === '*' || force.includes(i));
  const single = types.length === 1;
  // Numbers, booleans, dates and times print only digits, signs, '.', ':', '-', ' ' and letters
  // of Infinity/NaN/BC/e: with a delimiter outside that set they never need escaping or quoting,
  // so their bytes are copied as they are (most of a numeric COPY's work).
  const safeDelimiter = !/[0-9A-Za-z.:+\- ]/.test(String.fromCharCode(delimiter));
  const plain = types.map(
    (t, i) =>
      safeDelimiter &&
      !forced[i] &&
      PLAIN_TEXT_TYPES.has(t.typeId) &&
      !(csv && nullText.length > 0 && /^[0-9A-Za-z.:+\- ]*$/.test(nullText.toString('latin1'))),
  );
  const field = (bytes: Uint8Array, column: number): void => {
    if (csv)
      writeCsv(
        out,
        bytes,
        delimiter,
        quote,
        escape,
        forced[column] === true || bytesEqual(bytes, nullText),
        single,
      );
    else writeText(out, bytes, delimiter);
  };

  if (binary) {
    out.bytes(BINARY_SIGNATURE);
    out.int32(0); // flags
    out.int32(0); // header extension length
  } else if (options.header) {
    (options.columnNames ?? []).forEach((name, i) => {
      if (i > 0) out.byte(delimiter);
      field(Buffer.from(name, 'utf8'), -1);
    });
    out.byte(10);
  }

  let rows = 0;
  try {
    for (
      let chunk = await source.fetchChunk();
      chunk !== null && chunk.rowCount > 0;
      chunk = await source.fetchChunk()
    ) {
      const n = chunk.rowCount;
      encoders.forEach((e, c) => e.load(chunk, c, n));
      for (let row = 0; row < n; row++) {
        if (binary) {
          out.int16(encoders.length);
          for (const e of encoders) e.write(row, out);
        } else {
          for (let c = 0; c < encoders.length; c++) {
            if (c > 0) out.byte(delimiter);
            scratch.pos = 0;
            (encoders[c] as ColumnEncoder).write(row, scratch);
            const len = scratch.buf.readInt32BE(0);
            if (len < 0) out.bytes(nullText);
            else if (plain[c]) {
              // A byte loop: for these short fields it beats Buffer.copy's native call.
              out.ensure(len);
              const from = scratch.buf;
              const to = out.buf;
              let p = out.pos;
              for (let i = 4; i < 4 + len; i++) to[p++] = from[i] as number;
              out.pos = p;
            } else if (!csv) writeText(out, scratch.buf, delimiter, 4, 4 + len);
            else field(scratch.buf.subarray(4, 4 + len), c);
          }
          out.byte(10);
        }
        if (out.pos >= flushBytes) await write(out.take());
      }
      rows += n;
    }
    if (binary) out.int16(-1);
    if (out.pos > 0) await write(out.take());
  } finally {
    source.close();
  }
  return rows;
}

function byteOf(s: string): number {
  const b = Buffer.from(s, 'utf8');
  if (b.length !== 1)
    throw new RangeError(`COPY delimiter, quote and escape must be single one-byte characters`);
  return b[0] as number;
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** CopyAttributeOutText: backslash, the delimiter and \b \f \n \r \t \v are escaped. */
function writeText(
  out: ByteWriter,
  bytes: Uint8Array,
  delimiter: number,
  start = 0,
  end = bytes.length,
): void {
  out.ensure((end - start) * 2);
  const buf = out.buf;
  let p = out.pos;
  for (let i = start; i < end; i++) {
    const c = bytes[i] as number;
    if (c < 0x20) {
      let e = 0;
      if (c === 8) e = 98;
      else if (c === 12) e = 102;
      else if (c === 10) e = 110;
      else if (c === 13) e = 114;
      else if (c === 9) e = 116;
      else if (c === 11) e = 118;
      else if (c === delimiter) e = c;
      if (e !== 0) {
        buf[p++] = 92;
        buf[p++] = e;
      } else buf[p++] = c;
    } else if (c === 92 || c === delimiter) {
      buf[p++] = 92;
      buf[p++] = c;
    } else buf[p++] = c;
  }
  out.pos = p;
}

/** CopyAttributeOutCSV: quoted when forced, equal to the NULL string, or holding a delimiter, quote, CR or LF. */
function writeCsv(
  out: ByteWriter,
  bytes: Uint8Array,
  delimiter: number,
  quote: number,
  escape: number,
  forceQuote: boolean,
  singleColumn: boolean,
): void {
  let useQuote = forceQuote;
  if (!useQuote) {
    // "\." alone on a line would read back as the end-of-data marker.
    if (singleColumn && bytes.length === 2 && bytes[0] === 92 && bytes[1] === 46) useQuote = true;
    else {
      for (let i = 0; i < bytes.length; i++) {
        const c = bytes[i] as number;
        if (c === delimiter || c === quote || c === 10 || c === 13) {
          useQuote = true;
          break;
        }
      }
    }
  }
  if (!useQuote) {
    out.bytes(bytes);
    return;
  }
  out.ensure(bytes.length * 2 + 2);
  const buf = out.buf;
  let p = out.pos;
  buf[p++] = quote;
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i] as number;
    if (c === quote || c === escape) buf[p++] = escape;
    buf[p++] = c;
  }
  buf[p++] = quote;
  out.pos = p;
}
