// CREATE USER / ALTER USER / DROP USER and SET SESSION AUTHORIZATION, as Redshift does them.
// Passwords are stored as SCRAM-SHA-256 verifiers (or the md5 hash a statement gave), never in
// clear. Privileges beyond superuser come with the privileges issue.
// https://docs.aws.amazon.com/redshift/latest/dg/r_CREATE_USER.html
import { LakeshiftError, SqlState } from '../common/errors.js';
import { createScramVerifier } from '../security/scram.js';
import type {
  AlterUser,
  CreateUser,
  Drop,
  SetSessionAuthorization,
  UserOption,
} from '../sql/index.js';
import { identValue } from '../sql/index.js';
import { userMissing, type NewUser, type UserRecord } from '../storage/index.js';
import type { CommandResult } from './commands.js';
import { requireNoTransactionBlock, unsupported } from './execute.js';
import type { Session } from './session.js';
import { normalizeSetting, settingDef } from './settings.js';

function requireSuperuser(session: Session, what: string): void {
  if (!session.user.superuser) {
    throw new LakeshiftError(SqlState.insufficientPrivilege, `permission denied to ${what}`, {
      hint: 'Only superusers can manage users.',
    });
  }
}

/**
 * Redshift's password rules for clear-text passwords: 8 to 64 characters, at least one upper-case
 * letter, one lower-case letter and one digit.
 */
function checkPasswordRules(password: string): void {
  const ok =
    password.length >= 8 &&
    password.length <= 64 &&
    /[A-Z]/.test(password) &&
    /[a-z]/.test(password) &&
    /[0-9]/.test(password);
  if (!ok) {
    throw new LakeshiftError(
      SqlState.invalidParameterValue,
      'Password must contain a number, an upper-case and a lower-case letter, and be 8 to 64 characters long',
    );
  }
}

/** The stored secret for a PASSWORD option value (null = DISABLE). */
function storedSecret(value: string | null): string | null {
  if (value === null) return null;
  if (/^md5[0-9a-f]{32}$/i.test(value)) return value.toLowerCase();
  if (value.startsWith('SCRAM-SHA-256$')) return value;
  if (/^sha256\|/i.test(value)) {
    throw unsupported(
      'sha256 password hashes (give the password, an md5 hash or a SCRAM verifier)',
    );
  }
  checkPasswordRules(value);
  return createScramVerifier(value);
}

function applyOptions(user: NewUser, options: UserOption[]): NewUser {
  const next = { ...user, settings: { ...user.settings } };
  for (const o of options) {
    switch (o.kind) {
      case 'Password':
        next.password = storedSecret(o.value);
        break;
      case 'CreateDb':
        next.createDb = o.value;
        break;
      case 'CreateUserPrivilege':
        next.superuser = o.value;
        break;
      case 'SyslogAccess':
        next.syslogUnrestricted = o.value === 'unrestricted';
        break;
      case 'InGroup':
        throw unsupported('IN GROUP (groups come with privileges)');
      case 'ValidUntil': {
        const t = o.value.toLowerCase() === 'infinity' ? null : new Date(o.value);
        if (t !== null && Number.isNaN(t.getTime())) {
          throw new LakeshiftError(
            SqlState.invalidDatetimeFormat,
            `invalid input syntax for type timestamp: "${o.value}"`,
          );
        }
        next.validUntil = t;
        break;
      }
      case 'ConnectionLimit':
        next.connectionLimit = o.value === 'unlimited' ? null : o.value;
        break;
      case 'SessionTimeout':
        next.sessionTimeout = o.value;
        break;
      case 'ResetSessionTimeout':
        next.sessionTimeout = null;
        break;
    }
  }
  return next;
}

