// The exact path of Redshift's COPY: a streaming reader that splits a data file's bytes into
// records and fields as Redshift does — delimited text (ESCAPE, REMOVEQUOTES), CSV, FIXEDWIDTH
// and JSON — and reports each record Redshift would reject with its load error code (1202, 1203,
// 1211, 1214, 1216, 1218, 1220) and the physical line it starts on. It converts no types: the
// caller stages the fields as text and casts them in SQL, recording conversion errors itself.
//
// Bytes are decoded to one string as they arrive (records-utf8.ts keeps invalid UTF-8 visible as
// escaped bytes); every character the formats treat specially is ASCII, so records are split on
// the string (CSV and JSON by records-scan.ts), and a record split between chunks waits for the
// rest.
//
// Where the documentation says nothing, this reader decides (and its tests pin down):
// - Lines are LF-terminated; one CR before the LF (or before the end of the file) is not data,
//   any other CR is. A UTF-8 byte order mark is not stripped: it is data of the first field.
// - IGNOREHEADER skips physical lines in every format, a CSV header with a quoted line end too.
// - A line with no data (nothing, or only the CR) is error 1211 unless IGNOREBLANKLINES, whatever
//   the number of columns.
// - One delimiter after the last column ("This field can be a delimiter") is dropped; a second
//   one is an extra, empty column (1202).
// - Fewer fields is "Delimiter not found" (1214); with FILLRECORD the missing fields are '' (NULL
//   with NULL AS '') and `filled` counts them, for the caller's CHAR columns to load NULL.
// - REMOVEQUOTES: a field starting with ' or " ends at the same quote followed by a delimiter or
//   the line end (quotes inside are kept); none found is 1214. Quotes do not continue a record
//   on the next line (ESCAPE does).
// - CSV: a quoted field is never NULL; a quote inside an unquoted field is 1214 "Invalid quote
//   formatting for CSV" and rejects that line only; a quote still open at the end of the file is
//   1214 on the line it opened.
// - FIXEDWIDTH widths count characters; the last column present may be short (the VENUE example),
//   columns wholly past the line end are 1203 unless FILLRECORD, characters past the last column
//   are 1202. Fields are not trimmed.
// - NUL ends the record, dropping the rest of its line (the ESCAPE and NULL AS sections), except
//   under NULL AS '\0', where a field of one NUL is NULL and a longer one with a NUL is 1218.
// - JSON errors are 1216; LINE_NUMBER in Redshift is the document's last line (`lastLine`).
// - A record longer than 4 MB (maxRecordLength) ends the read with 54000, as it fails a COPY.
import { LakeshiftError, SqlState } from '../common/errors.js';
import type { LoadFormat } from './copy-options.js';
import {
  INVALID_BYTE,
  Utf8Decoder,
  displayText,
  hasNoncharacter,
  invalidUtf8Reason,
  replaceInvalid,
  type Decoded,
} from './records-utf8.js';
import {
  BACKSLASH,
  CR,
  CsvScanner,
  Finder,
  LF,
  LoadErrorCode,
  SPACE,
  TAB,
  escapedAt,
  scanJson,
  type LoadRecordError,
} from './records-scan.js';

export { LoadErrorCode, type LoadRecordError } from './records-scan.js';

export interface RecordReaderOptions {
  /** text, csv, fixedwidth or json; the others are refused with 0A000. */
  format: LoadFormat;
  /** The target columns (ignored for JSON). */
  columnCount: number;
  /** IGNOREHEADER: physical lines skipped at the start of the file. */
  ignoreHeader: number;
  /**
   * NULL AS, compared with the field as written (before unescaping, quotes included). Undefined:
   * Redshift's '\N' (with ESCAPE, '\\N' too). '\0' or '\000' names the NUL character. A CSV
   * field that was quoted is never NULL.
   */
  nullAs?: string;
  /** ESCAPE (text only): a backslash makes the next character data. */
  escape: boolean;
  /** REMOVEQUOTES (text only): a field that starts with ' or " ends at the same quote. */
  removeQuotes: boolean;
  /** FILLRECORD: missing trailing fields are '' (reported in `filled`) instead of an error. */
  fillRecord: boolean;
  /** IGNOREBLANKLINES: lines with no data are skipped instead of error 1211. */
  ignoreBlankLines: boolean;
  /** ACCEPTINVCHARS' replacement (one ASCII character); undefined: invalid UTF-8 is error 1220. */
  acceptInvChars?: string;
  /**
   * Longest record, in UTF-16 code units of the decoded text; Redshift's limit is 4 MB. A longer
   * record ends the read with 54000.
   */
  maxRecordLength?: number;
}

