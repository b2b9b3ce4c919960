// Expressions: a Pratt parser with PostgreSQL 15's precedence
// (https://www.postgresql.org/docs/15/sql-syntax-lexical.html#SQL-PRECEDENCE), lowest first:
// OR, AND, NOT, IS, comparison, BETWEEN/IN/LIKE, other operators, + -, * / %, ^,
// AT TIME ZONE, COLLATE, unary + -, [] subscripts, :: casts.
import type { Expr, FunctionCall, Ident, OrderItem, Query, TypedLit } from '../ast/index.js';
import type { Token } from '../lexer/lexer.js';
import type { Parser } from './core.js';
import { tokenIdent } from './core.js';
import { parseFunctionTail, parseSpecialFunction } from './functions.js';
import { isColId, isFuncName, RESERVED, TYPE_FUNC_NAME } from './keywords.js';
import { parseQuery, startsQuery } from './select.js';
import { parseIntervalFields, parseTypeName, startsBuiltinType } from './types.js';

export const Prec = {
  or: 10,
  and: 20,
  not: 30,
  is: 40,
  cmp: 50,
  like: 60,
  other: 70,
  add: 80,
  mul: 90,
  exp: 100,
  atTimeZone: 110,
  collate: 120,
  unary: 130,
  postfix: 140,
} as const;

const NOT_PREFIX = new Set(['=', '<', '>', '*', '/', '%', '^', '<=', '>=', '<>', '!=', '=>']);
const CMP_OPS = new Set(['<', '>', '=', '<=', '>=', '<>', '!=']);
const ADD_OPS = new Set(['+', '-']);
const MUL_OPS = new Set(['*', '/', '%']);

const KEYWORD_FUNCTIONS = new Set([
  'current_date',
  'current_time',
  'current_timestamp',
  'localtime',
  'localtimestamp',
  'current_user',
  'current_role',
  'session_user',
  'user',
  'current_catalog',
]);
const KEYWORD_FUNCTIONS_WITH_PRECISION = new Set([
  'current_time',
  'current_timestamp',
  'localtime',
  'localtimestamp',
]);

export function parseExpr(p: Parser, minPrec = 0): Expr {
  p.enter();
  try {
    let left = parsePrefix(p);
    let lastCmp = false;
    for (;;) {
      const prec = infixPrecedence(p);
      if (prec <= minPrec) break;
      if (prec === Prec.cmp && lastCmp) throw p.errorAt();
      left = parseInfix(p, left, prec);
      lastCmp = prec === Prec.cmp;
    }
    return left;
  } finally {
    p.leave();
  }
}

/** The precedence of the next token as an infix/postfix operator, 0 if it is none. */
function infixPrecedence(p: Parser): number {
  const t = p.peek();
  if (t.type === 'op') {
    if (CMP_OPS.has(t.value)) return Prec.cmp;
    if (ADD_OPS.has(t.value)) return Prec.add;
    if (MUL_OPS.has(t.value)) return Prec.mul;
    if (t.value === '^') return Prec.exp;
    if (t.value === '=>') return 0;
    return Prec.other;
  }
  if (t.type === 'punct') {
    if (t.value === '::' || t.value === '[') return Prec.postfix;
    return 0;
  }
  if (t.type !== 'word') return 0;
  switch (t.value) {
    case 'or':
      return Prec.or;
    case 'and':
      return Prec.and;
    case 'is':
    case 'isnull':
    case 'notnull':
      return Prec.is;
    case 'between':
    case 'in':
    case 'like':
    case 'ilike':
    case 'similar':
      return Prec.like;
    case 'not': {
      const n = p.peek(1);
      return n.type === 'word' && ['between', 'in', 'like', 'ilike', 'similar'].includes(n.value)
        ? Prec.like
        : 0;
    }
    case 'operator':
      return Prec.other;
    case 'at':
      // Like PostgreSQL's grammar, AT after an expression always begins AT TIME ZONE.
      return Prec.atTimeZone;
    case 'collate':
      return Prec.collate;
    default:
      return 0;
  }
}

