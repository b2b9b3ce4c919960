// The record scanners of COPY's reader (records.ts) that keep no reader state: where a CSV record
// ends and what its fields are, where a JSON object or array ends, and the load error codes (of
// the reader and of the conversions in convert.ts).
// They work on decoded text, in which every character the formats treat specially is ASCII.
// https://docs.aws.amazon.com/redshift/latest/dg/copy-parameters-data-format.html
// https://docs.aws.amazon.com/redshift/latest/dg/r_Load_Error_Reference.html

/** Load error codes, https://docs.aws.amazon.com/redshift/latest/dg/r_Load_Error_Reference.html */
export const LoadErrorCode = {
  /** Input data had more columns than were defined in the DDL. */
  extraColumns: 1202,
  /** Input data had fewer columns than were defined in the DDL (FIXEDWIDTH here). */
  fewerColumns: 1203,
  /** Input data exceeded the acceptable range for the data type (a string past its length). */
  outOfRange: 1204,
  invalidDate: 1205,
  invalidTimestamp: 1206,
  /** Data contained a value outside of the expected range of 0-9 (integers). */
  invalidDigit: 1207,
  invalidFloat: 1208,
  invalidDecimal: 1209,
  invalidBoolean: 1210,
  /** Input line contained no data. */
  noData: 1211,
  /** A field specified as NOT NULL contained no data. */
  notNull: 1213,
  /** Delimiter not found; also CSV's "Invalid quote formatting for CSV". */
  delimiterNotFound: 1214,
  /** Input line is not valid (CSV's "Missing newline", malformed JSON). */
  invalidLine: 1216,
  /** A NUL in a field longer than one byte under NULL AS '\0'. */
  nulByte: 1218,
  /** String contains invalid or unsupported UTF-8 code points. */
  invalidUtf8: 1220,
  /** A SUPER field that is not JSON. */
  invalidJson: 1224,
} as const;

export interface LoadRecordError {
  code: number;
  /** STL_LOAD_ERRORS.err_reason. */
  reason: string;
  /** 1-based column (field) number, when the error belongs to one. */
  column?: number;
  /** 0-based character offset of the error within that field. */
  position?: number;
  /** The field's text as written (STL_LOAD_ERRORS.raw_field_value). */
  value?: string;
}

/** The character codes the scanners compare with. */
export const LF = 10;
export const CR = 13;
export const SPACE = 32;
export const TAB = 9;
export const BACKSLASH = 92;

/** Whether the character at i is escaped: an odd run of backslashes (from `from`) precedes it. */
export function escapedAt(t: string, i: number, from: number): boolean {
  let k = i - 1;
  while (k >= from && t.charCodeAt(k) === BACKSLASH) k--;
  return (i - 1 - k) % 2 === 1;
}

/** Line feeds in t[from, to). */
function countLf(t: string, from: number, to: number): number {
  let count = 0;
  for (let i = t.indexOf('\n', from); i >= 0 && i < to; i = t.indexOf('\n', i + 1)) count++;
  return count;
}

/** A blank that CSV ignores around quoted fields (a blank delimiter is not one). */
function blankAt(t: string, k: number, delimiter: number): boolean {
  const c = t.charCodeAt(k);
  return (c === SPACE || c === TAB) && c !== delimiter;
}

/** The next occurrence of one character in a text, remembered while the search moves forward. */
export class Finder {
  private at = -2;
  constructor(private readonly ch: string) {}
  reset(): void {
    this.at = -2;
  }
  next(t: string, from: number): number {
    if (this.at === -2 || (this.at >= 0 && this.at < from)) this.at = t.indexOf(this.ch, from);
    return this.at;
  }
}

/** One CSV record as scanned: where it ends, its fields, or why Redshift rejects it. */
export interface CsvScan {
  /** End of the record's text (its line end excluded). */
  contentEnd: number;
  /** Where the next record starts. */
  next: number;
  /** Line feeds consumed, the line end included. */
  lfs: number;
  values: string[];
  quoted?: number[];
  error?: LoadRecordError;
}

/** Finds CSV records: the delimiter and quote characters, and where they next occur. */
export class CsvScanner {
  private readonly delimiterCode: number;
  private readonly quoteCode: number;
  private readonly lineFeeds = new Finder('\n');
  private readonly delimiters: Finder;
  private readonly quotes: Finder;

  constructor(
    delimiter: string,
    private readonly quote: string,
  ) {
    this.delimiterCode = delimiter.charCodeAt(0);
    this.quoteCode = quote.charCodeAt(0);
    this.delimiters = new Finder(delimiter);
    this.quotes = new Finder(quote);
  }

  /** Forget the positions found: the text scanned next is a new one. */
  reset(): void {
    this.lineFeeds.reset();
    this.delimiters.reset();
    this.quotes.reset();
  }

