// COPY ... FROM STDIN, the fast way: the CopyData payloads are written to a spool file as they
// arrive, and when the data holds nothing whose meaning DuckDB's CSV reader would get wrong, the
// rows are read from that file by read_csv (native, parallel) instead of being split in
// JavaScript. What DuckDB would read differently from PostgreSQL is looked for while spooling:
// - text format: backslash escapes (other than a whole-field \N when that is the NULL string),
//   since read_csv has no backslash escapes;
// - CSV format: the end-of-data line \. ;
// - both: carriage returns (PostgreSQL's \r\n handling differs in edge cases) and empty lines
//   (read_csv skips them).
// Data with any of these, and data read_csv refuses, goes through CopyInParser (copy-in.ts), which
// also gives PostgreSQL's error texts and line numbers.
import { open, mkdtemp, rm, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { copyInCharacters, type CopyInOptions } from './copy-in.js';
import { readCsvSql } from './read-csv.js';

const BACKSLASH = 0x5c;
const NEWLINE = 0x0a;
const CR = 0x0d;
const DOT = 0x2e;
const N = 0x4e;

/** The bytes of one COPY FROM STDIN, on disk, and whether read_csv reads them as PostgreSQL would. */
export class CopySpool {
  /** Bytes written. */
  bytes = 0;
  private plainSoFar = true;
  /** Bytes still to be seen after a backslash near the end of the previous payload. */
  private expect: ('N' | 'end')[] = [];
  private previous = NEWLINE;

  private constructor(
    readonly dir: string,
    readonly path: string,
    private readonly file: FileHandle,
    private readonly options: CopyInOptions,
    private readonly characters: ReturnType<typeof copyInCharacters>,
  ) {
    this.delimiter = characters.delimiter.charCodeAt(0);
    this.nullIsBackslashN = characters.null === '\\N';
  }

  private readonly delimiter: number;
  private readonly nullIsBackslashN: boolean;

  static async create(options: CopyInOptions): Promise<CopySpool> {
    const dir = await mkdtemp(join(tmpdir(), 'lakeshift-copy-'));
    const path = join(dir, 'stdin.data');
    const file = await open(path, 'w');
    const resolved = copyInCharacters(options);
    return new CopySpool(dir, path, file, options, resolved);
  }

  async write(chunk: Uint8Array): Promise<void> {
    if (this.plainSoFar) this.check(chunk);
    await this.file.write(chunk);
    this.bytes += chunk.length;
  }

  /** Closes the file; true when read_csv may read it (see the header). */
  async finish(): Promise<boolean> {
    await this.file.close();
    // End of data ends a trailing \N field.
    if (this.expect.length > 0 && this.expect[0] !== 'end') this.plainSoFar = false;
    return this.plainSoFar;
  }

  async remove(): Promise<void> {
    await this.file.close().catch(() => {});
    await rm(this.dir, { recursive: true, force: true });
  }

  /** DuckDB's read_csv over the spool, every column VARCHAR named c0, c1, …. */
  readCsvSql(): string {
    const csv = this.options.format === 'csv';
    const c = this.characters;
    return readCsvSql(this.path, {
      columnCount: this.options.columns.length,
      delimiter: c.delimiter,
      quote: csv ? c.quote : '',
      escape: csv ? c.escape : '',
      header: this.options.header,
      nullText: c.null,
    });
  }

  private check(chunk: Uint8Array): void {
    const buf = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    // An empty line: read_csv skips it, PostgreSQL reads a row (or fails on it).
    if (
      buf.indexOf(CR) >= 0 ||
      buf.indexOf('\n\n') >= 0 ||
      (this.previous === NEWLINE && buf[0] === NEWLINE)
    ) {
      this.plainSoFar = false;
      return;
    }
    let from = 0;
    // A backslash at the end of the previous payload: its next bytes start this one.
    while (this.expect.length > 0 && from < buf.length) {
      if (!this.matches(this.expect.shift()!, buf[from]!)) {
        this.plainSoFar = false;
        return;
      }
      from++;
    }
    if (this.options.format === 'csv') {
      // The end-of-data marker \. (anywhere: rare enough to leave to the parser).
      if (this.previous === BACKSLASH && buf[0] === DOT) this.plainSoFar = false;
      else if (buf.indexOf('\\.') >= 0) this.plainSoFar = false;
    } else {
      for (let i = buf.indexOf(BACKSLASH, from); i >= 0; i = buf.indexOf(BACKSLASH, i + 1)) {
        const before = i > 0 ? buf[i - 1]! : this.previous;
        if (!this.nullIsBackslashN || (before !== NEWLINE && before !== this.delimiter)) {
          this.plainSoFar = false;
          return;
        }
        // A whole-field \N: the next byte is N, the one after ends the field.
        const rest: ('N' | 'end')[] = ['N', 'end'];
        let j = i + 1;
        while (rest.length > 0 && j < buf.length) {
          if (!this.matches(rest.shift()!, buf[j]!)) {
            this.plainSoFar = false;
            return;
          }
          j++;
        }
        this.expect = rest;
        i = j - 1;
      }
    }
    if (buf.length > 0) this.previous = buf[buf.length - 1]!;
  }

  private matches(expected: 'N' | 'end', byte: number): boolean {
    return expected === 'N' ? byte === N : byte === NEWLINE || byte === this.delimiter;
  }
}
