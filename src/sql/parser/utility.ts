// EXPLAIN, PREPARE / EXECUTE / DEALLOCATE, CALL, ANALYZE, VACUUM, LOCK, ALTER SYSTEM.
// https://docs.aws.amazon.com/redshift/latest/dg/r_VACUUM_command.html
import type { Statement } from '../ast/index.js';
import type { Parser } from './core.js';
import { parseExpr } from './expr.js';
import { parseTypeName } from './types.js';

export function parseExplain(p: Parser, parseStatement: (p: Parser) => Statement): Statement {
  const pos = p.expectWord('explain').pos;
  if (p.isPunct('(')) throw p.unsupported('EXPLAIN (options)');
  const analyze = p.eatOneOf('analyze', 'analyse') !== undefined;
  const verbose = p.eatWord('verbose');
  const statement = parseStatement(p);
  return { kind: 'Explain', analyze, verbose, statement, pos };
}

export function parsePrepare(p: Parser, parseStatement: (p: Parser) => Statement): Statement {
  const pos = p.expectWord('prepare').pos;
  if (p.isWord('transaction')) throw p.unsupported('PREPARE TRANSACTION');
  const name = p.parseIdent();
  let types = [] as ReturnType<typeof parseTypeName>[];
  if (p.eatPunct('(')) {
    types = p.commaList(() => parseTypeName(p));
    p.expectPunct(')');
  }
  p.expectWord('as');
  return { kind: 'Prepare', name, types, statement: parseStatement(p), pos };
}

export function parseExecute(p: Parser): Statement {
  const pos = p.expectWord('execute').pos;
  const name = p.parseIdent();
  let args: ReturnType<typeof parseExpr>[] = [];
  if (p.eatPunct('(')) {
    args = p.commaList(() => parseExpr(p));
    p.expectPunct(')');
  }
  return { kind: 'Execute', name, args, pos };
}

export function parseDeallocate(p: Parser): Statement {
  const pos = p.expectWord('deallocate').pos;
  p.eatWord('prepare');
  if (p.eatWord('all')) return { kind: 'Deallocate', pos };
  return { kind: 'Deallocate', name: p.parseIdent(), pos };
}

export function parseCall(p: Parser): Statement {
  const pos = p.expectWord('call').pos;
  const name = p.parseQualifiedName();
  p.expectPunct('(');
  const args = p.isPunct(')') ? [] : p.commaList(() => parseExpr(p));
  p.expectPunct(')');
  return { kind: 'Call', name, args, pos };
}

export function parseAnalyze(p: Parser): Statement {
  const pos = p.next().pos;
  const verbose = p.eatWord('verbose');
  if (p.isWord('compression')) throw p.unsupported('ANALYZE COMPRESSION');
  if (p.isIdent()) {
    const table = p.parseQualifiedName();
    const columns = p.isPunct('(') ? p.parseIdentList() : [];
    if (p.isWord('predicate')) throw p.unsupported('ANALYZE PREDICATE COLUMNS');
    return { kind: 'Analyze', verbose, table, columns, pos };
  }
  return { kind: 'Analyze', verbose, columns: [], pos };
}

export function parseVacuum(p: Parser): Statement {
  const pos = p.expectWord('vacuum').pos;
  let mode: 'full' | 'sort only' | 'delete only' | 'reindex' | 'recluster' | undefined;
  if (p.eatWord('full')) mode = 'full';
  else if (p.eatWords('sort', 'only')) mode = 'sort only';
  else if (p.eatWords('delete', 'only')) mode = 'delete only';
  else if (p.eatWord('reindex')) mode = 'reindex';
  else if (p.eatWord('recluster')) mode = 'recluster';
  const table =
    p.isIdent() && !p.isWord('to') && !p.isWord('boost') ? p.parseQualifiedName() : undefined;
  let toPercent: number | undefined;
  if (p.eatWord('to')) {
    toPercent = p.parseInteger();
    p.expectWord('percent');
  }
  const boost = p.eatWord('boost');
  return {
    kind: 'Vacuum',
    ...(mode ? { mode } : {}),
    ...(table ? { table } : {}),
    ...(toPercent !== undefined ? { toPercent } : {}),
    boost,
    pos,
  };
}

/** After ALTER: `SYSTEM PAUSE | RESUME` (PostgreSQL's ALTER SYSTEM SET/RESET are not ours). */
export function parseAlterSystem(p: Parser, pos: number): Statement {
  p.expectWord('system');
  if (p.eatWord('pause')) return { kind: 'AlterSystem', action: 'pause', pos };
  if (p.eatWord('resume')) return { kind: 'AlterSystem', action: 'resume', pos };
  const w = p.peek();
  if (w.type === 'word' && (w.value === 'set' || w.value === 'reset')) {
    throw p.unsupported(`ALTER SYSTEM ${w.value.toUpperCase()}`, w);
  }
  throw p.errorAt();
}

export function parseLock(p: Parser): Statement {
  const pos = p.expectWord('lock').pos;
  p.eatWord('table');
  const tables = p.commaList(() => {
    p.eatWord('only');
    return p.parseQualifiedName();
  });
  if (p.isWord('in')) throw p.unsupported('LOCK ... IN ... MODE');
  if (p.isWord('nowait')) throw p.unsupported('LOCK ... NOWAIT');
  return { kind: 'Lock', tables, pos };
}
