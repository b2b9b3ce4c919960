// Queries: WITH, set operations (UNION/INTERSECT/EXCEPT/MINUS with PostgreSQL precedence:
// INTERSECT binds tighter), SELECT, VALUES, FROM items and joins, GROUP BY, ORDER BY / LIMIT.
// https://docs.aws.amazon.com/redshift/latest/dg/r_SELECT_synopsis.html
import type {
  Alias,
  Cte,
  Expr,
  GroupBy,
  GroupingElement,
  NamedWindow,
  Query,
  Select,
  SelectItem,
  SetExpr,
  TableRef,
  Values,
  With,
} from '../ast/index.js';
import type { Parser } from './core.js';
import { parseExpr, parseOrderItems } from './expr.js';
import { parseFunctionTail, parseWindowSpec } from './functions.js';
import { isBareLabel, isColId } from './keywords.js';

/** Does a query start here (SELECT, WITH, VALUES, or `(` before one of those)? */
export function startsQuery(p: Parser, from = 0): boolean {
  let n = from;
  while (p.isPunct('(', n)) n++;
  return p.isWord('select', n) || p.isWord('with', n) || p.isWord('values', n);
}

export function parseQuery(p: Parser): Query {
  p.enter();
  try {
    const pos = p.peek().pos;
    let withClause: With | undefined;
    if (p.isWord('with')) withClause = parseWith(p);
    const body = parseSetExpr(p, 0);
    const q: Query = { kind: 'Query', body, orderBy: [], pos };
    if (withClause) q.with = withClause;
    parseQueryTail(p, q);
    if (
      p.isWord('for') &&
      (p.isWord('update', 1) || p.isWord('share', 1) || p.isWord('no', 1) || p.isWord('key', 1))
    ) {
      throw p.unsupported('SELECT ... FOR UPDATE/SHARE');
    }
    return q;
  } finally {
    p.leave();
  }
}

function parseQueryTail(p: Parser, q: Query): void {
  if (p.eatThen('order', 'by')) q.orderBy = parseOrderItems(p);
  for (;;) {
    if (p.eatWord('limit')) {
      if (q.limit !== undefined || q.limitAll) throw p.errorAt(p.tokens[p.i - 1]);
      if (p.eatWord('all')) q.limitAll = true;
      else q.limit = parseExpr(p);
    } else if (p.eatWord('offset')) {
      if (q.offset !== undefined) throw p.errorAt(p.tokens[p.i - 1]);
      q.offset = parseExpr(p);
      p.eatOneOf('row', 'rows');
    } else if (p.isWord('fetch')) {
      if (q.fetch !== undefined || q.limit !== undefined) throw p.errorAt();
      p.next();
      if (p.eatOneOf('first', 'next') === undefined) throw p.errorAt();
      if (p.isWord('row') || p.isWord('rows')) q.fetch = { kind: 'NumberLit', value: '1' };
      else q.fetch = parseExpr(p, 80);
      if (p.eatOneOf('row', 'rows') === undefined) throw p.errorAt();
      if (p.isWords('with', 'ties')) throw p.unsupported('FETCH ... WITH TIES');
      p.expectWord('only');
    } else {
      return;
    }
  }
}

function parseWith(p: Parser): With {
  const pos = p.expectWord('with').pos;
  const recursive = p.eatWord('recursive');
  const ctes = p.commaList((): Cte => {
    const name = p.parseIdent();
    const columns = p.isPunct('(') ? p.parseIdentList() : [];
    p.expectWord('as');
    let materialized: boolean | undefined;
    if (p.eatWord('materialized')) materialized = true;
    else if (p.eatWords('not', 'materialized')) materialized = false;
    p.expectPunct('(');
    const query = parseQuery(p);
    p.expectPunct(')');
    const cte: Cte = { name, columns, query, pos: name.pos };
    if (materialized !== undefined) cte.materialized = materialized;
    return cte;
  });
  return { recursive, ctes, pos };
}

/** Set operations: UNION / EXCEPT / MINUS at level 1, INTERSECT at level 2 (binds tighter). */
function parseSetExpr(p: Parser, minLevel: number): SetExpr {
  let left = parseSetPrimary(p);
  for (;;) {
    const t = p.peek();
    const op =
      t.type === 'word' && ['union', 'except', 'minus', 'intersect'].includes(t.value)
        ? (t.value as 'union' | 'except' | 'minus' | 'intersect')
        : undefined;
    if (op === undefined) return left;
    const level = op === 'intersect' ? 2 : 1;
    if (level <= minLevel) return left;
    p.next();
    let all = false;
    if (p.eatWord('all')) all = true;
    else p.eatWord('distinct');
    const right = parseSetExpr(p, level);
    left = { kind: 'SetOperation', op, all, left, right, pos: t.pos };
  }
}

