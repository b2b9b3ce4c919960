// The statements that are not blocks, conditionals or loops: assignment, EXIT / CONTINUE, RAISE,
// PERFORM, EXECUTE, GET DIAGNOSTICS, the cursor statements, and SQL statements (with INTO).
// https://docs.aws.amazon.com/redshift/latest/dg/c_PLpgSQL-statements.html
import type { Expr, Token } from '../sql/index.js';
import type { PlInto, PlStatement, PlTarget } from './ast.js';
import {
  parseExprList,
  parseExprRun,
  parseInto,
  parseSqlWithInto,
  parseStatementRun,
  parseTarget,
  parseTargetList,
} from './embedded.js';
import { isNameToken } from './names.js';
import type { PlParser } from './parser.js';

type Raise = Extract<PlStatement, { kind: 'Raise' }>;

const isWord =
  (...ws: string[]) =>
  (t: Token): boolean =>
    t.type === 'word' && ws.includes(t.value);

/** `target := expr;` or `target = expr;` (the caller has seen the operator ahead). */
export function parseAssignment(p: PlParser): PlStatement {
  const first = p.peek();
  const target = parseTarget(p, p.caseSensitive);
  p.eatAssign();
  return { kind: 'Assign', target, value: p.parseExprToSemicolon(), ...p.posOf(first) };
}

/**
 * `EXIT | CONTINUE [label] [WHEN cond];`. The label must belong to an enclosing block or loop;
 * without one the statement must be inside a loop; CONTINUE takes loop labels only
 * (PostgreSQL's compile-time checks, with its messages).
 */
export function parseExit(p: PlParser): PlStatement {
  const t = p.next();
  const kind = t.value === 'exit' ? 'Exit' : 'Continue';
  const stmt: PlStatement = { kind, ...p.posOf(t) };
  const labelToken = p.peek();
  if (isNameToken(labelToken) && !p.isWord('when')) {
    p.next();
    const label = p.name(labelToken);
    const target = [...p.enclosing].reverse().find((e) => e.label === label);
    if (target === undefined) {
      throw p.errorWith(
        `there is no label "${label}" attached to any block or loop enclosing this statement`,
        labelToken,
      );
    }
    if (kind === 'Continue' && !target.loop) {
      throw p.errorWith(`block label "${label}" cannot be used in CONTINUE`, labelToken);
    }
    stmt.label = label;
  } else if (!p.enclosing.some((e) => e.loop)) {
    throw p.errorWith(
      kind === 'Exit'
        ? 'EXIT cannot be used outside a loop, unless it has a label'
        : 'CONTINUE cannot be used outside a loop',
      t,
    );
  }
  if (p.eatWord('when')) stmt.when = p.parseExprTo();
  p.expectSemicolon();
  return stmt;
}

const RAISE_LEVELS = ['debug', 'log', 'info', 'notice', 'warning', 'exception'] as const;
const RAISE_OPTIONS = ['message', 'detail', 'hint', 'errcode'] as const;

/**
 * `RAISE;`, `RAISE [level] 'format' [, arg ...]`, `RAISE [level] condition_name`,
 * `RAISE [level] SQLSTATE 'xxxxx'`, each with optional `USING option = expr, ...`. The level
 * defaults to EXCEPTION. The format's `%`s must match the arguments (PostgreSQL checks this
 * when it compiles the body).
 */
export function parseRaise(p: PlParser): PlStatement {
  const raiseToken = p.next();
  const stmt: Raise = { kind: 'Raise', args: [], using: [], ...p.posOf(raiseToken) };
  if (p.eatPunct(';')) return stmt;
  stmt.level = p.eatOneOf(...RAISE_LEVELS) ?? 'exception';
  const t = p.peek();
  if (t.type === 'string') {
    p.next();
    stmt.format = t.value;
    if (p.eatPunct(',')) stmt.args = parseExprList(p, isWord('using'));
  } else if (p.eatWord('sqlstate')) {
    stmt.condition = { kind: 'sqlstate', sqlstate: parseSqlState(p) };
  } else if (t.type === 'word' && isNameToken(t)) {
    p.next();
    stmt.condition = { kind: 'name', name: t.value };
  } else if (!p.isWord('using')) {
    throw p.errorAt(t);
  }
  if (p.eatWord('using')) {
    do {
      const optionToken = p.peek();
      const option = p.eatOneOf(...RAISE_OPTIONS);
      if (option === undefined) {
        throw p.errorWith(
          `unrecognized RAISE statement option at or near "${optionToken.raw}"`,
          optionToken,
        );
      }
      if (!p.eatAssign()) throw p.errorAt();
      const end = p.scanTo((x) => x.type === 'punct' && x.value === ',');
      stmt.using.push({ option, value: parseExprRun(p, p.i, end) });
      p.i = end;
    } while (p.eatPunct(','));
  }
  p.expectSemicolon();
  if (stmt.format !== undefined) checkRaiseArguments(p, stmt.format, stmt.args.length, raiseToken);
  return stmt;
}

function checkRaiseArguments(p: PlParser, format: string, args: number, at: Token): void {
  let expected = 0;
  for (let k = 0; k < format.length; k++) {
    if (format[k] !== '%') continue;
    if (format[k + 1] === '%') k++;
    else expected++;
  }
  if (args > expected) throw p.errorWith('too many parameters specified for RAISE', at);
  if (args < expected) throw p.errorWith('too few parameters specified for RAISE', at);
}

/** The `'xxxxx'` after SQLSTATE: five digits or upper-case letters. */
export function parseSqlState(p: PlParser): string {
  const t = p.peek();
  if (t.type !== 'string') throw p.errorAt(t);
  if (!/^[0-9A-Z]{5}$/.test(t.value)) {
    throw p.errorWith(`invalid SQLSTATE code at or near "${t.raw}"`, t);
  }
  p.next();
  return t.value;
}