interface RecordPlace {
  /** 1-based physical line (of the decompressed file) the record starts on. */
  line: number;
  /** The line it ends on: a CSV quoted newline, an escaped newline or a JSON document spans lines. */
  lastLine: number;
  /** The record's text without its line end, at most 1024 characters (STL_LOAD_ERRORS.raw_line). */
  raw: string;
}

export interface LoadedRecord extends RecordPlace {
  /**
   * columnCount fields, null for NULL; for JSON one field, the text of one top-level object or
   * array exactly as written (numbers keep their digits).
   */
  fields: (string | null)[];
  /** 0-based indexes of fields that were quoted (CSV) or had quotes removed (REMOVEQUOTES). */
  quoted?: readonly number[];
  /**
   * FILLRECORD: how many trailing fields were missing and filled with ''. Redshift loads those
   * as NULL in CHAR columns and as '' in VARCHAR ones (NULL with EMPTYASNULL).
   */
  filled?: number;
  error?: undefined;
}

export interface RejectedRecord extends RecordPlace {
  fields?: undefined;
  error: LoadRecordError;
}

export type LoadRecord = LoadedRecord | RejectedRecord;

const MAX_RECORD = 4 * 1024 * 1024;
const RAW_LENGTH = 1024;
/** A partial record longer than this is rescanned only once the text has doubled. */
const RESCAN_AFTER = 64 * 1024;

function refuse(sqlstate: (typeof SqlState)[keyof typeof SqlState], message: string): never {
  throw new LakeshiftError(sqlstate, message);
}

function asciiCharacter(what: string, c: string): number {
  const code = c.charCodeAt(0);
  if (c.length !== 1 || code > 127 || code === LF || code === CR || code === 0) {
    refuse(SqlState.invalidParameterValue, `${what} must be one ASCII character, not '${c}'`);
  }
  return code;
}

/** raw_line: the first 1024 characters, never half a surrogate pair. */
function rawText(s: string): string {
  if (s.length <= RAW_LENGTH) return s;
  const c = s.charCodeAt(RAW_LENGTH - 1);
  return s.slice(0, c >= 0xd800 && c <= 0xdbff ? RAW_LENGTH - 1 : RAW_LENGTH);
}

/** Characters [a, b) of s, or of its code points when given. */
function slice(s: string, codePoints: string[] | undefined, a: number, b: number): string {
  return codePoints ? codePoints.slice(a, b).join('') : s.slice(a, b);
}

const unescape = (s: string) => (s.includes('\\') ? s.replace(/\\([\s\S])/g, '$1') : s);

/** Splits bytes into Redshift COPY records; push() chunks as they come, then end(). */
export class RecordReader {
  private readonly o: RecordReaderOptions;
  private readonly kind: 'text' | 'csv' | 'fixedwidth' | 'json';
  private readonly columns: number;
  private readonly delimiter: string = '';
  private readonly widths: readonly number[] = [];
  /** NULL AS ('\0' for the NUL character), and with ESCAPE's default also '\\N'. */
  private readonly nullText: string;
  private readonly nullText2: string | undefined;
  private readonly maxRecord: number;
  private readonly decoder = new Utf8Decoder();
  private readonly lineFeeds = new Finder('\n');
  private readonly csv: CsvScanner | undefined;

  /** Decoded text not yet made into records. */
  private text = '';
  /** The line `text` starts on. */
  private line = 1;
  private headerLeft: number;
  /** `text` may hold escaped invalid bytes or NUL characters. */
  private invalid = false;
  private nul = false;
  /** Rescan a long partial record only once `text` is this long. */
  private waitFor = 0;
  private ended = false;