function parseSetPrimary(p: Parser): SetExpr {
  if (p.isPunct('(')) {
    p.next();
    const q = parseQuery(p);
    p.expectPunct(')');
    return q;
  }
  if (p.isWord('select')) return parseSelect(p);
  if (p.isWord('values')) return parseValues(p);
  throw p.errorAt();
}

export function parseValues(p: Parser): Values {
  const pos = p.expectWord('values').pos;
  const rows = p.commaList(() => {
    p.expectPunct('(');
    const row = p.commaList(() => parseExpr(p));
    p.expectPunct(')');
    return row;
  });
  return { kind: 'Values', rows, pos };
}

function parseSelect(p: Parser): Select {
  const pos = p.expectWord('select').pos;
  const s: Select = { kind: 'Select', items: [], from: [], windows: [], pos };
  if (p.eatWord('distinct')) {
    s.quantifier = 'distinct';
    if (p.eatWord('on')) {
      p.expectPunct('(');
      s.distinctOn = p.commaList(() => parseExpr(p));
      p.expectPunct(')');
    }
  } else if (p.eatWord('all')) {
    s.quantifier = 'all';
  }
  if (p.eatWord('top')) s.top = parseExpr(p, 140);
  // `SELECT FROM t` is legal; `SELECT DISTINCT` needs a list.
  if (s.quantifier === 'distinct' || !startsClauseAfterSelectList(p)) {
    s.items = p.commaList(() => parseSelectItem(p));
  }
  if (p.isWord('into')) {
    p.next();
    const temporary = p.eatOneOf('temp', 'temporary') !== undefined;
    p.eatWord('table');
    s.into = { temporary, table: p.parseQualifiedName() };
  }
  if (p.eatWord('from')) s.from = parseFromList(p);
  if (p.eatWord('where')) s.where = parseExpr(p);
  if (p.eatThen('group', 'by')) s.groupBy = parseGroupBy(p);
  if (p.eatWord('having')) s.having = parseExpr(p);
  // Redshift has QUALIFY (and no WINDOW clause); accept both in either order.
  for (;;) {
    if (s.windows.length === 0 && p.eatWord('window')) {
      s.windows = p.commaList((): NamedWindow => {
        const name = p.parseIdent();
        p.expectWord('as');
        return { name, spec: parseWindowSpec(p) };
      });
    } else if (s.qualify === undefined && p.eatWord('qualify')) {
      s.qualify = parseExpr(p);
    } else {
      return s;
    }
  }
}

/** An empty select list (`SELECT FROM t`, `SELECT;`) is PostgreSQL-legal. */
function startsClauseAfterSelectList(p: Parser): boolean {
  const t = p.peek();
  if (t.type === 'eof') return true;
  if (t.type === 'punct') return t.value === ')' || t.value === ';';
  return (
    t.type === 'word' &&
    [
      'from',
      'where',
      'group',
      'having',
      'window',
      'union',
      'intersect',
      'except',
      'minus',
      'order',
      'limit',
      'offset',
      'fetch',
      'into',
      'qualify',
    ].includes(t.value)
  );
}

function parseSelectItem(p: Parser): SelectItem {
  const pos = p.peek().pos;
  if (p.isOp('*')) {
    p.next();
    return { expr: { kind: 'Star', qualifier: [], pos }, pos };
  }
  const expr = parseExpr(p);
  const alias = expr.kind === 'Star' ? undefined : p.parseOptionalAlias(isBareLabel);
  return alias ? { expr, alias, pos } : { expr, pos };
}

function parseGroupBy(p: Parser): GroupBy {
  if (p.eatWord('all')) {
    if (p.isPunct(',')) throw p.errorAt();
    return { all: true, items: [] };
  }
  if (p.isWord('distinct')) throw p.unsupported('GROUP BY DISTINCT');
  return { items: p.commaList(() => parseGroupingElement(p)) };
}