function parseInfix(p: Parser, left: Expr, prec: number): Expr {
  const t = p.next();
  const pos = t.pos;
  if (t.type === 'punct') {
    if (t.value === '::')
      return { kind: 'Cast', expr: left, type: parseTypeName(p), syntax: 'colon', pos };
    // SUPER navigation goes on after a subscript: col[0].a.b
    return parseFieldSelection(p, parseSubscript(p, left, pos));
  }
  if (t.type === 'op') return parseBinaryRest(p, left, t.value, prec, pos);
  switch (t.value) {
    case 'or':
    case 'and':
      return { kind: 'Binary', op: t.value, left, right: parseExpr(p, prec), pos };
    case 'isnull':
      return { kind: 'IsTest', expr: left, test: 'null', negated: false, pos };
    case 'notnull':
      return { kind: 'IsTest', expr: left, test: 'null', negated: true, pos };
    case 'is':
      return parseIs(p, left, pos);
    case 'operator': {
      const { schema, op } = parseOperatorName(p);
      const e = parseBinaryRest(p, left, op, Prec.other, pos);
      if (e.kind === 'Binary') e.operatorSchema = schema;
      else if (schema !== '') throw p.unsupported('OPERATOR() with ANY/ALL', t);
      return e;
    }
    case 'at':
      p.expectWords('time', 'zone');
      return { kind: 'AtTimeZone', expr: left, zone: parseExpr(p, Prec.atTimeZone), pos };
    case 'collate':
      return { kind: 'Collate', expr: left, collation: p.parseQualifiedName(2, () => true), pos };
    case 'not':
      return parseLikeFamily(p, left, p.next(), true, pos);
    default:
      return parseLikeFamily(p, left, t, false, pos);
  }
}

/** `OPERATOR(schema.op)` after the OPERATOR word. */
function parseOperatorName(p: Parser): { schema: string; op: string } {
  p.expectPunct('(');
  let schema = '';
  if (p.peek().type === 'word' || p.peek().type === 'qident') {
    schema = p.parseAnyIdent().value;
    p.expectPunct('.');
  }
  const t = p.next();
  if (t.type !== 'op') throw p.errorAt(t);
  p.expectPunct(')');
  return { schema, op: t.value };
}

function parseBinaryRest(p: Parser, left: Expr, op: string, prec: number, pos: number): Expr {
  const q = p.peek();
  if (q.type === 'word' && ['any', 'some', 'all'].includes(q.value) && p.isPunct('(', 1)) {
    p.i += 2;
    const quantifier = q.value as 'any' | 'some' | 'all';
    let e: Expr;
    if (startsQuery(p)) {
      e = { kind: 'Quantified', op, quantifier, left, query: parseQuery(p), pos };
    } else {
      e = { kind: 'Quantified', op, quantifier, left, array: parseExpr(p), pos };
    }
    p.expectPunct(')');
    return e;
  }
  return { kind: 'Binary', op, left, right: parseExpr(p, prec), pos };
}

function parseIs(p: Parser, left: Expr, pos: number): Expr {
  const negated = p.eatWord('not');
  const w = p.eatOneOf('null', 'true', 'false', 'unknown', 'distinct');
  if (w === undefined) throw p.errorAt();
  if (w === 'distinct') {
    p.expectWord('from');
    return { kind: 'IsDistinct', left, right: parseExpr(p, Prec.is), negated, pos };
  }
  return { kind: 'IsTest', expr: left, test: w, negated, pos };
}

function parseLikeFamily(p: Parser, left: Expr, t: Token, negated: boolean, pos: number): Expr {
  switch (t.value) {
    case 'between': {
      const symmetric = p.eatWord('symmetric');
      if (!symmetric) p.eatWord('asymmetric');
      const low = parseExpr(p, Prec.like);
      p.expectWord('and');
      const high = parseExpr(p, Prec.like);
      return { kind: 'Between', expr: left, low, high, negated, symmetric, pos };
    }
    case 'in': {
      p.expectPunct('(');
      const subquery = (): Expr => {
        const query = parseQuery(p);
        p.expectPunct(')');
        return { kind: 'InSubquery', expr: left, query, negated, pos };
      };
      const list = (): Expr => {
        const items = p.commaList(() => parseExpr(p));
        p.expectPunct(')');
        return { kind: 'InList', expr: left, list: items, negated, pos };
      };
      if (p.isWord('select') || p.isWord('with') || p.isWord('values')) return subquery();
      return startsQuery(p) ? p.either(subquery, list) : list();
    }
    case 'like':
    case 'ilike':
    case 'similar': {
      if (t.value === 'similar') p.expectWord('to');
      const pattern = parseExpr(p, Prec.like);
      const escape = p.eatWord('escape') ? parseExpr(p, Prec.like) : undefined;
      const op = t.value === 'similar' ? 'similar' : t.value === 'ilike' ? 'ilike' : 'like';
      return { kind: 'Like', op, expr: left, pattern, ...(escape ? { escape } : {}), negated, pos };
    }
    default:
      throw p.errorAt(t);
  }
}

