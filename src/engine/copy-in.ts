// COPY ... FROM STDIN: PostgreSQL's COPY text and CSV formats → rows of strings (or null), fed
// CopyData payloads as they arrive. Payload boundaries may fall anywhere (inside a line, a quoted
// field, a multi-byte character): only complete records are decoded. Error texts and SQLSTATEs
// follow src/backend/commands/copyfromparse.c.
// Line numbers count records from 1 (the header is line 1 when HEADER is on); a CSV record with
// quoted newlines counts as one line.
import { LakeshiftError, SqlState, type ErrorFields } from '../common/errors.js';
import { decodeUtf8 } from './params.js';

export const BAD_COPY_FILE_FORMAT = SqlState.badCopyFileFormat;

export class CopyFormatError extends LakeshiftError {
  constructor(
    message: string,
    /** The record the error is on (1-based). */
    readonly line: number,
    /** PostgreSQL's CONTEXT line: COPY t, line 3: "1,2,3". */
    readonly context: string,
    fields: ErrorFields = {},
  ) {
    super(BAD_COPY_FILE_FORMAT, message, fields);
  }
}

export interface CopyInOptions {
  format: 'text' | 'csv';
  /** Target column names (their count is what each row must have). */
  columns: readonly string[];
  /** For error context: COPY <table>, line n. */
  table?: string;
  delimiter?: string;
  null?: string;
  header?: boolean;
  quote?: string;
  escape?: string;
}

export type CopyRow = (string | null)[];

/** PostgreSQL's defaults for what the options leave out: tab or comma, '"', \N or ''. */
export function copyInCharacters(options: CopyInOptions): {
  delimiter: string;
  quote: string;
  escape: string;
  null: string;
} {
  const csv = options.format === 'csv';
  return {
    delimiter: options.delimiter ?? (csv ? ',' : '\t'),
    quote: options.quote ?? '"',
    escape: options.escape ?? options.quote ?? '"',
    null: options.null ?? (csv ? '' : '\\N'),
  };
}

export class CopyInParser {
  /** Records consumed so far (including the header). */
  line = 0;
  private pending: Buffer = Buffer.alloc(0);
  private ended = false;
  private readonly csv: boolean;
  private readonly delimiter: number;
  private readonly quote: number;
  private readonly escape: number;
  private readonly nullText: string;
  private readonly nullBytes: Buffer;

  constructor(private readonly options: CopyInOptions) {
    this.csv = options.format === 'csv';
    const resolved = copyInCharacters(options);
    this.delimiter = byteOf(resolved.delimiter);
    this.quote = byteOf(resolved.quote);
    this.escape = byteOf(resolved.escape);
    this.nullText = resolved.null;
    this.nullBytes = Buffer.from(this.nullText, 'utf8');
  }

  /** Rows completed by this CopyData payload. */
  push(data: Uint8Array): CopyRow[] {
    if (this.ended) return [];
    this.pending =
      this.pending.length === 0 ? Buffer.from(data) : Buffer.concat([this.pending, data]);
    return this.drain(false);
  }

  /** CopyDone: the rows of a last line without a newline. */
  end(): CopyRow[] {
    if (this.ended) return [];
    const rows = this.drain(true);
    this.ended = true;
    return rows;
  }

  private drain(final: boolean): CopyRow[] {
    const rows: CopyRow[] = [];
    const buf = this.pending;
    let start = 0;
    while (start < buf.length && !this.ended) {
      const end = this.csv ? this.csvRecordEnd(buf, start) : buf.indexOf(10, start);
      if (end < 0 && !final) break;
      if (end < 0 && this.csv && this.unterminated) {
        this.line++;
        throw this.error('unterminated CSV quoted field', buf.subarray(start));
      }
      const stop = end < 0 ? buf.length : end;
      let record = buf.subarray(start, stop);
      if (record.length > 0 && record[record.length - 1] === 13)
        record = record.subarray(0, record.length - 1);
      start = end < 0 ? buf.length : end + 1;
      this.line++;
      // End-of-data marker.
      if (record.length === 2 && record[0] === 92 && record[1] === 46) {
        this.ended = true;
        break;
      }
      if (this.line === 1 && this.options.header) continue;
      rows.push(this.csv ? this.parseCsv(record) : this.parseText(record));
    }
    this.pending = start >= buf.length ? Buffer.alloc(0) : buf.subarray(start);
    return rows;
  }

  private unterminated = false;

  /** Index of the newline ending the CSV record at `start`, outside quotes; -1 if incomplete. */
  private csvRecordEnd(buf: Buffer, start: number): number {
    let inQuote = false;
    for (let i = start; i < buf.length; i++) {
      const c = buf[i];
      if (inQuote) {
        if (
          c === this.escape &&
          this.escape !== this.quote &&
          i + 1 < buf.length &&
          (buf[i + 1] === this.quote || buf[i + 1] === this.escape)
        )
          i++;
        else if (c === this.quote) {
          if (this.escape === this.quote && buf[i + 1] === this.quote) i++;
          else inQuote = false;
        }
      } else if (c === this.quote) inQuote = true;
      else if (c === 10) {
        this.unterminated = false;
        return i;
      }
    }
    this.unterminated = inQuote;
    return -1;
  }

