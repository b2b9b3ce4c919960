// parse(sql): the statements of a (possibly multi-statement) string. Empty statements are
// skipped; each statement records its source span. Errors are LakeshiftError 42601 with
// PostgreSQL's `syntax error at or near "x"` and a 1-based position, or 0A000 for constructs
// we recognize but do not support yet.
import { LakeshiftError, SqlState } from '../../common/errors.js';
import type { Expr, Statement, TypeName } from '../ast/index.js';
import { Parser, type ParseOptions } from './core.js';
import { parseExpr } from './expr.js';
import { parseTypeName } from './types.js';
import { parseCopy } from './copy.js';
import { parseUnload } from './unload.js';
import { parseClose, parseDeclare, parseFetch } from './cursor.js';
import {
  parseAlterSchema,
  parseAlterTable,
  parseCommentOn,
  parseCreate,
  parseDrop,
} from './ddl.js';
import { parseDelete, parseInsert, parseMerge, parseTruncate, parseUpdate } from './dml.js';
import { parseQuery, startsQuery } from './select.js';
import {
  parseDiscard,
  parseReset,
  parseSet,
  parseShow,
  parseTransactionStatement,
} from './session.js';
import { parseAlterUser } from './user.js';
import { parseAlterDatabase } from './database.js';
import { parseAlterMaterializedView, parseRefreshMaterializedView } from './materialized-view.js';
import { parseAlterProcedure, parseShowProcedure } from './procedure.js';
import {
  parseAlterSystem,
  parseAnalyze,
  parseCall,
  parseDeallocate,
  parseExecute,
  parseExplain,
  parseLock,
  parsePrepare,
  parseVacuum,
} from './utility.js';

/** Statements we know Redshift has but do not support yet (0A000 rather than 42601). */
const KNOWN_UNSUPPORTED = new Set([
  'grant',
  'revoke',
  'cancel',
  'listen',
  'notify',
  'unlisten',
  'reindex',
  'cluster',
  'checkpoint',
  'load',
  'do',
  'security',
  'reassign',
  'import',
  'table',
]);

export function parseStatement(p: Parser): Statement {
  const t = p.peek();
  if (t.type === 'punct' && t.value === '(') {
    if (startsQuery(p)) return parseQuery(p);
    throw p.errorAt();
  }
  if (t.type !== 'word') throw p.errorAt();
  switch (t.value) {
    case 'select':
    case 'with':
    case 'values':
      return parseQuery(p);
    case 'insert':
      return parseInsert(p);
    case 'update':
      return parseUpdate(p);
    case 'delete':
      return parseDelete(p);
    case 'merge':
      return parseMerge(p);
    case 'truncate':
      return parseTruncate(p);
    case 'copy':
      return parseCopy(p);
    case 'unload':
      return parseUnload(p);
    case 'create':
      return parseCreate(p);
    case 'drop':
      return parseDrop(p);
    case 'alter': {
      const pos = p.next().pos;
      if (p.isWord('table')) return parseAlterTable(p, pos);
      if (p.isWord('schema')) return parseAlterSchema(p, pos);
      if (p.isWord('user')) return parseAlterUser(p, pos);
      if (p.isWord('database')) return parseAlterDatabase(p, pos);
      if (p.isWord('system')) return parseAlterSystem(p, pos);
      if (p.isWord('procedure')) return parseAlterProcedure(p, pos);
      if (p.isWords('materialized', 'view')) return parseAlterMaterializedView(p, pos);
      const w = p.peek();
      if (w.type === 'word') throw p.unsupported(`ALTER ${w.value.toUpperCase()}`, w);
      throw p.errorAt();
    }
    case 'comment':
      return parseCommentOn(p);
    case 'begin':
    case 'start':
    case 'commit':
    case 'end':
    case 'rollback':
    case 'abort':
    case 'savepoint':
    case 'release':
      return parseTransactionStatement(p);
    case 'set':
      return parseSet(p);
    case 'reset':
      return parseReset(p);
    case 'show':
      // SHOW PROCEDURE name; a bare `SHOW procedure` would be a setting of that name.
      if (p.isWord('procedure', 1) && p.peek(2).type !== 'eof' && !p.isPunct(';', 2)) {
        return parseShowProcedure(p);
      }
      return parseShow(p);
    case 'discard':
      return parseDiscard(p);
    case 'explain':
      return parseExplain(p, parseStatement);
    case 'prepare':
      return parsePrepare(p, parseStatement);
    case 'execute':
      return parseExecute(p);
    case 'deallocate':
      return parseDeallocate(p);
    case 'call':
      return parseCall(p);
    case 'analyze':
    case 'analyse':
      return parseAnalyze(p);
    case 'vacuum':
      return parseVacuum(p);
    case 'lock':
      return parseLock(p);
    case 'declare':
      return parseDeclare(p);
    case 'fetch':
    case 'move':
      return parseFetch(p);
    case 'close':
      return parseClose(p);
    case 'refresh':
      return parseRefreshMaterializedView(p);
  }
  if (KNOWN_UNSUPPORTED.has(t.value)) throw p.unsupported(t.value.toUpperCase(), t);
  throw p.errorAt();
}

/** Parses every statement of `sql`. */
export function parse(sql: string, options?: ParseOptions): Statement[] {
  let p: Parser;
  try {
    p = new Parser(sql, options);
  } catch (e) {
    throw rethrow(e);
  }
  const out: Statement[] = [];
  try {
    for (;;) {
      while (p.eatPunct(';'));
      if (p.atEnd()) return out;
      const first = p.peek();
      const stmt = parseStatement(p);
      const last = p.tokens[p.i - 1] ?? first;
      stmt.span = { start: first.start, end: last.end };
      out.push(stmt);
      if (!p.atEnd() && !p.isPunct(';')) throw p.errorAt();
    }
  } catch (e) {
    throw rethrow(e);
  }
}

/** Parses exactly one statement (trailing `;` allowed). */
export function parseOne(sql: string, options?: ParseOptions): Statement {
  const stmts = parse(sql, options);
  if (stmts.length !== 1) {
    throw new LakeshiftError(
      SqlState.syntaxError,
      stmts.length === 0
        ? 'empty query'
        : 'cannot insert multiple commands into a prepared statement',
    );
  }
  return stmts[0] as Statement;
}

/**
 * One whole expression (`a + 1`, `x IS NULL`), for languages that embed SQL expressions: the
 * PL/pgSQL parser's conditions, assignments and arguments. Errors as parse()'s.
 */
export function parseExpression(sql: string, options?: ParseOptions): Expr {
  return parseWhole(sql, options, parseExpr);
}

/** One whole data type (`varchar(20)`, `numeric(10,2)`, `timestamp with time zone`). */
export function parseType(sql: string, options?: ParseOptions): TypeName {
  return parseWhole(sql, options, parseTypeName);
}

function parseWhole<T>(sql: string, options: ParseOptions | undefined, item: (p: Parser) => T): T {
  try {
    const p = new Parser(sql, options);
    const out = item(p);
    if (!p.atEnd()) throw p.errorAt();
    return out;
  } catch (e) {
    throw rethrow(e);
  }
}

/** Stack exhaustion on absurdly nested input becomes a clean error, never a crash. */
function rethrow(e: unknown): unknown {
  if (e instanceof RangeError) {
    return new LakeshiftError(SqlState.programLimitExceeded, 'stack depth limit exceeded');
  }
  return e;
}

export { Parser, type ParseOptions };