function parseSubscript(p: Parser, expr: Expr, pos: number): Expr {
  let index: Expr | undefined;
  if (!p.isPunct(':')) index = parseExpr(p);
  if (p.eatPunct(':')) {
    const upper = p.isPunct(']') ? undefined : parseExpr(p);
    p.expectPunct(']');
    return {
      kind: 'Subscript',
      expr,
      slice: true,
      ...(index ? { index } : {}),
      ...(upper ? { upper } : {}),
      pos,
    };
  }
  p.expectPunct(']');
  if (index === undefined) throw p.errorAt();
  return { kind: 'Subscript', expr, slice: false, index, pos };
}

function parsePrefix(p: Parser): Expr {
  const t = p.peek();
  const pos = t.pos;
  switch (t.type) {
    case 'number':
      p.next();
      return { kind: 'NumberLit', value: t.value, pos };
    case 'string':
      p.next();
      return { kind: 'StringLit', value: t.value, pos };
    case 'param':
      p.next();
      return { kind: 'Param', index: Number(t.value), pos };
    case 'op':
      p.next();
      if (t.value === '-' || t.value === '+') {
        return { kind: 'Unary', op: t.value, operand: parseExpr(p, Prec.unary), pos };
      }
      // Only PostgreSQL's generic operators are prefix operators; = < > * / % ^ and the
      // two-character comparisons are not.
      if (NOT_PREFIX.has(t.value)) throw p.errorAt(t);
      return { kind: 'Unary', op: t.value, operand: parseExpr(p, Prec.other), pos };
    case 'punct':
      if (t.value === '(') return parseParenthesized(p);
      if (t.value === '[') throw p.errorAt(t);
      throw p.errorAt(t);
    case 'qident':
      return parseNameExpr(p);
    case 'word':
      return parseWordExpr(p, t);
    default:
      throw p.errorAt(t);
  }
}

function parseParenthesized(p: Parser): Expr {
  const pos = p.next().pos;
  const subquery = (): Expr => {
    const query = parseQuery(p);
    p.expectPunct(')');
    return { kind: 'Subquery', query, pos };
  };
  const expression = (): Expr => {
    const first = parseExpr(p);
    if (p.eatPunct(',')) {
      const fields = [first, ...p.commaList(() => parseExpr(p))];
      p.expectPunct(')');
      return { kind: 'RowExpr', fields, explicit: false, pos };
    }
    p.expectPunct(')');
    return first;
  };
  let e: Expr;
  if (p.isWord('select') || p.isWord('with') || p.isWord('values')) e = subquery();
  // `((SELECT 1) UNION (SELECT 2))` is a query; `((SELECT 1) + 1)` is an expression.
  else if (startsQuery(p)) e = p.either(subquery, expression);
  else e = expression();
  return parseFieldSelection(p, e);
}

/** `(expr).field`, `(expr).*` after a parenthesized expression. */
function parseFieldSelection(p: Parser, e: Expr): Expr {
  let out = e;
  while (p.isPunct('.')) {
    const pos = p.next().pos;
    if (p.eatOp('*')) {
      out = { kind: 'FieldSelect', expr: out, pos };
    } else {
      out = { kind: 'FieldSelect', expr: out, field: p.parseAnyIdent(), pos };
    }
  }
  return out;
}

