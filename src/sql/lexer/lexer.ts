// The tokenizer: PostgreSQL's lexical rules (https://www.postgresql.org/docs/15/sql-syntax-lexical.html)
// as Redshift accepts them. Unquoted words fold to lower case (ASCII only, as PostgreSQL does for
// UTF-8) and keep their written text; keywords are decided by the parser, not here.
import { LakeshiftError, SqlState } from '../../common/errors.js';
import { syntaxError } from './errors.js';

export type TokenType =
  | 'word' // unquoted identifier or keyword; value lower case
  | 'qident' // "quoted identifier"; value unescaped, case kept
  | 'string' // any string literal; value decoded
  | 'number' // numeric literal; value as written
  | 'param' // $n; value the digits
  | 'op' // operator: + - * / < > = ~ ! @ # % ^ & | ` ? and their combinations
  | 'punct' // ( ) [ ] , ; . : ::
  | 'eof';

export interface Token {
  type: TokenType;
  value: string;
  /** Source text of the token. */
  raw: string;
  /** UTF-16 index range [start, end) in the input. */
  start: number;
  end: number;
  /** 1-based character (code point) position in the input, as PostgreSQL reports it. */
  pos: number;
}

const OP_CHARS = '+-*/<>=~!@#%^&|`?';

function isIdentStart(c: string): boolean {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_' || c > '\x7f';
}

function isIdentChar(c: string): boolean {
  return isIdentStart(c) || (c >= '0' && c <= '9') || c === '$';
}

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9';
}

function isSpace(c: string): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f' || c === '\v';
}

/** ASCII-only lower casing, as PostgreSQL folds unquoted identifiers in UTF-8 databases. */
export function foldIdent(s: string): string {
  return s.replace(/[A-Z]+/g, (m) => m.toLowerCase());
}

export interface LexerOptions {
  /**
   * PostgreSQL's standard_conforming_strings (default on): when false, backslashes in ordinary
   * '...' literals are escapes as in E'...'. Which one Redshift sessions use is the session's
   * call (SQLAlchemy and psycopg2 ask with SHOW standard_conforming_strings).
   */
  standardConformingStrings?: boolean;
}

export class Lexer {
  private i = 0;
  private readonly surrogates: boolean;
  private readonly backslashEscapes: boolean;

  constructor(
    private readonly sql: string,
    options: LexerOptions = {},
  ) {
    this.surrogates = /[\uD800-\uDFFF]/.test(sql);
    this.backslashEscapes = options.standardConformingStrings === false;
  }

  /** 1-based code point position of UTF-16 index `idx`. */
  posOf(idx: number): number {
    if (!this.surrogates) return idx + 1;
    return [...this.sql.slice(0, idx)].length + 1;
  }

  tokenize(): Token[] {
    const out: Token[] = [];
    for (;;) {
      const t = this.nextToken();
      out.push(t);
      if (t.type === 'eof') return out;
    }
  }

  private fail(message: string, start: number): never {
    const snippet = this.sql.slice(start);
    throw syntaxError(`${message} at or near "${snippet}"`, this.posOf(start));
  }

  private make(type: TokenType, value: string, start: number): Token {
    return {
      type,
      value,
      raw: this.sql.slice(start, this.i),
      start,
      end: this.i,
      pos: this.posOf(start),
    };
  }

  private skipSpaceAndComments(): void {
    const s = this.sql;
    for (;;) {
      const c = s[this.i];
      if (c === undefined) return;
      if (isSpace(c)) {
        this.i++;
      } else if (c === '-' && s[this.i + 1] === '-') {
        while (this.i < s.length && s[this.i] !== '\n' && s[this.i] !== '\r') this.i++;
      } else if (c === '/' && s[this.i + 1] === '*') {
        const start = this.i;
        let depth = 0;
        for (;;) {
          if (this.i >= s.length) this.fail('unterminated /* comment', start);
          if (s[this.i] === '/' && s[this.i + 1] === '*') {
            depth++;
            this.i += 2;
          } else if (s[this.i] === '*' && s[this.i + 1] === '/') {
            depth--;
            this.i += 2;
            if (depth === 0) break;
          } else {
            this.i++;
          }
        }
      } else {
        return;
      }
    }
  }

