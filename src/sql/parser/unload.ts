// Redshift's UNLOAD: https://docs.aws.amazon.com/redshift/latest/dg/r_UNLOAD.html
//   UNLOAD ('select-statement') TO 's3://object-path/name-prefix' [authorization] [option ...]
// The query inside the literal is parsed with the same parser (Redshift checks it as a query);
// its node positions are moved to where its characters stand in the statement, so an error
// in it points into the literal. Parameters are kept as written (name lower case, optional AS
// dropped, `FORMAT [AS] X` normalized to the option X as in COPY); what they mean and which
// combinations Redshift refuses is the business of ingest/unload.ts.
import { LakeshiftError } from '../../common/errors.js';
import type { Query, Unload, UnloadOption } from '../ast/index.js';
import type { Token } from '../lexer/lexer.js';
import { Parser } from './core.js';
import { parseQuery, startsQuery } from './select.js';

const FORMATS = new Set(['csv', 'parquet', 'json']);
/** Parameters whose value is a bare word: `IAM_ROLE default`, `ENCRYPTED AUTO`, `MANIFEST VERBOSE`. */
const WORD_VALUES: Record<string, readonly string[]> = {
  iam_role: ['default'],
  encrypted: ['auto'],
  manifest: ['verbose'],
};
const BOOLEAN_WORDS: Record<string, boolean> = { on: true, true: true, off: false, false: false };
const SIZED = new Set(['maxfilesize', 'rowgroupsize']);

export function parseUnload(p: Parser): Unload {
  const pos = p.expectWord('unload').pos;
  p.expectPunct('(');
  const literal = p.peek();
  if (literal.type !== 'string') throw p.errorAt(literal);
  p.next();
  p.expectPunct(')');
  p.expectWord('to');
  const location = p.parseStringValue();
  const unload: Unload = {
    kind: 'Unload',
    query: parseQueryLiteral(literal, p),
    location,
    options: [],
    pos,
  };
  p.eatWord('with');
  for (;;) {
    const t = p.peek();
    if (t.type !== 'word') return unload;
    if (t.value === 'partition') {
      p.next();
      p.expectWord('by');
      if (unload.partitionBy !== undefined) throw p.errorAt(t);
      unload.partitionBy = { columns: p.parseIdentList(), include: p.eatWord('include') };
      continue;
    }
    unload.options.push(parseOption(p));
  }
}

function parseOption(p: Parser): UnloadOption {
  if (p.isWord('as')) throw p.errorAt();
  const name = p.next().value;
  if (name === 'format') {
    p.eatWord('as');
    const f = p.peek();
    if (f.type !== 'word' || !FORMATS.has(f.value)) throw p.errorAt(f);
    p.next();
    return { name: f.value };
  }
  // A format takes no value (unlike COPY's JSON 'auto').
  if (FORMATS.has(name)) return { name };
  if (name === 'parallel') {
    const w = p.peek();
    const b = w.type === 'word' ? BOOLEAN_WORDS[w.value] : undefined;
    if (b === undefined) return { name };
    p.next();
    return { name, value: { kind: 'boolean', value: b } };
  }
  const words = WORD_VALUES[name];
  if (words !== undefined) {
    const w = p.peek();
    if (w.type === 'word' && words.includes(w.value)) {
      p.next();
      return { name, value: { kind: 'word', value: w.value } };
    }
  }
  const as = p.eatWord('as');
  const v = p.peek();
  if (SIZED.has(name)) {
    if (v.type !== 'number') throw p.errorAt(v);
    p.next();
    const unit = p.eatOneOf('mb', 'gb');
    return { name, value: { kind: 'number', value: v.value }, ...(unit ? { unit } : {}) };
  }
  if (v.type === 'string' || v.type === 'number') {
    p.next();
    return { name, value: { kind: v.type, value: v.value } };
  }
  // AS announces a value.
  if (as) throw p.errorAt(v);
  return { name };
}

/**
 * The query inside UNLOAD's literal: one query (a trailing `;` allowed), parsed with the
 * statement's own lexer options, positions moved into the statement.
 */
function parseQueryLiteral(literal: Token, outer: Parser): Query {
  const text = literal.value;
  const at = positionMap(literal);
  let query: Query;
  try {
    const p = new Parser(text, outer.options);
    if (!startsQuery(p)) throw p.errorAt();
    query = parseQuery(p);
    p.eatPunct(';');
    if (!p.atEnd()) throw p.errorAt();
  } catch (e) {
    if (e instanceof LakeshiftError && e.position !== undefined) {
      throw new LakeshiftError(e.sqlstate, e.message, {
        detail: e.detail,
        hint: e.hint,
        position: at(e.position),
      });
    }
    throw e;
  }
  movePositions(query, at);
  return query;
}

/** Rewrites every `pos` under `node` (in place: the tree was just built here). */
function movePositions(node: unknown, at: (pos: number) => number): void {
  if (Array.isArray(node)) {
    for (const x of node) movePositions(x, at);
    return;
  }
  if (typeof node !== 'object' || node === null) return;
  const obj = node as Record<string, unknown>;
  for (const k in obj) {
    const v = obj[k];
    if (k === 'pos' && typeof v === 'number') obj[k] = at(v);
    else if (typeof v === 'object' && v !== null && k !== 'span') movePositions(v, at);
  }
}

/**
 * From a 1-based character position in a string literal's value to the position of that
 * character in the statement. Exact for plain '…' literals (a doubled quote is one character
 * of the value); other spellings (E'…', $$…$$, continued literals) map to the literal's start.
 */
function positionMap(literal: Token): (pos: number) => number {
  const raw = literal.raw;
  if (!raw.startsWith("'") || !raw.endsWith("'")) return () => literal.pos;
  const chars = Array.from(raw);
  const offsets: number[] = [];
  for (let i = 1; i < chars.length - 1; i++) {
    offsets.push(i);
    if (chars[i] === "'") {
      if (chars[i + 1] !== "'") return () => literal.pos;
      i++;
    }
  }
  return (pos) => literal.pos + (offsets[pos - 1] ?? chars.length - 1);
}