function parseWordExpr(p: Parser, t: Token): Expr {
  const w = t.value;
  const pos = t.pos;
  const nextIsParen = p.isPunct('(', 1);
  switch (w) {
    case 'null':
      p.next();
      return { kind: 'NullLit', pos };
    case 'true':
    case 'false':
      p.next();
      return { kind: 'BoolLit', value: w === 'true', pos };
    case 'default':
      p.next();
      return { kind: 'Default', pos };
    case 'not':
      p.next();
      return { kind: 'Unary', op: 'not', operand: parseExpr(p, Prec.not), pos };
    case 'case':
      return parseCase(p);
    case 'approximate': {
      // Redshift's APPROXIMATE COUNT(DISTINCT x).
      if (!p.isWord('count', 1) || !p.isPunct('(', 2)) break;
      p.next();
      const call = parseWordExpr(p, p.peek());
      if (call.kind !== 'FunctionCall' || !call.distinct || call.args.length !== 1) {
        throw p.unsupported('APPROXIMATE other than APPROXIMATE COUNT(DISTINCT expression)', t);
      }
      return { ...call, approximate: true, pos };
    }
    case 'cast': {
      p.next();
      p.expectPunct('(');
      const expr = parseExpr(p);
      p.expectWord('as');
      const type = parseTypeName(p);
      p.expectPunct(')');
      return { kind: 'Cast', expr, type, syntax: 'cast', pos };
    }
    case 'exists': {
      if (!nextIsParen) break; // a column named exists
      p.next();
      p.expectPunct('(');
      const query = parseQuery(p);
      p.expectPunct(')');
      return { kind: 'Exists', query, pos };
    }
    case 'array':
      return parseArray(p);
    case 'row':
      if (nextIsParen) {
        p.i += 2;
        const fields = p.isPunct(')') ? [] : p.commaList(() => parseExpr(p));
        p.expectPunct(')');
        return { kind: 'RowExpr', fields, explicit: true, pos };
      }
      break;
    case 'operator':
      if (nextIsParen) throw p.unsupported('prefix OPERATOR()', t);
      break;
    case 'interval':
      if (p.peek(1).type === 'string') {
        p.next();
        const value = p.next().value;
        const fields = parseIntervalFields(p);
        const type = {
          kind: 'TypeName',
          name: 'interval',
          spelling: 'interval',
          modifiers: [],
          arrayDims: 0,
        } as const;
        const lit: TypedLit = {
          kind: 'TypedLit',
          type:
            fields === undefined
              ? { ...type, modifiers: [] }
              : { ...type, modifiers: [], intervalFields: fields },
          value,
          pos,
        };
        return lit;
      }
      break;
    case 'current_schema':
      if (!nextIsParen) {
        p.next();
        return { kind: 'KeywordFunction', name: 'current_schema', pos };
      }
      break;
  }
  if (KEYWORD_FUNCTIONS.has(w)) {
    p.next();
    if (KEYWORD_FUNCTIONS_WITH_PRECISION.has(w) && p.eatPunct('(')) {
      const precision = p.parseInteger();
      p.expectPunct(')');
      return { kind: 'KeywordFunction', name: w as 'current_time', precision, pos };
    }
    return { kind: 'KeywordFunction', name: w as 'current_date', pos };
  }
  // PostgreSQL's lexer turns NULLS FIRST/LAST into one token: never a column named nulls.
  if (w === 'nulls' && (p.isWord('first', 1) || p.isWord('last', 1))) throw p.errorAt(t);
  if (nextIsParen) {
    const special = parseSpecialFunction(p, w);
    if (special !== undefined) return special;
  }
  // Typed literals: DATE '...', TIMESTAMP WITH TIME ZONE '...', int4 '1', pg_catalog.int4 '1'.
  if ((startsBuiltinType(p) || (isFuncName(w) && !nextIsParen)) && stringFollowsTypeName(p)) {
    const lit = p.attempt(() => {
      const type = parseTypeName(p);
      const s = p.peek();
      if (s.type !== 'string' || type.arrayDims > 0) throw p.errorAt(s);
      p.next();
      return { kind: 'TypedLit', type, value: s.value, pos } as TypedLit;
    });
    if (lit !== undefined) return lit;
  }
  if (RESERVED.has(w) && !nextIsParen) throw p.errorAt(t);
  return parseNameExpr(p);
}

/**
 * Cheap lookahead before trying a typed literal: a string must follow within the few tokens a
 * type name can span (`timestamp(3) with time zone '...'`, `pg_catalog.int4 '1'`).
 */
function stringFollowsTypeName(p: Parser): boolean {
  for (let n = 1; n < 10; n++) {
    const t = p.peek(n);
    if (t.type === 'string') return true;
    // Words inside a type name continue it (`double precision`, `with time zone`) or follow a
    // qualifier's dot; any other word (`p_type LIKE '%x'`) means this is no typed literal.
    const afterDot = p.isPunct('.', n - 1);
    const typeToken =
      (t.type === 'word' && (afterDot || TYPE_NAME_WORDS.has(t.value))) ||
      (t.type === 'qident' && afterDot) ||
      t.type === 'number' ||
      (t.type === 'punct' && ['(', ')', ',', '.'].includes(t.value));
    if (!typeToken) return false;
  }
  return false;
}