  constructor(options: RecordReaderOptions) {
    this.o = options;
    const f = options.format;
    if (f.kind !== 'text' && f.kind !== 'csv' && f.kind !== 'fixedwidth' && f.kind !== 'json') {
      refuse(SqlState.featureNotSupported, `COPY ${f.kind.toUpperCase()} is not read as records`);
    }
    this.kind = f.kind;
    if (f.kind !== 'text' && (options.escape || options.removeQuotes)) {
      refuse(
        SqlState.syntaxError,
        `${options.escape ? 'ESCAPE' : 'REMOVEQUOTES'} can be used only with delimited text`,
      );
    }
    if (f.kind === 'text' || f.kind === 'csv') {
      this.delimiter = f.delimiter;
      const code = asciiCharacter('DELIMITER', f.delimiter);
      if (options.escape && code === BACKSLASH) {
        refuse(SqlState.invalidParameterValue, 'DELIMITER cannot be the ESCAPE character \\');
      }
    }
    if (f.kind === 'csv') {
      asciiCharacter('QUOTE', f.quote);
      if (f.quote === f.delimiter) {
        refuse(SqlState.invalidParameterValue, 'QUOTE and DELIMITER must be different characters');
      }
      this.csv = new CsvScanner(f.delimiter, f.quote);
    }
    if (f.kind === 'fixedwidth') {
      this.widths = f.widths.map((w) => w.width);
      if (this.widths.length !== options.columnCount) {
        refuse(
          SqlState.invalidParameterValue,
          `FIXEDWIDTH specification has ${this.widths.length} columns, the target has ${options.columnCount}`,
        );
      }
    }
    this.columns = f.kind === 'json' ? 1 : options.columnCount;
    if (!Number.isInteger(this.columns) || this.columns < 1) {
      refuse(SqlState.invalidParameterValue, 'COPY needs at least one target column');
    }
    if (options.acceptInvChars !== undefined)
      asciiCharacter('ACCEPTINVCHARS', options.acceptInvChars);
    const nullAs = options.nullAs ?? '\\N';
    this.nullText = nullAs === '\\0' || nullAs === '\\000' ? '\0' : nullAs;
    this.nullText2 = options.nullAs === undefined && options.escape ? '\\\\N' : undefined;
    this.maxRecord = options.maxRecordLength ?? MAX_RECORD;
    this.headerLeft = options.ignoreHeader;
  }

  /** The records that the bytes so far complete. */
  push(chunk: Buffer): LoadRecord[] {
    if (this.ended) throw new Error('RecordReader.push after end');
    this.append(this.decoder.write(chunk));
    if (this.text.length < this.waitFor) return [];
    return this.drain(false);
  }

  /** The records left at the end of the file (the last line needs no line end). */
  end(): LoadRecord[] {
    if (this.ended) return [];
    this.append(this.decoder.end());
    this.ended = true;
    return this.drain(true);
  }

  private append(d: Decoded): void {
    if (d.text === '') return;
    this.text = this.text === '' ? d.text : this.text + d.text;
    this.invalid ||= d.invalid;
    this.nul ||= d.text.includes('\0');
  }

  private drain(final: boolean): LoadRecord[] {
    const t = this.text;
    const out: LoadRecord[] = [];
    this.lineFeeds.reset();
    this.csv?.reset();
    let p = this.skipHeader(t, final);
    if (this.headerLeft === 0 || final) {
      if (this.kind === 'csv') p = this.drainCsv(t, p, final, out);
      else if (this.kind === 'json') p = this.drainJson(t, p, final, out);
      else p = this.drainLines(t, p, final, out);
    }
    const rest = p >= t.length ? '' : t.slice(p);
    // A partial record may end in a CR that its line end will drop, hence the one extra.
    if (rest.length > this.maxRecord + 1) this.tooLong(this.line);
    this.text = rest;
    this.waitFor = rest.length > RESCAN_AFTER ? Math.min(rest.length * 2, this.maxRecord + 1) : 0;
    this.invalid &&= INVALID_BYTE.test(rest);
    this.nul &&= rest.includes('\0');
    return out;
  }

  private tooLong(line: number): never {
    throw new LakeshiftError(
      SqlState.programLimitExceeded,
      `COPY record starting on line ${line} is longer than ${this.maxRecord} characters`,
      { hint: 'Redshift reads records of at most 4 MB; check for an unterminated quote.' },
    );
  }

  /** IGNOREHEADER: whole physical lines, whatever the format. Returns where the data starts. */
  private skipHeader(t: string, final: boolean): number {
    let p = 0;
    while (this.headerLeft > 0) {
      const nl = t.indexOf('\n', p);
      if (nl < 0 || nl - p > this.maxRecord) {
        if (t.length - p > this.maxRecord) this.tooLong(this.line);
        if (final) p = t.length;
        break;
      }
      p = nl + 1;
      this.line++;
      this.headerLeft--;
    }
    return p;
  }

  // ---- records that are lines: delimited text and FIXEDWIDTH ----