  private nextToken(): Token {
    this.skipSpaceAndComments();
    const s = this.sql;
    const start = this.i;
    const c = s[this.i];
    if (c === undefined) return this.make('eof', '', start);
    const c1 = s[this.i + 1];

    if ((c === 'e' || c === 'E') && c1 === "'") {
      this.i++;
      return this.make('string', this.readQuoted(start, true), start);
    }
    if ((c === 'n' || c === 'N') && c1 === "'") {
      this.i++;
      return this.make('string', this.readQuoted(start, false), start);
    }
    if (
      (c === 'u' || c === 'U') &&
      c1 === '&' &&
      (s[this.i + 2] === "'" || s[this.i + 2] === '"')
    ) {
      this.i += 2;
      const quote = s[this.i];
      const body = quote === "'" ? this.readQuoted(start, false) : this.readQuotedIdent(start);
      const value = this.decodeUnicode(body, start);
      return this.make(quote === "'" ? 'string' : 'qident', value, start);
    }
    if (isIdentStart(c)) {
      while (this.i < s.length && isIdentChar(s[this.i] as string)) this.i++;
      return this.make('word', foldIdent(s.slice(start, this.i)), start);
    }
    if (c === "'") return this.make('string', this.readQuoted(start, this.backslashEscapes), start);
    if (c === '"') return this.make('qident', this.readQuotedIdent(start), start);
    if (isDigit(c) || (c === '.' && isDigit(c1))) return this.readNumber(start);
    if (c === '$') {
      if (isDigit(c1)) {
        this.i++;
        while (isDigit(s[this.i])) this.i++;
        return this.make('param', s.slice(start + 1, this.i), start);
      }
      const dollar = this.tryDollarQuote(start);
      if (dollar !== undefined) return this.make('string', dollar, start);
    }
    if (c === ':' && c1 === ':') {
      this.i += 2;
      return this.make('punct', '::', start);
    }
    if ('()[],;.:'.includes(c)) {
      this.i++;
      return this.make('punct', c, start);
    }
    if (OP_CHARS.includes(c)) return this.readOperator(start);
    this.i++;
    throw syntaxError(`syntax error at or near "${c}"`, this.posOf(start));
  }

  /** Reads '...' starting at this.i (the quote); `escapes` enables E'' backslash escapes. */
  private readQuoted(start: number, escapes: boolean): string {
    const s = this.sql;
    let out = '';
    for (;;) {
      this.i++; // opening quote
      for (;;) {
        const ch = s[this.i];
        if (ch === undefined) this.fail('unterminated quoted string', start);
        if (ch === "'") {
          if (s[this.i + 1] === "'") {
            out += "'";
            this.i += 2;
            continue;
          }
          this.i++;
          break;
        }
        if (escapes && ch === '\\') {
          out += this.readEscape(start);
          continue;
        }
        out += ch;
        this.i++;
      }
      // 'a'<newline>'b' continues the literal (SQL standard).
      const m = /^[ \t\f\r]*\n[ \t\n\r\f]*'/.exec(s.slice(this.i));
      if (m === null) return out;
      this.i += m[0].length - 1;
    }
  }

  private readEscape(start: number): string {
    const s = this.sql;
    const e = s[this.i + 1];
    if (e === undefined) this.fail('unterminated quoted string', start);
    this.i += 2;
    const simple: Record<string, string> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
    if (simple[e] !== undefined) return simple[e];
    if (e >= '0' && e <= '7') {
      let digits = e;
      while (digits.length < 3 && (s[this.i] ?? '') >= '0' && (s[this.i] ?? '') <= '7')
        digits += s[this.i++];
      return String.fromCharCode(parseInt(digits, 8) & 0xff);
    }
    const hexRun = (max: number): string => {
      let h = '';
      while (h.length < max && /[0-9a-fA-F]/.test(s[this.i] ?? '')) h += s[this.i++];
      return h;
    };
    if (e === 'x') {
      const h = hexRun(2);
      if (h === '') return 'x';
      return String.fromCharCode(parseInt(h, 16));
    }
    if (e === 'u' || e === 'U') {
      const want = e === 'u' ? 4 : 8;
      const h = hexRun(want);
      const cp = parseInt(h, 16);
      if (h.length !== want || cp > 0x10ffff) {
        throw new LakeshiftError(SqlState.invalidEscapeSequence, 'invalid Unicode escape', {
          position: this.posOf(this.i - h.length - 2),
        });
      }
      return String.fromCodePoint(cp);
    }
    return e;
  }