  /**
   * One CSV record from s, reading no further than n: undefined when the text ends before the
   * record does and more may come. Quoted fields may hold delimiters, doubled quotes and line
   * ends; blanks between a delimiter and a quote are ignored; a quote inside an unquoted field
   * is error 1214 and anything but a delimiter or the line end after a closing quote error 1216.
   */
  scan(t: string, s: number, n: number, final: boolean): CsvScan | undefined {
    const d = this.delimiterCode;
    const q = this.quoteCode;
    const values: string[] = [];
    let quoted: number[] | undefined;
    let lfs = 0;
    let i = s;
    for (;;) {
      let j = i;
      while (j < n && blankAt(t, j, d)) j++;
      if (j < n && t.charCodeAt(j) === q) {
        let k = j + 1;
        let value = '';
        for (;;) {
          const close = t.indexOf(this.quote, k);
          if (close < 0 || close >= n) {
            if (!final) return undefined;
            // The record runs to the end of the input; a last line end is not part of its text.
            let end = n;
            if (end > k && t.charCodeAt(end - 1) === LF) end--;
            if (end > k && t.charCodeAt(end - 1) === CR) end--;
            return {
              contentEnd: end,
              next: n,
              lfs: lfs + countLf(t, k, n),
              values,
              error: {
                code: LoadErrorCode.delimiterNotFound,
                reason: 'Invalid quote formatting for CSV: quoted field not terminated',
                column: values.length + 1,
                position: j - i,
              },
            };
          }
          lfs += countLf(t, k, close);
          if (close + 1 < n && t.charCodeAt(close + 1) === q) {
            value += t.slice(k, close + 1);
            k = close + 2;
            continue;
          }
          value += t.slice(k, close);
          k = close + 1;
          break;
        }
        (quoted ??= []).push(values.length);
        values.push(value);
        while (k < n && blankAt(t, k, d)) k++;
        if (k >= n) {
          if (!final) return undefined;
          return { contentEnd: n, next: n, lfs, values, quoted };
        }
        const c = t.charCodeAt(k);
        if (c === d) {
          i = k + 1;
          continue;
        }
        if (c === LF) return { contentEnd: k, next: k + 1, lfs: lfs + 1, values, quoted };
        if (c === CR) {
          if (k + 1 >= n) {
            if (!final) return undefined;
            return { contentEnd: k, next: n, lfs, values, quoted };
          }
          if (t.charCodeAt(k + 1) === LF) {
            return { contentEnd: k, next: k + 2, lfs: lfs + 1, values, quoted };
          }
        }
        return this.bad(t, s, k, n, final, lfs, {
          code: LoadErrorCode.invalidLine,
          reason: `Missing newline: Unexpected character 0x${c.toString(16).padStart(2, '0')} found at location ${k - s}`,
          column: values.length,
          position: k - j,
        });
      }
      // Unquoted: to the next delimiter or line end.
      let e = this.lineFeeds.next(t, i);
      const nd = this.delimiters.next(t, i);
      const nq = this.quotes.next(t, i);
      if (nd >= 0 && (e < 0 || nd < e)) e = nd;
      if (nq >= 0 && (e < 0 || nq < e)) e = nq;
      if (e < 0 || e >= n) {
        if (!final) return undefined;
        let end = n;
        if (end > i && t.charCodeAt(end - 1) === CR) end--;
        values.push(t.slice(i, end));
        return { contentEnd: end, next: n, lfs, values, quoted };
      }
      const c = t.charCodeAt(e);
      if (c === d) {
        values.push(t.slice(i, e));
        i = e + 1;
        continue;
      }
      if (c === LF) {
        const end = e > i && t.charCodeAt(e - 1) === CR ? e - 1 : e;
        values.push(t.slice(i, end));
        return { contentEnd: end, next: e + 1, lfs: lfs + 1, values, quoted };
      }
      return this.bad(t, s, e, n, final, lfs, {
        code: LoadErrorCode.delimiterNotFound,
        reason: 'Invalid quote formatting for CSV',
        column: values.length + 1,
        position: e - i,
        value: t.slice(i, e),
      });
    }
  }

  /** A CSV record rejected at k: it ends at the next line feed. */
  private bad(
    t: string,
    s: number,
    k: number,
    n: number,
    final: boolean,
    lfs: number,
    error: LoadRecordError,
  ): CsvScan | undefined {
    const nl = t.indexOf('\n', k);
    if (nl < 0 || nl >= n) {
      if (!final) return undefined;
      return { contentEnd: n, next: n, lfs, values: [], error };
    }
    const end = nl > s && t.charCodeAt(nl - 1) === CR ? nl - 1 : nl;
    return { contentEnd: end, next: nl + 1, lfs: lfs + 1, values: [], error };
  }
}

/**
 * The extent of the object or array at s: end is the index after its closing bracket, or -1 when
 * the text ends (at n) first; lfs counts the line feeds inside.
 */
export function scanJson(t: string, s: number, n: number): { end: number; lfs: number } {
  let depth = 0;
  let lfs = 0;
  let i = s;
  // The next line feed (a string may hold one: invalid JSON, but a line all the same).
  let lf = t.indexOf('\n', s);
  while (i < n) {
    const c = t.charCodeAt(i);
    if (c === 34) {
      // To the closing quote: the next quote not escaped by an odd run of backslashes.
      let close = t.indexOf('"', i + 1);
      while (close >= 0 && close < n && escapedAt(t, close, i + 1))
        close = t.indexOf('"', close + 1);
      if (close < 0 || close >= n) close = n;
      while (lf >= 0 && lf < close) {
        lfs++;
        lf = t.indexOf('\n', lf + 1);
      }
      if (close >= n) return { end: -1, lfs };
      i = close;
    } else if (c === 123 || c === 91) depth++;
    else if (c === 125 || c === 93) {
      if (--depth === 0) return { end: i + 1, lfs };
    } else if (c === LF) {
      lfs++;
      lf = t.indexOf('\n', i + 1);
    }
    i++;
  }
  return { end: -1, lfs };
}