  private drainLines(t: string, p: number, final: boolean, out: LoadRecord[]): number {
    const n = t.length;
    const escape = this.o.escape;
    while (p < n) {
      let nl = this.lineFeeds.next(t, p);
      let inner = 0;
      // ESCAPE: a backslash before the line feed continues the record on the next line.
      while (escape && nl >= 0 && escapedAt(t, nl, p)) {
        inner++;
        nl = t.indexOf('\n', nl + 1);
      }
      if (nl < 0 && !final) break;
      let end = nl < 0 ? n : nl;
      // A carriage return before the line end (or the end of the file) is not data.
      if (end > p && t.charCodeAt(end - 1) === CR && !(escape && escapedAt(t, end - 1, p))) end--;
      if (end - p > this.maxRecord) this.tooLong(this.line);
      const line = this.line;
      this.line += inner + (nl < 0 ? 0 : 1);
      const rec = t.slice(p, end);
      const r =
        this.kind === 'text'
          ? this.textRecord(rec, line, line + inner)
          : this.fixedRecord(rec, line, line + inner);
      if (r !== undefined) out.push(r);
      p = nl < 0 ? n : nl + 1;
    }
    return p;
  }

  private reject(rec: string, line: number, lastLine: number, error: LoadRecordError) {
    const raw = rawText(this.invalid ? displayText(rec) : rec);
    return { line, lastLine, raw, error } satisfies RejectedRecord;
  }

  /** A record with no data: skipped with IGNOREBLANKLINES, else error 1211. */
  private blank(line: number): RejectedRecord | undefined {
    if (this.o.ignoreBlankLines) return undefined;
    return this.reject('', line, line, {
      code: LoadErrorCode.noData,
      reason: 'Input line contained no data',
    });
  }

  /** NUL ends a record (its remainder is dropped) unless NULL AS '\0' makes it data. */
  private cutAtNul(rec: string): string {
    if (!this.nul || this.nullText === '\0') return rec;
    const z = rec.indexOf('\0');
    return z < 0 ? rec : rec.slice(0, z);
  }

  private textRecord(rec: string, line: number, lastLine: number): LoadRecord | undefined {
    if (rec === '') return this.blank(line);
    const data = this.cutAtNul(rec);
    const plain =
      (!this.o.escape || !data.includes('\\')) &&
      (!this.o.removeQuotes || (!data.includes('"') && !data.includes("'")));
    if (plain)
      return this.finish(rec, data.split(this.delimiter), undefined, undefined, line, lastLine);
    const s = this.splitText(data);
    if ('code' in s) return this.reject(rec, line, lastLine, s);
    return this.finish(rec, s.values, s.raws, s.quoted, line, lastLine);
  }

  /** Delimited text with ESCAPE or REMOVEQUOTES: fields as written (raws) and as loaded. */
  private splitText(
    rec: string,
  ): { values: string[]; raws: string[]; quoted: number[] | undefined } | LoadRecordError {
    const d = this.delimiter.charCodeAt(0);
    const escape = this.o.escape;
    const n = rec.length;
    const values: string[] = [];
    const raws: string[] = [];
    let quoted: number[] | undefined;
    let i = 0;
    for (;;) {
      const c = rec.charCodeAt(i);
      if (this.o.removeQuotes && (c === 34 || c === 39)) {
        // A quoted field ends at the same quote followed by a delimiter or the end of the record.
        let j = i + 1;
        while (j < n) {
          const x = rec.charCodeAt(j);
          if (escape && x === BACKSLASH) j += 2;
          else if (x === c && (j + 1 === n || rec.charCodeAt(j + 1) === d)) break;
          else j++;
        }
        if (j >= n) {
          return {
            code: LoadErrorCode.delimiterNotFound,
            reason: `Unmatched quote: REMOVEQUOTES found no closing ${String.fromCharCode(c)}`,
            column: values.length + 1,
            position: 0,
            value: rec.slice(i),
          };
        }
        (quoted ??= []).push(values.length);
        raws.push(rec.slice(i, j + 1));
        const inner = rec.slice(i + 1, j);
        values.push(escape ? unescape(inner) : inner);
        i = j + 1;
      } else {
        let j = i;
        while (j < n) {
          const x = rec.charCodeAt(j);
          if (escape && x === BACKSLASH) j += 2;
          else if (x === d) break;
          else j++;
        }
        if (j > n) j = n;
        const raw = rec.slice(i, j);
        raws.push(raw);
        values.push(escape ? unescape(raw) : raw);
        i = j;
      }
      if (i >= n) return { values, raws, quoted };
      i++; // the delimiter
      if (i === n) {
        raws.push('');
        values.push('');
        return { values, raws, quoted };
      }
    }
  }

