// The parser: the token cursor (token-cursor.ts) with SQL's errors (statement positions), and
// small shared helpers (identifiers, qualified names, lists).
// Every area parser (expr.ts, select.ts, dml.ts, ...) is a set of functions over one Parser.
import { LakeshiftError, SqlState } from '../../common/errors.js';
import type { Ident } from '../ast/index.js';
import { notSupported, syntaxErrorAt } from '../lexer/errors.js';
import { Lexer, type LexerOptions, type Token } from '../lexer/lexer.js';

export type ParseOptions = LexerOptions;
import { isColId } from './keywords.js';
import { TokenCursor } from './token-cursor.js';

/** How deeply expressions and queries may nest before parsing stops with 54000. */
const MAX_DEPTH = 500;

export class Parser extends TokenCursor {
  /** Recursion depth guard: deeply nested input fails cleanly instead of overflowing the stack. */
  depth = 0;

  constructor(
    readonly sql: string,
    /** The lexer's options, for text parsed again (UNLOAD's query literal). */
    readonly options: ParseOptions = {},
  ) {
    super(new Lexer(sql, options).tokenize());
  }

  /** The error for an unexpected token (PostgreSQL's wording). */
  errorAt(t: Token = this.peek()): Error {
    return t.type === 'eof' ? syntaxErrorAt(undefined, t.pos) : syntaxErrorAt(t.raw, t.pos);
  }

  unsupported(what: string, t: Token = this.peek()): Error {
    return notSupported(what, t.pos);
  }

  isWords(...ws: string[]): boolean {
    return ws.every((w, k) => this.isWord(w, k));
  }

  /** Consumes the sequence of words if all match, else nothing. */
  eatWords(...ws: string[]): boolean {
    if (!this.isWords(...ws)) return false;
    this.i += ws.length;
    return true;
  }

  /** `first second` where `second` must follow once `first` is seen (`ORDER BY`). */
  eatThen(first: string, second: string): boolean {
    if (!this.eatWord(first)) return false;
    this.expectWord(second);
    return true;
  }

  expectWords(...ws: string[]): void {
    for (const w of ws) this.expectWord(w);
  }

  /** Runs `fn`; if it throws, rewinds and returns undefined (bounded backtracking). */
  attempt<T>(fn: () => T): T | undefined {
    const save = this.i;
    const depth = this.depth;
    try {
      return fn();
    } catch (e) {
      this.i = save;
      this.depth = depth;
      if (e instanceof RangeError) throw e;
      return undefined;
    }
  }

  /**
   * Tries `first`, else rewinds and tries `second`. When both fail, the error that got further
   * into the input wins (ties go to `first`), so messages point where PostgreSQL's would.
   */
  either<T>(first: () => T, second: () => T): T {
    const save = this.i;
    const depth = this.depth;
    try {
      return first();
    } catch (e1) {
      if (e1 instanceof RangeError || !(e1 instanceof LakeshiftError)) throw e1;
      this.i = save;
      this.depth = depth;
      try {
        return second();
      } catch (e2) {
        if (e2 instanceof LakeshiftError && (e2.position ?? 0) > (e1.position ?? 0)) throw e2;
        throw e2 instanceof LakeshiftError ? e1 : e2;
      }
    }
  }

  enter(): void {
    if (++this.depth > MAX_DEPTH) {
      throw new LakeshiftError(SqlState.programLimitExceeded, 'stack depth limit exceeded', {
        hint: `Expressions and queries may nest at most ${MAX_DEPTH} levels deep.`,
        position: this.peek().pos,
      });
    }
  }

  leave(): void {
    this.depth--;
  }

  /** An identifier token (quoted, or an unquoted word accepted by `allow`). */
  isIdent(allow: (w: string) => boolean = isColId, n = 0): boolean {
    const t = this.peek(n);
    return t.type === 'qident' || (t.type === 'word' && allow(t.value));
  }

  parseIdent(allow: (w: string) => boolean = isColId): Ident {
    const t = this.peek();
    if (!this.isIdent(allow)) throw this.errorAt(t);
    this.i++;
    return tokenIdent(t);
  }

  /** Any word or quoted name, keywords included (option names, SET parameters). */
  parseAnyIdent(): Ident {
    const t = this.peek();
    if (t.type !== 'word' && t.type !== 'qident') throw this.errorAt(t);
    this.i++;
    return tokenIdent(t);
  }

  /** `a.b.c` (1..max parts); later parts may be any word (`pg_catalog.user`). */
  parseQualifiedName(max = 3, allow: (w: string) => boolean = isColId): Ident[] {
    const parts = [this.parseIdent(allow)];
    while (this.isPunct('.') && parts.length < max) {
      this.i++;
      parts.push(this.parseAnyIdent());
    }
    if (this.isPunct('.')) throw this.errorAt();
    return parts;
  }

  /** `(a, b, c)` of identifiers. */
  parseIdentList(): Ident[] {
    this.expectPunct('(');
    const out = this.commaList(() => this.parseIdent());
    this.expectPunct(')');
    return out;
  }

  commaList<T>(item: () => T): T[] {
    const out = [item()];
    while (this.eatPunct(',')) out.push(item());
    return out;
  }

  /**
   * An optional alias: `AS name` (any word), or a bare name accepted by `bare` — select-list
   * labels use isBareLabel, FROM items isColId (PostgreSQL's BareColLabel / ColId).
   */
  parseOptionalAlias(bare: (w: string) => boolean): Ident | undefined {
    if (this.eatWord('as')) return this.parseAnyIdent();
    const t = this.peek();
    if (t.type === 'qident' || (t.type === 'word' && bare(t.value))) return this.parseAnyIdent();
    return undefined;
  }

  parseInteger(): number {
    const t = this.peek();
    if (t.type !== 'number' || !/^\d+$/.test(t.value)) throw this.errorAt(t);
    this.i++;
    return Number(t.value);
  }

  parseStringValue(): string {
    const t = this.peek();
    if (t.type !== 'string') throw this.errorAt(t);
    this.i++;
    return t.value;
  }
}

export function tokenIdent(t: Token): Ident {
  return { value: t.value, quoted: t.type === 'qident', pos: t.pos, raw: t.raw };
}
