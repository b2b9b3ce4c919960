// Transactions and session settings: BEGIN/START/COMMIT/END/ROLLBACK/ABORT, savepoints, SET,
// RESET, SHOW, DISCARD. https://docs.aws.amazon.com/redshift/latest/dg/r_SET.html
import type { Expr, Ident, SetValue, Statement, TransactionModes } from '../ast/index.js';
import type { Parser } from './core.js';
import { tokenIdent } from './core.js';

function parseTransactionModes(p: Parser): TransactionModes {
  const modes: TransactionModes = {};
  let first = true;
  for (;;) {
    const comma = !first && p.eatPunct(',');
    first = false;
    if (p.eatWords('isolation', 'level')) {
      if (p.eatWord('serializable')) modes.isolationLevel = 'serializable';
      else if (p.eatWords('repeatable', 'read')) modes.isolationLevel = 'repeatable read';
      else if (p.eatWords('read', 'committed')) modes.isolationLevel = 'read committed';
      else if (p.eatWords('read', 'uncommitted')) modes.isolationLevel = 'read uncommitted';
      else throw p.errorAt();
    } else if (p.eatWords('read', 'only')) modes.readOnly = true;
    else if (p.eatWords('read', 'write')) modes.readOnly = false;
    else if (p.eatWord('deferrable')) modes.deferrable = true;
    else if (p.eatWords('not', 'deferrable')) modes.deferrable = false;
    else {
      if (comma) throw p.errorAt();
      return modes;
    }
  }
}

export function parseTransactionStatement(p: Parser): Statement {
  const t = p.next();
  const pos = t.pos;
  switch (t.value) {
    case 'begin':
    case 'start':
      if (t.value === 'start') p.expectWord('transaction');
      else p.eatOneOf('transaction', 'work');
      return { kind: 'Begin', modes: parseTransactionModes(p), pos };
    case 'commit':
    case 'end':
      p.eatOneOf('transaction', 'work');
      if (p.isWord('and')) throw p.unsupported('COMMIT AND CHAIN');
      return { kind: 'Commit', pos };
    case 'abort':
    case 'rollback':
      p.eatOneOf('transaction', 'work');
      if (t.value === 'rollback' && p.eatWord('to')) {
        p.eatWord('savepoint');
        return { kind: 'RollbackToSavepoint', name: p.parseIdent(), pos };
      }
      if (p.isWord('and')) throw p.unsupported('ROLLBACK AND CHAIN');
      return { kind: 'Rollback', pos };
    case 'savepoint':
      return { kind: 'Savepoint', name: p.parseIdent(), pos };
    case 'release':
      p.eatWord('savepoint');
      return { kind: 'ReleaseSavepoint', name: p.parseIdent(), pos };
    default:
      throw p.errorAt(t);
  }
}

/** SET values: strings, numbers (signed), and words (keywords included), comma separated. */
export function parseSetValues(p: Parser): SetValue[] {
  return p.commaList((): Expr => {
    const t = p.peek();
    const pos = t.pos;
    if (t.type === 'string') {
      p.next();
      return { kind: 'StringLit', value: t.value, pos };
    }
    if (t.type === 'number') {
      p.next();
      return { kind: 'NumberLit', value: t.value, pos };
    }
    if (t.type === 'op' && (t.value === '-' || t.value === '+') && p.peek(1).type === 'number') {
      p.next();
      const n = p.next();
      return {
        kind: 'Unary',
        op: t.value,
        operand: { kind: 'NumberLit', value: n.value, pos: n.pos },
        pos,
      };
    }
    if (t.type === 'word' || t.type === 'qident') {
      p.next();
      const parts: Ident[] = [tokenIdent(t)];
      while (p.eatPunct('.')) parts.push(p.parseAnyIdent());
      return { kind: 'ColumnRef', parts, pos };
    }
    throw p.errorAt(t);
  });
}