/** `PERFORM query;`: the query is parsed as `SELECT query`. */
export function parsePerform(p: PlParser): PlStatement {
  const t = p.peek();
  const end = p.scanTo(() => false);
  // PERFORM and `SELECT ` are both seven characters: positions stay the body's.
  const query = parseStatementRun(p, p.i, end, (text) => `SELECT ${text.slice('perform'.length)}`);
  p.i = end;
  p.expectSemicolon();
  return { kind: 'Perform', query, ...p.posOf(t) };
}

/** `EXECUTE text [INTO [STRICT] targets] [USING expr, ...];` (INTO and USING in either order). */
export function parseExecute(p: PlParser): PlStatement {
  const t = p.next();
  const text = p.parseExprTo('into', 'using');
  let into: PlInto | undefined;
  let using: Expr[] | undefined;
  for (;;) {
    const clause = p.peek();
    if (p.eatWord('into')) {
      if (into !== undefined)
        throw p.errorWith(`INTO specified more than once at or near "${clause.raw}"`, clause);
      into = parseInto(p, p.caseSensitive);
    } else if (p.eatWord('using')) {
      if (using !== undefined)
        throw p.errorWith(`USING specified more than once at or near "${clause.raw}"`, clause);
      using = parseExprList(p, isWord('into', 'using'));
    } else {
      break;
    }
  }
  p.expectSemicolon();
  return {
    kind: 'Execute',
    text,
    ...(into === undefined ? {} : { into }),
    using: using ?? [],
    ...p.posOf(t),
  };
}

/** `GET [CURRENT] DIAGNOSTICS var := ROW_COUNT [, ...];` (ROW_COUNT is the one item Redshift has). */
export function parseGetDiagnostics(p: PlParser): PlStatement {
  const t = p.next();
  p.eatWord('current');
  p.expectWord('diagnostics');
  const items: { target: PlTarget; item: 'row_count' }[] = [];
  do {
    const target = parseTarget(p, p.caseSensitive);
    if (!p.eatAssign()) throw p.errorAt();
    const item = p.peek();
    if (!p.eatWord('row_count')) {
      throw p.errorWith(`unrecognized GET DIAGNOSTICS item at or near "${item.raw}"`, item);
    }
    items.push({ target, item: 'row_count' });
  } while (p.eatPunct(','));
  p.expectSemicolon();
  return { kind: 'GetDiagnostics', items, ...p.posOf(t) };
}

function parseCursorName(p: PlParser): string {
  const t = p.peek();
  if (!isNameToken(t)) throw p.errorAt(t);
  p.next();
  return p.name(t);
}

/**
 * `OPEN bound_cursor [(args)];`, `OPEN refcursor [[NO] SCROLL] FOR query;` or
 * `OPEN refcursor [[NO] SCROLL] FOR EXECUTE text [USING expr, ...];`.
 */
export function parseOpen(p: PlParser): PlStatement {
  const t = p.next();
  const cursor = parseCursorName(p);
  const stmt: PlStatement = { kind: 'Open', cursor, args: [], ...p.posOf(t) };
  if (p.isWord('no') && p.isWord('scroll', 1)) p.i += 2;
  else p.eatWord('scroll');
  if (p.eatWord('for')) {
    if (p.eatWord('execute')) {
      const text = p.parseExprTo('using');
      const using = p.eatWord('using') ? parseExprList(p, () => false) : [];
      stmt.execute = { text, using };
    } else {
      const end = p.scanTo(() => false);
      stmt.query = parseStatementRun(p, p.i, end);
      p.i = end;
    }
  } else if (p.eatPunct('(')) {
    stmt.args = parseExprList(p, (x) => x.type === 'punct' && x.value === ')');
    p.expectPunct(')');
  }
  p.expectSemicolon();
  return stmt;
}

/** `FETCH [NEXT | FORWARD] [FROM | IN] cursor INTO target [, ...];`. */
export function parseFetch(p: PlParser): PlStatement {
  const t = p.next();
  // A cursor may itself be called next: `FETCH next INTO x`.
  if ((p.isWord('next') || p.isWord('forward')) && !p.isWord('into', 1)) p.next();
  if ((p.isWord('from') || p.isWord('in')) && !p.isWord('into', 1)) p.next();
  const cursor = parseCursorName(p);
  p.expectWord('into');
  const into = parseTargetList(p, p.caseSensitive);
  p.expectSemicolon();
  return { kind: 'FetchCursor', cursor, into, ...p.posOf(t) };
}

/** `CLOSE cursor;`. */
export function parseClose(p: PlParser): PlStatement {
  const t = p.next();
  const cursor = parseCursorName(p);
  p.expectSemicolon();
  return { kind: 'CloseCursor', cursor, ...p.posOf(t) };
}

/**
 * Any other statement is SQL, up to its `;`: the SQL parser's statement, with the PL/pgSQL INTO
 * clause taken out. COMMIT and ROLLBACK (also COMMIT WORK, ABORT) are the procedure's own
 * transaction control.
 */
export function parseSql(p: PlParser): PlStatement {
  const t = p.peek();
  const end = p.scanTo(() => false);
  const { statement, into } = parseSqlWithInto(p, p.i, end, p.caseSensitive);
  p.i = end;
  p.expectSemicolon();
  const pos = p.posOf(t);
  if (into === undefined && (statement.kind === 'Commit' || statement.kind === 'Rollback')) {
    return { kind: statement.kind, ...pos };
  }
  return { kind: 'Sql', statement, ...(into === undefined ? {} : { into }), ...pos };
}