  private error(message: string, record: Uint8Array): CopyFormatError {
    const text = Buffer.from(record).toString('utf8');
    const context = `COPY ${this.options.table ?? 'stdin'}, line ${this.line}: "${text}"`;
    return new CopyFormatError(message, this.line, context, { detail: context });
  }

  private finish(fields: CopyRow, record: Uint8Array): CopyRow {
    const columns = this.options.columns;
    if (fields.length > columns.length)
      throw this.error('extra data after last expected column', record);
    if (fields.length < columns.length) {
      throw this.error(`missing data for column "${columns[fields.length]}"`, record);
    }
    return fields;
  }

  /** Text format: split on unescaped delimiters, compare with NULL before de-escaping. */
  private parseText(record: Uint8Array): CopyRow {
    const fields: CopyRow = [];
    let fieldStart = 0;
    const raw: Uint8Array[] = [];
    for (let i = 0; i <= record.length; i++) {
      const c = record[i];
      if (c === 92 && i + 1 < record.length) {
        i++;
        continue;
      }
      if (i === record.length || c === this.delimiter) {
        raw.push(record.subarray(fieldStart, i));
        fieldStart = i + 1;
      }
    }
    for (const r of raw) {
      fields.push(bytesEqual(r, this.nullBytes) ? null : this.decode(unescapeText(r), record));
    }
    return this.finish(fields, record);
  }

  private parseCsv(record: Uint8Array): CopyRow {
    const fields: CopyRow = [];
    let i = 0;
    const n = record.length;
    for (;;) {
      const bytes: number[] = [];
      let quoted = false;
      let fieldEnd = false;
      while (i < n && !fieldEnd) {
        const c = record[i] as number;
        if (c === this.quote) {
          quoted = true;
          i++;
          // Inside quotes until the closing quote.
          for (;;) {
            if (i >= n) throw this.error('unterminated CSV quoted field', record);
            const q = record[i] as number;
            if (
              q === this.escape &&
              i + 1 < n &&
              (record[i + 1] === this.quote || record[i + 1] === this.escape) &&
              (this.escape !== this.quote || record[i + 1] === this.quote)
            ) {
              bytes.push(record[i + 1] as number);
              i += 2;
            } else if (q === this.quote) {
              i++;
              break;
            } else {
              bytes.push(q);
              i++;
            }
          }
        } else if (c === this.delimiter) {
          fieldEnd = true;
        } else {
          bytes.push(c);
          i++;
        }
      }
      const s = this.decode(Uint8Array.from(bytes), record);
      fields.push(!quoted && s === this.nullText ? null : s);
      if (i >= n) break;
      i++; // the delimiter
    }
    return this.finish(fields, record);
  }

  private decode(bytes: Uint8Array, record: Uint8Array): string {
    try {
      return decodeUtf8(bytes);
    } catch (e) {
      if (e instanceof LakeshiftError) {
        const context = `COPY ${this.options.table ?? 'stdin'}, line ${this.line}`;
        throw new LakeshiftError(e.sqlstate, e.message, { detail: context, cause: record });
      }
      throw e;
    }
  }
}

/** Text-format escapes on bytes: \b \f \n \r \t \v, \ooo octal, \xhh hex, \ before anything else. */
function unescapeText(raw: Uint8Array): Uint8Array {
  if (!raw.includes(92)) return raw;
  const out = new Uint8Array(raw.length);
  let p = 0;
  const isOctal = (c: number | undefined): boolean => c !== undefined && c >= 48 && c <= 55;
  const hexValue = (c: number | undefined): number => {
    if (c === undefined) return -1;
    if (c >= 48 && c <= 57) return c - 48;
    if (c >= 97 && c <= 102) return c - 87;
    if (c >= 65 && c <= 70) return c - 55;
    return -1;
  };
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i] as number;
    if (c !== 92 || i + 1 >= raw.length) {
      out[p++] = c;
      continue;
    }
    const e = raw[++i] as number;
    if (isOctal(e)) {
      let v = e - 48;
      for (let k = 0; k < 2 && isOctal(raw[i + 1]); k++) v = v * 8 + ((raw[++i] as number) - 48);
      out[p++] = v & 0xff;
    } else if (e === 120 && hexValue(raw[i + 1]) >= 0) {
      let v = hexValue(raw[++i]);
      if (hexValue(raw[i + 1]) >= 0) v = v * 16 + hexValue(raw[++i]);
      out[p++] = v;
    } else {
      out[p++] =
        e === 98
          ? 8
          : e === 102
            ? 12
            : e === 110
              ? 10
              : e === 114
                ? 13
                : e === 116
                  ? 9
                  : e === 118
                    ? 11
                    : e;
    }
  }
  return out.subarray(0, p);
}

function byteOf(s: string): number {
  const b = Buffer.from(s, 'utf8');
  if (b.length !== 1)
    throw new RangeError('COPY delimiter, quote and escape must be single one-byte characters');
  return b[0] as number;
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