export function parseSet(p: Parser): Statement {
  const pos = p.expectWord('set').pos;
  let scope: 'session' | 'local' | undefined;
  if (p.isWord('local')) {
    p.next();
    scope = 'local';
  } else if (
    p.isWord('session') &&
    !p.isWords('session', 'authorization') &&
    !p.isWords('session', 'characteristics')
  ) {
    p.next();
    scope = 'session';
  }
  const scoped = scope ? { scope } : {};
  if (p.eatWords('session', 'authorization')) {
    if (p.eatWord('default')) return { kind: 'SetSessionAuthorization', pos };
    const t = p.peek();
    if (t.type === 'string') {
      p.next();
      return { kind: 'SetSessionAuthorization', user: t.value, pos };
    }
    return { kind: 'SetSessionAuthorization', user: p.parseIdent(), pos };
  }
  if (p.eatWords('session', 'characteristics')) {
    p.expectWords('as', 'transaction');
    return { kind: 'SetTransaction', session: true, modes: parseTransactionModes(p), pos };
  }
  if (p.eatWord('transaction')) {
    if (p.isWord('snapshot')) throw p.unsupported('SET TRANSACTION SNAPSHOT');
    return { kind: 'SetTransaction', session: false, modes: parseTransactionModes(p), pos };
  }
  if (p.eatWords('time', 'zone')) {
    if (p.eatWord('local')) return { kind: 'SetTimeZone', ...scoped, special: 'local', pos };
    if (p.eatWord('default')) return { kind: 'SetTimeZone', ...scoped, special: 'default', pos };
    if (p.isWord('interval')) throw p.unsupported('SET TIME ZONE INTERVAL');
    const values = parseSetValues(p);
    if (values.length !== 1) throw p.errorAt();
    return { kind: 'SetTimeZone', ...scoped, value: values[0] as Expr, pos };
  }
  if (p.isWords('role') || p.isWords('constraints'))
    throw p.unsupported(`SET ${p.peek().value.toUpperCase()}`);
  const name = p.parseQualifiedName(2, () => true);
  if (!p.eatWord('to') && !p.eatOp('=')) throw p.errorAt();
  if (p.eatWord('default'))
    return { kind: 'SetVariable', ...scoped, name, values: [], isDefault: true, pos };
  return { kind: 'SetVariable', ...scoped, name, values: parseSetValues(p), isDefault: false, pos };
}

/** `SHOW`/`RESET` names: `TIME ZONE` → timezone, `TRANSACTION ISOLATION LEVEL` → transaction_isolation. */
function parseSettingName(p: Parser): Ident[] {
  const t = p.peek();
  if (p.eatWords('time', 'zone')) return [{ value: 'timezone', quoted: false, pos: t.pos }];
  if (p.eatWords('transaction', 'isolation', 'level')) {
    return [{ value: 'transaction_isolation', quoted: false, pos: t.pos }];
  }
  if (p.eatWords('session', 'authorization'))
    return [{ value: 'session_authorization', quoted: false, pos: t.pos }];
  return p.parseQualifiedName(2, () => true);
}

export function parseShow(p: Parser): Statement {
  const pos = p.expectWord('show').pos;
  if (p.eatWord('all')) return { kind: 'Show', name: [], all: true, pos };
  const t = p.peek();
  if (
    t.type === 'word' &&
    [
      'tables',
      'columns',
      'schemas',
      'databases',
      'table',
      'view',
      'grants',
      'model',
      'datashares',
      'external',
    ].includes(t.value) &&
    p.peek(1).type !== 'eof' &&
    !p.isPunct(';', 1)
  ) {
    throw p.unsupported(`SHOW ${t.value.toUpperCase()}`, t);
  }
  return { kind: 'Show', name: parseSettingName(p), all: false, pos };
}

export function parseReset(p: Parser): Statement {
  const pos = p.expectWord('reset').pos;
  if (p.eatWord('all')) return { kind: 'Reset', name: [], all: true, pos };
  return { kind: 'Reset', name: parseSettingName(p), all: false, pos };
}

export function parseDiscard(p: Parser): Statement {
  const pos = p.expectWord('discard').pos;
  const target = p.eatOneOf('all', 'plans', 'sequences', 'temp', 'temporary');
  if (target === undefined) throw p.errorAt();
  return { kind: 'Discard', target: target === 'temporary' ? 'temp' : target, pos };
}