function parseGroupingElement(p: Parser): GroupingElement {
  const pos = p.peek().pos;
  if (p.isWord('rollup') || p.isWord('cube')) {
    if (p.isPunct('(', 1)) {
      const kind = p.next().value === 'rollup' ? 'Rollup' : 'Cube';
      p.expectPunct('(');
      const items = p.commaList(() => parseExpr(p));
      p.expectPunct(')');
      return { kind, items, pos };
    }
  }
  if (p.isWords('grouping', 'sets')) {
    p.i += 2;
    p.expectPunct('(');
    const sets = p.commaList(() => parseGroupingElement(p));
    p.expectPunct(')');
    return { kind: 'GroupingSets', sets, pos };
  }
  if (p.isPunct('(') && p.isPunct(')', 1)) {
    p.i += 2;
    return { kind: 'RowExpr', fields: [], explicit: false, pos };
  }
  return parseExpr(p);
}

export function parseFromList(p: Parser): TableRef[] {
  return p.commaList(() => parseJoinedTable(p));
}

const JOIN_START = new Set(['join', 'inner', 'left', 'right', 'full', 'cross', 'natural']);

function parseJoinedTable(p: Parser): TableRef {
  let left = parseTablePrimary(p);
  for (;;) {
    const t = p.peek();
    if (t.type !== 'word' || !JOIN_START.has(t.value)) return left;
    const natural = p.eatWord('natural');
    let type: 'inner' | 'left' | 'right' | 'full' | 'cross' = 'inner';
    const w = p.eatOneOf('inner', 'left', 'right', 'full', 'cross');
    if (w !== undefined) type = w;
    if (type === 'left' || type === 'right' || type === 'full') p.eatWord('outer');
    p.expectWord('join');
    const right = parseTablePrimary(p);
    const join: TableRef = { kind: 'Join', type, natural, left, right, pos: t.pos };
    if (type !== 'cross' && !natural) {
      if (p.eatWord('on')) join.on = parseExpr(p);
      else if (p.eatWord('using')) join.using = p.parseIdentList();
      else throw p.errorAt();
    }
    left = join;
  }
}

function parseAlias(p: Parser): Alias | undefined {
  const name = p.parseOptionalAlias(isColId);
  if (name === undefined) return undefined;
  const columns = p.isPunct('(') ? p.parseIdentList() : [];
  return { name, columns };
}

export function parseTablePrimary(p: Parser): TableRef {
  const pos = p.peek().pos;
  const lateral = p.eatWord('lateral');
  if (p.isPunct('(')) {
    const derived = (): TableRef => {
      p.expectPunct('(');
      const query = parseQuery(p);
      p.expectPunct(')');
      const alias = parseAlias(p);
      return { kind: 'DerivedTable', lateral, query, ...(alias ? { alias } : {}), pos };
    };
    const nestedJoin = (): TableRef => {
      if (lateral) throw p.errorAt();
      p.expectPunct('(');
      const inner = parseJoinedTable(p);
      p.expectPunct(')');
      if (
        p.isWord('as') ||
        (p.peek().type === 'word' && isColId(p.peek().value) && !JOIN_START.has(p.peek().value))
      ) {
        if (parseAlias(p) !== undefined) throw p.unsupported('an alias on a parenthesized join');
      }
      return inner;
    };
    if (p.isWord('select', 1) || p.isWord('with', 1) || p.isWord('values', 1)) return derived();
    return startsQuery(p) ? p.either(derived, nestedJoin) : nestedJoin();
  }
  const only = p.eatWord('only');
  // PartiQL's UNPIVOT of a SUPER object's attributes (a relation named unpivot stays one).
  const unpivot =
    !only && p.isWord('unpivot') && (p.peek(1).type === 'word' || p.peek(1).type === 'qident');
  if (unpivot) p.next();
  // A PartiQL path into a SUPER value may be longer than a relation's name (the binder checks).
  const name = p.parseQualifiedName(64);
  if (p.isPunct('(')) {
    if (only) throw p.errorAt();
    const call = parseFunctionTail(p, name, pos);
    if (call.over !== undefined || call.filter !== undefined) throw p.errorAt();
    const withOrdinality = p.eatWords('with', 'ordinality');
    const alias = parseAlias(p);
    return {
      kind: 'TableFunction',
      lateral,
      call,
      ...(withOrdinality ? { withOrdinality } : {}),
      ...(alias ? { alias } : {}),
      pos,
    };
  }
  if (lateral) throw p.errorAt();
  const alias = parseAlias(p);
  const at = p.eatWord('at') ? p.parseIdent() : undefined;
  return {
    kind: 'TableName',
    name,
    ...(alias ? { alias } : {}),
    ...(only ? { only } : {}),
    ...(at ? { at } : {}),
    ...(unpivot ? { unpivot } : {}),
    pos,
  };
}

export type { Expr };
