// CREATE USER / ALTER USER (Redshift): https://docs.aws.amazon.com/redshift/latest/dg/r_CREATE_USER.html,
// https://docs.aws.amazon.com/redshift/latest/dg/r_ALTER_USER.html
import type { AlterUser, CreateUser, UserOption } from '../ast/index.js';
import type { Parser } from './core.js';
import { parseSetValues } from './session.js';

export function parseCreateUser(p: Parser, pos: number): CreateUser {
  p.expectWord('user');
  const name = p.parseIdent();
  p.eatWord('with');
  return { kind: 'CreateUser', name, options: parseUserOptions(p, false), pos };
}

export function parseAlterUser(p: Parser, pos: number): AlterUser {
  p.expectWord('user');
  const name = p.parseIdent();
  if (p.eatWords('rename', 'to'))
    return { kind: 'AlterUser', name, action: { kind: 'UserRename', to: p.parseIdent() }, pos };
  if (p.isWord('set')) {
    p.next();
    const param = p.parseQualifiedName(2, () => true);
    if (!p.eatWord('to') && !p.eatOp('=')) throw p.errorAt();
    if (p.eatWord('default')) {
      return {
        kind: 'AlterUser',
        name,
        action: { kind: 'UserSet', param, values: [], isDefault: true },
        pos,
      };
    }
    return {
      kind: 'AlterUser',
      name,
      action: { kind: 'UserSet', param, values: parseSetValues(p), isDefault: false },
      pos,
    };
  }
  if (p.isWord('reset') && !p.isWords('reset', 'session', 'timeout')) {
    p.next();
    if (p.eatWord('all'))
      return { kind: 'AlterUser', name, action: { kind: 'UserReset', param: [], all: true }, pos };
    const param = p.parseQualifiedName(2, () => true);
    return { kind: 'AlterUser', name, action: { kind: 'UserReset', param, all: false }, pos };
  }
  p.eatWord('with');
  return {
    kind: 'AlterUser',
    name,
    action: { kind: 'UserOptions', options: parseUserOptions(p, true) },
    pos,
  };
}

function parseUserOptions(p: Parser, alter: boolean): UserOption[] {
  const opts: UserOption[] = [];
  for (;;) {
    if (p.eatWord('password')) {
      if (p.eatWord('disable')) opts.push({ kind: 'Password', value: null });
      else opts.push({ kind: 'Password', value: p.parseStringValue() });
    } else if (p.eatWord('createdb')) opts.push({ kind: 'CreateDb', value: true });
    else if (p.eatWord('nocreatedb')) opts.push({ kind: 'CreateDb', value: false });
    else if (p.eatWord('createuser')) opts.push({ kind: 'CreateUserPrivilege', value: true });
    else if (p.eatWord('nocreateuser')) opts.push({ kind: 'CreateUserPrivilege', value: false });
    else if (p.eatWords('syslog', 'access')) {
      const v = p.eatOneOf('restricted', 'unrestricted');
      if (v === undefined) throw p.errorAt();
      opts.push({ kind: 'SyslogAccess', value: v });
    } else if (!alter && p.eatWords('in', 'group')) {
      opts.push({ kind: 'InGroup', groups: p.commaList(() => p.parseIdent()) });
    } else if (p.eatWords('valid', 'until')) {
      opts.push({ kind: 'ValidUntil', value: p.parseStringValue() });
    } else if (p.eatWords('connection', 'limit')) {
      if (p.eatWord('unlimited')) opts.push({ kind: 'ConnectionLimit', value: 'unlimited' });
      else opts.push({ kind: 'ConnectionLimit', value: p.parseInteger() });
    } else if (p.eatWords('session', 'timeout')) {
      opts.push({ kind: 'SessionTimeout', value: p.parseInteger() });
    } else if (alter && p.eatWords('reset', 'session', 'timeout')) {
      opts.push({ kind: 'ResetSessionTimeout' });
    } else if (p.isWord('external') || p.isWord('role')) {
      throw p.unsupported(`${p.peek().value.toUpperCase()} user options`);
    } else {
      if (opts.length === 0 && alter) throw p.errorAt();
      return opts;
    }
  }
}