  /** Column count, invalid UTF-8, NULL AS and FILLRECORD for a split record. */
  private finish(
    rec: string,
    values: string[],
    raws: string[] | undefined,
    quoted: number[] | undefined,
    line: number,
    lastLine: number,
    fewerCode: number = LoadErrorCode.delimiterNotFound,
  ): LoadRecord {
    const columns = this.columns;
    const written = raws ?? values;
    let count = values.length;
    // "Do not include any special characters or syntax to indicate the last field in a record.
    // This field can be a delimiter": one empty unquoted field after the last column is dropped.
    if (count === columns + 1 && values[columns] === '' && !quoted?.includes(columns)) count--;
    if (this.invalid && INVALID_BYTE.test(rec)) {
      const rep = this.o.acceptInvChars;
      if (rep === undefined) {
        const i = written.findIndex((v) => INVALID_BYTE.test(v));
        const bad = written[i] ?? rec;
        const { reason, position } = invalidUtf8Reason(bad);
        return this.reject(rec, line, lastLine, {
          code: LoadErrorCode.invalidUtf8,
          reason,
          ...(i >= 0 ? { column: i + 1, position, value: rawText(displayText(bad)) } : {}),
        });
      }
      values = values.map((v) => replaceInvalid(v, rep));
    } else if (this.o.acceptInvChars !== undefined && hasNoncharacter(rec)) {
      const rep = this.o.acceptInvChars;
      values = values.map((v) => replaceInvalid(v, rep));
    }
    if (count > columns) {
      return this.reject(rec, line, lastLine, {
        code: LoadErrorCode.extraColumns,
        reason: 'Extra column(s) found',
        column: columns + 1,
        value: rawText(written[columns]!),
      });
    }
    if (count < columns && !this.o.fillRecord) {
      return this.reject(rec, line, lastLine, {
        code: fewerCode,
        reason:
          fewerCode === LoadErrorCode.delimiterNotFound
            ? 'Delimiter not found'
            : 'Line is shorter than the FIXEDWIDTH specification',
        column: count + 1,
      });
    }
    const fields: (string | null)[] = new Array<string | null>(columns);
    const nul = this.nullText === '\0' && this.nul;
    for (let i = 0; i < count; i++) {
      const w = written[i]!;
      if (w === this.nullText || w === this.nullText2) {
        fields[i] = quoted?.includes(i) && this.kind === 'csv' ? values[i]! : null;
      } else if (nul && w.includes('\0')) {
        return this.reject(rec, line, lastLine, {
          code: LoadErrorCode.nulByte,
          reason: 'Invalid null byte - field longer than 1 byte',
          column: i + 1,
          position: w.indexOf('\0'),
          value: rawText(w),
        });
      } else fields[i] = values[i]!;
    }
    const fill = this.nullText === '' ? null : '';
    for (let i = count; i < columns; i++) fields[i] = fill;
    const raw = rawText(this.invalid ? displayText(rec) : rec);
    const r: LoadedRecord = { line, lastLine, raw, fields };
    if (quoted !== undefined) r.quoted = quoted;
    if (count < columns) r.filled = columns - count;
    return r;
  }

  /**
   * FIXEDWIDTH: widths count characters (code points). The last column present may be short;
   * columns wholly past the end of the line are missing (1203 unless FILLRECORD), and characters
   * past the specification are extra columns (1202).
   */
  private fixedRecord(rec: string, line: number, lastLine: number): LoadRecord | undefined {
    if (rec === '') return this.blank(line);
    const data = this.cutAtNul(rec);
    const chars = /[\uD800-\uDFFF]/.test(data) ? Array.from(data) : undefined;
    const length = chars ? chars.length : data.length;
    const values: string[] = [];
    let at = 0;
    for (const w of this.widths) {
      if (at >= length) break;
      values.push(slice(data, chars, at, Math.min(at + w, length)));
      at += w;
    }
    if (length > at) {
      return this.reject(rec, line, lastLine, {
        code: LoadErrorCode.extraColumns,
        reason: 'Extra column(s) found',
        column: this.columns + 1,
        position: at,
        value: rawText(slice(data, chars, at, length)),
      });
    }
    return this.finish(
      rec,
      values,
      undefined,
      undefined,
      line,
      lastLine,
      LoadErrorCode.fewerColumns,
    );
  }