  private readQuotedIdent(start: number): string {
    const s = this.sql;
    this.i++;
    let out = '';
    for (;;) {
      const ch = s[this.i];
      if (ch === undefined) this.fail('unterminated quoted identifier', start);
      if (ch === '"') {
        if (s[this.i + 1] === '"') {
          out += '"';
          this.i += 2;
          continue;
        }
        this.i++;
        break;
      }
      out += ch;
      this.i++;
    }
    if (out === '') {
      throw syntaxError('zero-length delimited identifier at or near """"', this.posOf(start));
    }
    return out;
  }

  /** U&'...' bodies: \XXXX, \+XXXXXX and \\ (the default escape character). */
  private decodeUnicode(body: string, start: number): string {
    let out = '';
    for (let k = 0; k < body.length; k++) {
      const ch = body[k] as string;
      if (ch !== '\\') {
        out += ch;
        continue;
      }
      if (body[k + 1] === '\\') {
        out += '\\';
        k++;
        continue;
      }
      const plus = body[k + 1] === '+';
      const len = plus ? 6 : 4;
      const hex = body.slice(k + (plus ? 2 : 1), k + (plus ? 2 : 1) + len);
      if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== len || parseInt(hex, 16) > 0x10ffff) {
        throw syntaxError('invalid Unicode escape value', this.posOf(start));
      }
      out += String.fromCodePoint(parseInt(hex, 16));
      k += len + (plus ? 1 : 0);
    }
    return out;
  }

  /** $$...$$ or $tag$...$tag$; undefined when `$` does not open a dollar quote. */
  private tryDollarQuote(start: number): string | undefined {
    const s = this.sql;
    const m = /^\$([A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/.exec(s.slice(start));
    if (m === null) return undefined;
    const delim = m[0];
    const bodyStart = start + delim.length;
    const end = s.indexOf(delim, bodyStart);
    if (end < 0) {
      this.i = s.length;
      this.fail('unterminated dollar-quoted string', start);
    }
    this.i = end + delim.length;
    return s.slice(bodyStart, end);
  }

  private readNumber(start: number): Token {
    const s = this.sql;
    while (isDigit(s[this.i])) this.i++;
    if (s[this.i] === '.' && s[this.i + 1] !== '.') {
      this.i++;
      while (isDigit(s[this.i])) this.i++;
    }
    if (s[this.i] === 'e' || s[this.i] === 'E') {
      const save = this.i;
      this.i++;
      if (s[this.i] === '+' || s[this.i] === '-') this.i++;
      if (isDigit(s[this.i])) {
        while (isDigit(s[this.i])) this.i++;
      } else {
        this.i = save;
      }
    }
    return this.make('number', s.slice(start, this.i), start);
  }

  /**
   * PostgreSQL's operator rule: the longest run of operator characters, cut before `--` or
   * `/*`; a multi-character operator may end in + or - only if it contains one of ~!@#%^&|`?.
   */
  private readOperator(start: number): Token {
    const s = this.sql;
    let end = start;
    while (end < s.length && OP_CHARS.includes(s[end] as string)) {
      if (
        end > start &&
        ((s[end] === '-' && s[end + 1] === '-') || (s[end] === '/' && s[end + 1] === '*'))
      )
        break;
      end++;
    }
    let op = s.slice(start, end);
    if (op.length > 1 && !/[~!@#%^&|`?]/.test(op)) {
      while (op.length > 1 && (op.endsWith('+') || op.endsWith('-'))) op = op.slice(0, -1);
    }
    this.i = start + op.length;
    return this.make('op', op, start);
  }
}

export function tokenize(sql: string, options?: LexerOptions): Token[] {
  return new Lexer(sql, options).tokenize();
}
