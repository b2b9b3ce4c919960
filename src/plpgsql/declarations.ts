// The DECLARE section: variables (`name [CONSTANT] type [NOT NULL] [{DEFAULT | := | =} expr]`),
// aliases (`name ALIAS FOR $n`) and bound cursors (`name CURSOR [(arg type, ...)] FOR query`).
// https://docs.aws.amazon.com/redshift/latest/dg/c_PLpgSQL-structure.html#r_PLpgSQL-variable-declaration
// https://docs.aws.amazon.com/redshift/latest/dg/c_PLpgSQL-statements.html#r_PLpgSQL-cursors
import type { Ident, Token } from '../sql/index.js';
import type { PlDeclaration, PlType } from './ast.js';
import { parseStatementRun, parseTypeRun } from './embedded.js';
import { isNameToken, tokenIdent } from './names.js';
import type { PlParser } from './parser.js';

/** The names one block declares, and what each is. */
export type Scope = Map<string, PlDeclaration['kind']>;

/** Declarations up to BEGIN (not consumed); a repeated DECLARE is allowed, as in PostgreSQL. */
export function parseDeclarations(p: PlParser, scope: Scope): PlDeclaration[] {
  const out: PlDeclaration[] = [];
  while (!p.isWord('begin')) {
    if (p.eatWord('declare')) continue;
    const nameToken = p.peek();
    if (!isNameToken(nameToken)) throw p.errorAt(nameToken);
    p.next();
    const name = p.name(nameToken);
    if (scope.has(name)) {
      throw p.errorWith(`duplicate declaration at or near "${nameToken.raw}"`, nameToken);
    }
    const decl = parseDeclaration(p, name, nameToken);
    scope.set(name, decl.kind);
    out.push(decl);
  }
  return out;
}

function parseDeclaration(p: PlParser, name: string, nameToken: Token): PlDeclaration {
  const pos = p.posOf(nameToken);
  if (p.eatWord('alias')) {
    p.expectWord('for');
    const t = p.peek();
    let target: string;
    if (t.type === 'param') target = `$${t.value}`;
    else if (isNameToken(t)) target = p.name(t);
    else throw p.errorAt(t);
    p.next();
    p.expectSemicolon();
    return { kind: 'Alias', name, target, ...pos };
  }
  if (startsCursor(p)) return parseCursor(p, name, pos);

  const constant = p.eatWord('constant');
  const typeEnd = p.scanTo(
    (t) =>
      (t.type === 'word' &&
        (t.value === 'not' || t.value === 'default' || t.value === 'collate')) ||
      (t.type === 'punct' && t.value === ':=') ||
      (t.type === 'op' && t.value === '='),
  );
  const type = parsePlType(p, p.i, typeEnd);
  p.i = typeEnd;
  let notNull = false;
  if (p.eatWord('not')) {
    p.expectWord('null');
    notNull = true;
  }
  const decl: PlDeclaration = { kind: 'Variable', name, type, constant, notNull, ...pos };
  if (p.eatWord('default') || p.eatAssign()) decl.default = p.parseExprTo();
  p.expectSemicolon();
  return decl;
}

/** `CURSOR`, `SCROLL CURSOR` or `NO SCROLL CURSOR` (scrolling is not kept: FETCH only reads forward). */
function startsCursor(p: PlParser): boolean {
  if (p.isWord('cursor')) return true;
  if (p.isWord('scroll') && p.isWord('cursor', 1)) return true;
  return p.isWord('no') && p.isWord('scroll', 1) && p.isWord('cursor', 2);
}

function parseCursor(
  p: PlParser,
  name: string,
  pos: { line: number; offset: number },
): PlDeclaration {
  while (!p.eatWord('cursor')) p.next();
  const params: { name: string; type: PlType }[] = [];
  if (p.eatPunct('(')) {
    do {
      const t = p.peek();
      if (!isNameToken(t)) throw p.errorAt(t);
      p.next();
      const end = p.scanTo((x) => x.type === 'punct' && (x.value === ',' || x.value === ')'));
      params.push({ name: p.name(t), type: parsePlType(p, p.i, end) });
      p.i = end;
    } while (p.eatPunct(','));
    p.expectPunct(')');
  }
  if (p.eatOneOf('for', 'is') === undefined) throw p.errorAt();
  const end = p.scanTo(() => false);
  const query = parseStatementRun(p, p.i, end);
  p.i = end;
  p.expectSemicolon();
  return { kind: 'Cursor', name, params, query, ...pos };
}

/**
 * The type of tokens [from, to): RECORD, REFCURSOR, `name%TYPE`, `table%ROWTYPE`, or a SQL type
 * for the SQL parser.
 */
function parsePlType(p: PlParser, from: number, to: number): PlType {
  const first = p.at(from);
  if (to === from + 1 && first.type === 'word') {
    if (first.value === 'record') return { kind: 'record' };
    if (first.value === 'refcursor') return { kind: 'refcursor' };
  }
  const percent = p.at(to - 2);
  const suffix = p.at(to - 1);
  if (to - from >= 3 && percent.type === 'op' && percent.value === '%' && suffix.type === 'word') {
    if (suffix.value !== 'type' && suffix.value !== 'rowtype') throw p.errorAt(suffix);
    const ref = parseDottedName(p, from, to - 2);
    return suffix.value === 'type' ? { kind: 'copyType', ref } : { kind: 'rowType', table: ref };
  }
  return { kind: 'sql', type: parseTypeRun(p, from, to) };
}

/** `a`, `a.b` or `a.b.c` exactly filling tokens [from, to). */
function parseDottedName(p: PlParser, from: number, to: number): Ident[] {
  if ((to - from) % 2 === 0) throw p.errorAt(p.at(to));
  const parts: Ident[] = [];
  for (let k = from; k < to; k += 2) {
    const t = p.at(k);
    if (t.type !== 'word' && t.type !== 'qident') throw p.errorAt(t);
    parts.push(tokenIdent(t));
    const dot = p.at(k + 1);
    if (k + 1 < to && !(dot.type === 'punct' && dot.value === '.')) throw p.errorAt(dot);
  }
  if (parts.length > 3) throw p.errorAt(p.at(from + 6));
  return parts;
}
