// The token cursor the SQL parser (core.ts) and PL/pgSQL's body cursor both build on: look at,
// consume and expect words, punctuation and operators. Each subclass builds its own errors
// (errorAt): the SQL parser's carry the statement position, PL/pgSQL's the body's line.
import type { Token } from '../lexer/lexer.js';

/** Is `t` the unquoted word `w` (keywords are unquoted words, folded to lower case)? */
export function isWordToken(t: Token, w: string): boolean {
  return t.type === 'word' && t.value === w;
}

export function isPunctToken(t: Token, p: string): boolean {
  return t.type === 'punct' && t.value === p;
}

export abstract class TokenCursor {
  i = 0;

  /** `tokens` ends with the lexer's eof token, which peek returns past the end. */
  constructor(readonly tokens: Token[]) {}

  /** The error for an unexpected token `t`. */
  abstract errorAt(t?: Token): Error;

  peek(n = 0): Token {
    const t = this.tokens[this.i + n];
    return t ?? (this.tokens[this.tokens.length - 1] as Token);
  }

  next(): Token {
    const t = this.peek();
    if (t.type !== 'eof') this.i++;
    return t;
  }

  atEnd(): boolean {
    return this.peek().type === 'eof';
  }

  /** Is the next token (offset n) the unquoted word w? */
  isWord(w: string, n = 0): boolean {
    return isWordToken(this.peek(n), w);
  }

  eatWord(w: string): boolean {
    return this.eatIf(this.isWord(w));
  }

  expectWord(w: string): Token {
    return this.expectIf(this.isWord(w));
  }

  /** The next word if it is one of `ws`, consumed; else undefined. */
  eatOneOf<W extends string>(...ws: W[]): W | undefined {
    const t = this.peek();
    if (t.type !== 'word') return undefined;
    const w = ws.find((x) => x === t.value);
    if (w !== undefined) this.i++;
    return w;
  }

  isPunct(p: string, n = 0): boolean {
    return isPunctToken(this.peek(n), p);
  }

  eatPunct(p: string): boolean {
    return this.eatIf(this.isPunct(p));
  }

  expectPunct(p: string): Token {
    return this.expectIf(this.isPunct(p));
  }

  isOp(op: string, n = 0): boolean {
    const t = this.peek(n);
    return t.type === 'op' && t.value === op;
  }

  eatOp(op: string): boolean {
    return this.eatIf(this.isOp(op));
  }

  expectOp(op: string): Token {
    return this.expectIf(this.isOp(op));
  }

  /** Consumes the next token if `matches` (the eat* methods). */
  private eatIf(matches: boolean): boolean {
    if (matches) this.i++;
    return matches;
  }

  /** The next token, consumed, if `matches`; else the error at it (the expect* methods). */
  private expectIf(matches: boolean): Token {
    if (!matches) throw this.errorAt();
    return this.next();
  }
}