  // ---- CSV ----

  private drainCsv(t: string, p: number, final: boolean, out: LoadRecord[]): number {
    const csv = this.csv!;
    while (p < t.length) {
      const s = csv.scan(t, p, t.length, final);
      if (s === undefined) break;
      if (s.contentEnd - p > this.maxRecord) this.tooLong(this.line);
      const line = this.line;
      const lastLine =
        line + s.lfs - (s.next > s.contentEnd && t.charCodeAt(s.next - 1) === LF ? 1 : 0);
      this.line += s.lfs;
      const rec = t.slice(p, s.contentEnd);
      let r: LoadRecord | undefined;
      if (rec === '') r = this.blank(line);
      else {
        let scan = s;
        if (this.nul && this.nullText !== '\0') {
          const z = rec.indexOf('\0');
          if (z >= 0) scan = csv.scan(t, p, p + z, true)!;
        }
        r = scan.error
          ? this.reject(rec, line, lastLine, scan.error)
          : this.finish(rec, scan.values, undefined, scan.quoted, line, lastLine);
      }
      if (r !== undefined) out.push(r);
      p = s.next;
    }
    return p;
  }

  // ---- JSON ----

  /**
   * Top-level objects and arrays, any number per line or spanning lines, white space between.
   * Anything else between them is rejected up to the next '{', '[' or line end (1216). A
   * document that is not valid JSON is rejected whole and reading goes on after it; one not
   * closed by the end of the file is rejected and reading resumes on the line after its start.
   */
  private drainJson(t: string, p: number, final: boolean, out: LoadRecord[]): number {
    const n = t.length;
    for (;;) {
      for (; p < n; p++) {
        const c = t.charCodeAt(p);
        if (c === LF) this.line++;
        else if (c !== SPACE && c !== TAB && c !== CR) break;
      }
      if (p >= n) return p;
      const c = t.charCodeAt(p);
      const line = this.line;
      if (c === 123 || c === 91) {
        const s = scanJson(t, p, Math.min(n, p + this.maxRecord + 1));
        if (s.end < 0) {
          if (n - p > this.maxRecord) this.tooLong(line);
          if (!final) return p;
          const nl = t.indexOf('\n', p);
          const lastLine = line + s.lfs - (t.charCodeAt(n - 1) === LF ? 1 : 0);
          out.push(
            this.reject(t.slice(p, nl < 0 ? n : nl), line, Math.max(line, lastLine), {
              code: LoadErrorCode.invalidLine,
              reason: 'Invalid JSON: object or array not closed at the end of the file',
            }),
          );
          if (nl < 0) return n;
          this.line++;
          p = nl + 1;
          continue;
        }
        this.line += s.lfs;
        out.push(this.jsonRecord(t.slice(p, s.end), line, line + s.lfs));
        p = s.end;
      } else {
        let e = p;
        while (e < n) {
          const x = t.charCodeAt(e);
          if (x === 123 || x === 91 || x === LF) break;
          e++;
        }
        if (e >= n && !final) return p;
        out.push(
          this.reject(t.slice(p, e).trimEnd(), line, line, {
            code: LoadErrorCode.invalidLine,
            reason: 'Invalid JSON: characters outside a JSON object or array',
            position: 0,
          }),
        );
        p = e;
      }
    }
  }

  private jsonRecord(doc: string, line: number, lastLine: number): LoadRecord {
    let text = doc;
    if (this.invalid && INVALID_BYTE.test(doc)) {
      const rep = this.o.acceptInvChars;
      if (rep === undefined) {
        const { reason, position } = invalidUtf8Reason(doc);
        return this.reject(doc, line, lastLine, {
          code: LoadErrorCode.invalidUtf8,
          reason,
          position,
        });
      }
      text = replaceInvalid(doc, rep);
    } else if (this.o.acceptInvChars !== undefined && hasNoncharacter(doc)) {
      text = replaceInvalid(doc, this.o.acceptInvChars);
    }
    try {
      JSON.parse(text);
    } catch (e) {
      return this.reject(doc, line, lastLine, {
        code: LoadErrorCode.invalidLine,
        reason: `Invalid JSON: ${(e instanceof Error ? e.message : String(e)).slice(0, 200)}`,
      });
    }
    return { line, lastLine, raw: rawText(text), fields: [text] };
  }
}
