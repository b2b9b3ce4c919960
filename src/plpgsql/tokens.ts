// The body's text and tokens. Tokens are the SQL lexer's (comments, '' and E'' strings, dollar
// quotes, quoted identifiers), with PL/pgSQL's own punctuation joined: `:=` and `..` (the SQL
// lexer reads `1..10` as 1, `.`, `.10`). The cursor finds where a piece of embedded SQL ends:
// at a stop token outside parentheses, brackets and CASE ... END, or at the `;` that ends the
// statement. Errors name the body's line as PostgreSQL does ("compilation of PL/pgSQL function
// "p" near line N").
import { LakeshiftError, SqlState, type SqlStateCode } from '../common/errors.js';
import { isPunctToken, tokenize, TokenCursor, type Token } from '../sql/index.js';

export interface BodyOptions {
  procedureName?: string;
  /**
   * 1-based character position of the body's first character in the statement that holds it
   * (CREATE PROCEDURE): errors then carry `position` in that statement, as PostgreSQL's do.
   * Without it they carry none (the line is in `where`).
   */
  bodyPosition?: number;
}

/** The body text: line numbers and errors. */
export class Body {
  /** UTF-16 index of each line's first character. */
  private readonly lineStarts: number[] = [0];

  constructor(
    readonly source: string,
    private readonly options: BodyOptions,
  ) {
    for (let k = 0; k < source.length; k++) {
      const c = source.charCodeAt(k);
      // \r\n, \n and a lone \r each end a line.
      if (c === 10 || (c === 13 && source.charCodeAt(k + 1) !== 10)) this.lineStarts.push(k + 1);
    }
  }

  /** 1-based line of UTF-16 index `index`. */
  lineOf(index: number): number {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.lineStarts[mid] as number) <= index) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }

  /** An error at UTF-16 index `index` (`pos`: its 1-based character position) of the body. */
  error(
    sqlstate: SqlStateCode,
    message: string,
    index: number,
    pos: number | undefined,
    fields: { detail?: string; hint?: string } = {},
  ): LakeshiftError {
    const name = this.options.procedureName ?? 'inline_code_block';
    const where = `compilation of PL/pgSQL function "${name}" near line ${this.lineOf(index)}`;
    const base = this.options.bodyPosition;
    const position = base !== undefined && pos !== undefined ? base + pos - 1 : undefined;
    return new LakeshiftError(sqlstate, message, {
      ...fields,
      where,
      ...(position === undefined ? {} : { position }),
    });
  }

  /**
   * `syntax error at or near "tok"` (as written), or `at end of input`; `lineIndex` is where
   * the line is counted.
   */
  syntaxErrorAt(t: Token, lineIndex = t.start): LakeshiftError {
    const message =
      t.type === 'eof' ? 'syntax error at end of input' : `syntax error at or near "${t.raw}"`;
    return this.error(SqlState.syntaxError, message, lineIndex, t.pos);
  }

  /** The body's tokens; lexical errors (an unterminated string) come back placed in the body. */
  tokenize(): Token[] {
    let raw: Token[];
    try {
      raw = tokenize(this.source);
    } catch (e) {
      if (!(e instanceof LakeshiftError)) throw e;
      const pos = e.position ?? 1;
      throw this.error(e.sqlstate, e.message, unitIndex(this.source, pos), pos);
    }
    return joinPlPunctuation(raw);
  }
}

/** UTF-16 index of 1-based character (code point) position `pos` in `text`. */
export function unitIndex(text: string, pos: number): number {
  if (!/[\uD800-\uDFFF]/.test(text)) return Math.min(pos - 1, text.length);
  let index = 0;
  for (let chars = 1; chars < pos && index < text.length; chars++) {
    index += (text.codePointAt(index) as number) > 0xffff ? 2 : 1;
  }
  return index;
}

function joinPlPunctuation(raw: Token[]): Token[] {
  const out: Token[] = [];
  for (let k = 0; k < raw.length; k++) {
    const t = raw[k] as Token;
    const n = raw[k + 1];
    const touching = n !== undefined && n.start === t.end;
    if (touching && t.type === 'punct' && t.value === ':' && n.type === 'op' && n.value === '=') {
      out.push({ ...t, value: ':=', raw: ':=', end: n.end });
      k++;
    } else if (touching && t.type === 'punct' && t.value === '.' && isPunctToken(n, '.')) {
      out.push({ ...t, value: '..', raw: '..', end: n.end });
      k++;
    } else if (touching && isPunctToken(t, '.') && n.type === 'number' && n.raw.startsWith('.')) {
      // `1..10`: the lexer took the second dot into the number.
      out.push({ ...t, value: '..', raw: '..', end: t.end + 1 });
      const digits = n.raw.slice(1);
      out.push({ ...n, value: digits, raw: digits, start: n.start + 1, pos: n.pos + 1 });
      k++;
    } else {
      out.push(t);
    }
  }
  return out;
}

/** A cursor over the body's tokens; errors name the body's line. */
export class BodyCursor extends TokenCursor {
  constructor(readonly body: Body) {
    super(body.tokenize());
  }

  at(k: number): Token {
    return this.tokens[Math.min(k, this.tokens.length - 1)] as Token;
  }

  /** `;` ends every statement and declaration. */
  expectSemicolon(): void {
    this.expectPunct(';');
  }

  /** `:=` or `=`, consumed. */
  eatAssign(): boolean {
    if (this.isPunct(':=') || this.isOp('=')) {
      this.i++;
      return true;
    }
    return false;
  }

  errorAt(t: Token = this.peek()): LakeshiftError {
    return this.body.syntaxErrorAt(t, this.lastLineIndex(t));
  }

  /** An error with its own message at token `t` (42601). */
  errorWith(message: string, t: Token = this.peek()): LakeshiftError {
    return this.body.error(SqlState.syntaxError, message, this.lastLineIndex(t), t.pos);
  }

  /**
   * Where the line of an error at `t` is counted: the end of input counts as the line of the
   * last token, as PostgreSQL's scanner leaves it.
   */
  private lastLineIndex(t: Token): number {
    if (t.type !== 'eof') return t.start;
    return this.tokens.length > 1 ? (this.tokens[this.tokens.length - 2] as Token).start : 0;
  }

  /**
   * Index of the first token from `from` on that ends a piece of embedded SQL: one `stop` accepts
   * outside parentheses, brackets and CASE ... END, else the `;` outside parentheses and
   * brackets, else the end of input. A `;` inside parentheses is left to the SQL parser to
   * reject.
   */
  scanTo(stop: (t: Token) => boolean, from = this.i): number {
    let depth = 0;
    let cases = 0;
    for (let k = from; ; k++) {
      const t = this.at(k);
      if (t.type === 'eof') return k;
      if (depth === 0 && t.type === 'punct' && t.value === ';') return k;
      if (depth === 0 && cases === 0 && stop(t)) return k;
      if (t.type === 'punct') {
        if (t.value === '(' || t.value === '[') depth++;
        else if ((t.value === ')' || t.value === ']') && depth > 0) depth--;
      } else if (t.type === 'word') {
        if (t.value === 'case') cases++;
        else if (t.value === 'end' && cases > 0) cases--;
      }
    }
  }

  /** scanTo stopping at any of the unquoted words `ws`. */
  scanToWord(...ws: string[]): number {
    return this.scanTo((t) => t.type === 'word' && ws.includes(t.value));
  }
}