export async function runCreateUser(session: Session, stmt: CreateUser): Promise<CommandResult> {
  requireSuperuser(session, 'create user');
  requireNoTransactionBlock(session, 'CREATE USER');
  const name = identValue(stmt.name, session.caseSensitiveIdentifiers);
  if (!stmt.options.some((o) => o.kind === 'Password')) {
    throw new LakeshiftError(
      SqlState.syntaxError,
      'CREATE USER needs PASSWORD or PASSWORD DISABLE',
    );
  }
  const user = applyOptions(
    {
      name,
      password: null,
      superuser: false,
      createDb: false,
      connectionLimit: null,
      validUntil: null,
      syslogUnrestricted: false,
      sessionTimeout: null,
      settings: {},
    },
    stmt.options,
  );
  await session.manager.lake.directory.createUser(user);
  return { tag: 'CREATE USER', rows: 0 };
}

export async function runAlterUser(session: Session, stmt: AlterUser): Promise<CommandResult> {
  const name = identValue(stmt.name, session.caseSensitiveIdentifiers);
  const self = name === session.user.name;
  const a = stmt.action;
  // A user may change its own password; everything else is for superusers.
  const ownPassword =
    self && a.kind === 'UserOptions' && a.options.every((o) => o.kind === 'Password');
  if (!ownPassword) requireSuperuser(session, 'alter user');
  requireNoTransactionBlock(session, 'ALTER USER');
  await session.manager.lake.directory.alterUser(name, (u: UserRecord): UserRecord => {
    switch (a.kind) {
      case 'UserOptions':
        return { ...u, ...applyOptions(u, a.options) };
      case 'UserRename': {
        const to = identValue(a.to, session.caseSensitiveIdentifiers);
        // An md5 hash is salted with the user name: it no longer matches after a rename.
        const password = u.password?.startsWith('md5') ? null : u.password;
        return { ...u, name: to, password };
      }
      case 'UserSet': {
        const param = a.param.map((p) => identValue(p, false)).join('.');
        const def = settingDef(param);
        if (def === undefined) {
          throw new LakeshiftError(
            SqlState.undefinedObject,
            `unrecognized configuration parameter "${param}"`,
          );
        }
        const settings = { ...u.settings };
        if (a.isDefault) delete settings[def.name];
        else {
          const text = a.values
            .map((v) => ('value' in v ? String((v as { value: unknown }).value) : ''))
            .join(', ');
          settings[def.name] = normalizeSetting(def, text);
        }
        return { ...u, settings };
      }
      case 'UserReset': {
        if (a.all) return { ...u, settings: {} };
        const param = a.param.map((p) => identValue(p, false)).join('.');
        const settings = { ...u.settings };
        delete settings[settingDef(param)?.name ?? param];
        return { ...u, settings };
      }
    }
  });
  return { tag: 'ALTER USER', rows: 0 };
}

export async function runDropUsers(session: Session, stmt: Drop): Promise<CommandResult> {
  requireSuperuser(session, 'drop user');
  requireNoTransactionBlock(session, 'DROP USER');
  for (const parts of stmt.names) {
    const name = identValue(parts[parts.length - 1]!, session.caseSensitiveIdentifiers);
    if (name === session.sessionUser.name || name === session.user.name) {
      throw new LakeshiftError(SqlState.objectInUse, 'current user cannot be dropped');
    }
    const dropped = await session.manager.lake.directory.dropUser(name);
    if (!dropped && !stmt.ifExists) throw userMissing(name);
  }
  return { tag: 'DROP USER', rows: 0 };
}

export async function runSetSessionAuthorization(
  session: Session,
  stmt: SetSessionAuthorization,
): Promise<void> {
  if (!session.sessionUser.superuser) {
    throw new LakeshiftError(
      SqlState.insufficientPrivilege,
      'permission denied to set session authorization',
    );
  }
  if (stmt.user === undefined) {
    session.user = session.sessionUser;
    reportUser(session);
    return;
  }
  const name =
    typeof stmt.user === 'string'
      ? stmt.user
      : identValue(stmt.user, session.caseSensitiveIdentifiers);
  const user = await session.manager.lake.directory.user(name);
  if (user === undefined) throw userMissing(name);
  session.user = user;
  reportUser(session);
}

/** Drivers track the session user through ParameterStatus, as PostgreSQL reports it. */
function reportUser(session: Session): void {
  session.reportParameter('session_authorization', session.user.name);
  session.reportParameter('is_superuser', session.user.superuser ? 'on' : 'off');
}
