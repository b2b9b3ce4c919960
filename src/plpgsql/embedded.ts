// SQL inside the body: statements, expressions and types are parsed by the SQL front end from
// the body's own text (a run of tokens), then their positions are moved to the body: `pos` is a
// 1-based character position in the body and a statement's `span` indexes the body text, so
// `source.slice(span.start, span.end)` is the statement as written. Errors of the SQL parser
// keep their SQLSTATE and message and gain the body line ("near line N").
import { LakeshiftError } from '../common/errors.js';
import {
  isWordToken,
  parseExpression,
  parseOne,
  parseType,
  type Expr,
  type Statement,
  type Token,
  type TypeName,
} from '../sql/index.js';
import type { PlInto, PlTarget } from './ast.js';
import { isNameToken, nameOf } from './names.js';
import { unitIndex, type BodyCursor } from './tokens.js';

/** A change to a statement's text that keeps its length (so positions stay the body's). */
type Edit = (text: string) => string;

/**
 * Parses the body text of tokens [from, to) with `parse`. An empty run is a syntax error at the
 * token where the SQL was expected.
 */
function parseRun<T>(
  c: BodyCursor,
  from: number,
  to: number,
  parse: (text: string) => T,
  edit?: Edit,
): T {
  if (from >= to) throw c.errorAt(c.at(from));
  const first = c.at(from);
  const start = first.start;
  const original = c.body.source.slice(start, c.at(to - 1).end);
  const text = edit === undefined ? original : edit(original);
  let tree: T;
  try {
    tree = parse(text);
  } catch (e) {
    if (!(e instanceof LakeshiftError)) throw e;
    const fields = {
      ...(e.detail === undefined ? {} : { detail: e.detail }),
      ...(e.hint === undefined ? {} : { hint: e.hint }),
    };
    if (e.position === undefined) {
      throw c.body.error(e.sqlstate, e.message, start, first.pos, fields);
    }
    const index = start + unitIndex(text, e.position);
    throw c.body.error(e.sqlstate, e.message, index, first.pos - 1 + e.position, fields);
  }
  shiftPositions(tree, start, first.pos - 1);
  return tree;
}

/** Adds `units` to every `span` and `chars` to every `pos` in a freshly parsed tree. */
function shiftPositions(root: unknown, units: number, chars: number): void {
  const seen = new Set<object>();
  const walk = (v: unknown): void => {
    if (typeof v !== 'object' || v === null || seen.has(v)) return;
    seen.add(v);
    if (Array.isArray(v)) {
      for (const x of v) walk(x);
      return;
    }
    const o = v as Record<string, unknown>;
    for (const k in o) {
      const x = o[k];
      if (k === 'pos' && typeof x === 'number') {
        o[k] = x + chars;
      } else if (k === 'span' && typeof x === 'object' && x !== null) {
        const span = x as { start: number; end: number };
        o[k] = { start: span.start + units, end: span.end + units };
      } else {
        walk(x);
      }
    }
  };
  walk(root);
}

export function parseExprRun(c: BodyCursor, from: number, to: number): Expr {
  return parseRun(c, from, to, (text) => parseExpression(text));
}

export function parseTypeRun(c: BodyCursor, from: number, to: number): TypeName {
  return parseRun(c, from, to, (text) => parseType(text));
}

export function parseStatementRun(c: BodyCursor, from: number, to: number, edit?: Edit): Statement {
  return parseRun(c, from, to, (text) => parseOne(text), edit);
}

/**
 * Comma-separated expressions from the cursor up to a token `stop` accepts (outside brackets),
 * or the statement's `;`. The cursor ends on that token.
 */
export function parseExprList(c: BodyCursor, stop: (t: Token) => boolean): Expr[] {
  const out: Expr[] = [];
  for (;;) {
    const end = c.scanTo((t) => (t.type === 'punct' && t.value === ',') || stop(t));
    out.push(parseExprRun(c, c.i, end));
    c.i = end;
    if (!c.eatPunct(',')) return out;
  }
}

/** `[STRICT] target [, target ...]` after INTO; the cursor ends after the last target. */
export function parseInto(c: BodyCursor, caseSensitive: boolean): PlInto {
  const strict = c.eatWord('strict');
  return { targets: parseTargetList(c, caseSensitive), strict };
}

/** `target [, target ...]`. */
export function parseTargetList(c: BodyCursor, caseSensitive: boolean): PlTarget[] {
  const targets: PlTarget[] = [];
  do targets.push(parseTarget(c, caseSensitive));
  while (c.eatPunct(','));
  return targets;
}

/** `name` or `record.field`. */
export function parseTarget(c: BodyCursor, caseSensitive: boolean): PlTarget {
  const t = c.peek();
  if (!isNameToken(t)) throw c.errorAt(t);
  c.next();
  if (!c.isPunct('.')) return { name: nameOf(t, caseSensitive) };
  c.next();
  const f = c.peek();
  if (f.type !== 'word' && f.type !== 'qident') throw c.errorAt(f);
  c.next();
  return { name: nameOf(t, caseSensitive), field: nameOf(f, caseSensitive) };
}

/** Words after which INTO belongs to the SQL statement (INSERT INTO, MERGE INTO). */
const SQL_INTO_AFTER = new Set(['insert', 'merge']);
/** INTO followed by these makes a table (Redshift's SELECT ... INTO [TEMP] TABLE t). */
const INTO_TABLE = new Set(['temp', 'temporary', 'table', 'unlogged']);

/**
 * A SQL statement of tokens [from, to), with the PL/pgSQL INTO clause (SELECT INTO, and
 * INSERT/UPDATE/DELETE ... RETURNING ... INTO) read from it and blanked out of the text the
 * SQL parser sees. As in PostgreSQL the INTO may stand anywhere outside parentheses.
 */
export function parseSqlWithInto(
  c: BodyCursor,
  from: number,
  to: number,
  caseSensitive: boolean,
): { statement: Statement; into?: PlInto } {
  let depth = 0;
  let found: { into: PlInto; start: number; end: number } | undefined;
  for (let k = from; k < to; k++) {
    const t = c.at(k);
    if (t.type === 'punct' && (t.value === '(' || t.value === '[')) depth++;
    else if (t.type === 'punct' && (t.value === ')' || t.value === ']') && depth > 0) depth--;
    if (depth > 0 || !isWordToken(t, 'into')) continue;
    const before = c.at(k - 1);
    if (k > from && before.type === 'word' && SQL_INTO_AFTER.has(before.value)) continue;
    const after = c.at(k + 1);
    if (after.type === 'word' && INTO_TABLE.has(after.value)) continue;
    if (found !== undefined)
      throw c.errorWith(`INTO specified more than once at or near "${t.raw}"`, t);
    const save = c.i;
    c.i = k + 1;
    const into = parseInto(c, caseSensitive);
    found = { into, start: t.start, end: c.at(c.i - 1).end };
    k = c.i - 1;
    c.i = save;
  }
  if (found === undefined) return { statement: parseStatementRun(c, from, to) };
  const base = c.at(from).start;
  const [s, e] = [found.start - base, found.end - base];
  const statement = parseStatementRun(
    c,
    from,
    to,
    (text) => text.slice(0, s) + blank(text.slice(s, e)) + text.slice(e),
  );
  return { statement, into: found.into };
}

/** Spaces for every character but line breaks. */
function blank(text: string): string {
  return text.replace(/[^\r\n]/g, ' ');
}