/** Words that continue a multi-word type name. */
const TYPE_NAME_WORDS = new Set([
  'precision',
  'varying',
  'with',
  'without',
  'time',
  'zone',
  'local',
  'char',
  'character',
  'double',
  'year',
  'month',
  'day',
  'hour',
  'minute',
  'second',
  'to',
]);

/** A column reference, `t.*`, or a function call starting with a (qualified) name. */
function parseNameExpr(p: Parser): Expr {
  const first = p.peek();
  const pos = first.pos;
  const callable = first.type === 'qident' || isFuncName(first.value);
  if (first.type === 'word' && !isColId(first.value) && !(callable && p.isPunct('(', 1))) {
    // type_func_name keywords (left, right, ...) only as function names: like PostgreSQL,
    // complain about the token after the keyword, where the call's `(` was expected.
    if (TYPE_FUNC_NAME.has(first.value)) throw p.errorAt(p.peek(1));
    throw p.errorAt(first);
  }
  p.next();
  const parts: Ident[] = [tokenIdent(first)];
  while (p.isPunct('.')) {
    p.next();
    if (p.isOp('*')) {
      p.next();
      return { kind: 'Star', qualifier: parts, pos };
    }
    const t = p.peek();
    if (t.type !== 'word' && t.type !== 'qident') throw p.errorAt(t);
    p.next();
    parts.push(tokenIdent(t));
  }
  if (p.isPunct('(')) {
    if (parts.length > 3) throw p.errorAt();
    return parseFunctionTail(p, parts, pos);
  }
  // Past db.schema.table.column the parts are SUPER navigation (col.a.b), which the binder
  // tells apart from relation names.
  return { kind: 'ColumnRef', parts, pos };
}

function parseCase(p: Parser): Expr {
  const pos = p.next().pos;
  const operand = p.isWord('when') ? undefined : parseExpr(p);
  const whens: { when: Expr; then: Expr }[] = [];
  while (p.eatWord('when')) {
    const when = parseExpr(p);
    p.expectWord('then');
    whens.push({ when, then: parseExpr(p) });
  }
  if (whens.length === 0) throw p.errorAt();
  const elseExpr = p.eatWord('else') ? parseExpr(p) : undefined;
  p.expectWord('end');
  return {
    kind: 'Case',
    ...(operand ? { operand } : {}),
    whens,
    ...(elseExpr ? { else: elseExpr } : {}),
    pos,
  };
}

function parseArray(p: Parser): Expr {
  const pos = p.next().pos;
  // Redshift's ARRAY(a, b, ...) builds a SUPER array; ARRAY(SELECT ...) stays a subquery.
  if (p.isPunct('(') && !startsQuery(p, 1)) {
    return parseFunctionTail(p, [{ value: 'array', quoted: false, pos }], pos);
  }
  if (p.eatPunct('(')) {
    const query: Query = parseQuery(p);
    p.expectPunct(')');
    return { kind: 'ArraySubquery', query, pos };
  }
  return parseArrayBrackets(p, pos, false);
}

function parseArrayBrackets(p: Parser, pos: number, bare: boolean): Expr {
  p.expectPunct('[');
  const elements: Expr[] = [];
  if (!p.isPunct(']')) {
    do {
      if (p.isPunct('[')) elements.push(parseArrayBrackets(p, p.peek().pos, true));
      else elements.push(parseExpr(p));
    } while (p.eatPunct(','));
  }
  p.expectPunct(']');
  return { kind: 'ArrayExpr', elements, ...(bare ? { bare } : {}), pos };
}

/** `ORDER BY a [ASC|DESC] [NULLS FIRST|LAST], ...` items (after the ORDER BY words). */
export function parseOrderItems(p: Parser): OrderItem[] {
  return p.commaList(() => {
    const expr = parseExpr(p);
    const item: OrderItem = { expr };
    const dir = p.eatOneOf('asc', 'desc');
    if (dir !== undefined) item.direction = dir;
    if (p.isWord('using')) throw p.unsupported('ORDER BY ... USING');
    if (p.eatWord('nulls')) {
      const n = p.eatOneOf('first', 'last');
      if (n === undefined) throw p.errorAt();
      item.nulls = n;
    }
    return item;
  });
}

export type { FunctionCall };
