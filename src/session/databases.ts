// CREATE / ALTER / DROP DATABASE. A database is a row of the namespace's directory plus its own
// schemas in the lake (lake_schema.database_id): a new one starts with schema `public`, and a
// dropped one has every schema dropped in one snapshot before its directory row goes. Like user
// changes they apply at once, so they stay out of transaction blocks.
// https://docs.aws.amazon.com/redshift/latest/dg/r_CREATE_DATABASE.html
// https://docs.aws.amazon.com/redshift/latest/dg/r_ALTER_DATABASE.html
// https://docs.aws.amazon.com/redshift/latest/dg/r_DROP_DATABASE.html
import { LakeshiftError, SqlState } from '../common/errors.js';
import type { AlterDatabase, CreateDatabase, Drop, Ident } from '../sql/index.js';
import { identValue } from '../sql/index.js';
import {
  databaseMissing,
  userMissing,
  type DatabaseAttributes,
  type DatabaseRecord,
  type Lake,
} from '../storage/index.js';
import { DEFAULT_DATABASE, ensurePublicSchema } from './bootstrap.js';
import type { CommandResult } from './commands.js';
import { requireNoTransactionBlock, unsupported } from './execute.js';
import type { Session } from './session.js';

/** Databases Redshift keeps for itself: never dropped or renamed. */
const PROTECTED = new Set([
  DEFAULT_DATABASE,
  'padb_harvest',
  'template0',
  'template1',
  'sys:internal',
]);

/** Superusers, and users with CREATEDB, manage databases; owners manage their own. */
function requireCreateDb(session: Session, what: string, owner?: DatabaseRecord): void {
  const u = session.user;
  if (u.superuser || u.createDb || (owner !== undefined && owner.ownerId === u.userId)) return;
  throw new LakeshiftError(SqlState.insufficientPrivilege, `permission denied to ${what}`, {
    hint: 'A superuser, a user with CREATEDB, or the database owner can do this.',
  });
}

async function userId(session: Session, name: Ident): Promise<number> {
  const userName = identValue(name, session.caseSensitiveIdentifiers);
  const user = await session.manager.lake.directory.user(userName);
  if (user === undefined) throw userMissing(userName);
  return user.userId;
}

/** Creates a database with its `public` schema (the first start makes `dev` this way too). */
export async function createDatabase(
  lake: Lake,
  name: string,
  ownerId: number,
  attributes: Partial<DatabaseAttributes> = {},
): Promise<DatabaseRecord> {
  const record = await lake.directory.createDatabase(name, ownerId, attributes);
  await ensurePublicSchema(lake, record.databaseId);
  return record;
}

export async function runCreateDatabase(
  session: Session,
  stmt: CreateDatabase,
): Promise<CommandResult> {
  requireCreateDb(session, 'create database');
  requireNoTransactionBlock(session, 'CREATE DATABASE');
  const name = identValue(stmt.name, session.caseSensitiveIdentifiers);
  let ownerId = session.user.userId;
  const attributes: Partial<DatabaseAttributes> = {};
  for (const o of stmt.options) {
    switch (o.kind) {
      case 'Owner':
        ownerId = await userId(session, o.owner);
        break;
      case 'ConnectionLimit':
        attributes.connectionLimit = o.limit === 'unlimited' ? null : o.limit;
        break;
      case 'Collate':
        // Case-insensitive comparison of every string column is a collation DuckDB would
        // apply throughout; until then such a database is refused rather than made wrong.
        if (o.collation === 'case_insensitive') {
          throw unsupported('CREATE DATABASE ... COLLATE CASE_INSENSITIVE', stmt.pos);
        }
        attributes.collation = o.collation;
        break;
      case 'IsolationLevel':
        attributes.isolation = o.level;
        break;
    }
  }
  await createDatabase(session.manager.lake, name, ownerId, attributes);
  return { tag: 'CREATE DATABASE', rows: 0 };
}

export async function runAlterDatabase(
  session: Session,
  stmt: AlterDatabase,
): Promise<CommandResult> {
  requireNoTransactionBlock(session, 'ALTER DATABASE');
  const { directory } = session.manager.lake;
  const name = identValue(stmt.name, session.caseSensitiveIdentifiers);
  const current = await directory.database(name);
  if (current === undefined) throw databaseMissing(name);
  requireCreateDb(session, 'alter database', current);
  const a = stmt.action;
  switch (a.kind) {
    case 'RenameDatabase': {
      if (PROTECTED.has(name)) {
        throw new LakeshiftError(SqlState.insufficientPrivilege, `cannot rename database ${name}`);
      }
      if (current.databaseId === session.databaseId) {
        throw new LakeshiftError(
          SqlState.featureNotSupported,
          'current database may not be renamed',
        );
      }
      if (session.manager.sessionsOf(current.databaseId).length > 0) {
        throw beingAccessed(name);
      }
      // The server's own sessions there (auto refresh) end; its work opens them again.
      await endInternalSessions(session, current.databaseId);
      const to = identValue(a.to, session.caseSensitiveIdentifiers);
      await directory.alterDatabase(name, (d) => ({ ...d, name: to }));
      break;
    }
    case 'DatabaseOwnerTo': {
      const ownerId = await userId(session, a.owner);
      await directory.alterDatabase(name, (d) => ({ ...d, ownerId }));
      break;
    }
    case 'DatabaseConnectionLimit': {
      const connectionLimit = a.limit === 'unlimited' ? null : a.limit;
      await directory.alterDatabase(name, (d) => ({ ...d, connectionLimit }));
      break;
    }
  }
  return { tag: 'ALTER DATABASE', rows: 0 };
}

async function endInternalSessions(session: Session, databaseId: number): Promise<void> {
  for (const s of session.manager.sessionsOf(databaseId, { internal: true })) await s.close();
}

function beingAccessed(name: string): LakeshiftError {
  return new LakeshiftError(
    SqlState.objectInUse,
    `database "${name}" is being accessed by other users`,
    { hint: 'DROP DATABASE ... FORCE ends their sessions first.' },
  );
}

export async function runDropDatabases(session: Session, stmt: Drop): Promise<CommandResult> {
  requireNoTransactionBlock(session, 'DROP DATABASE');
  const lake = session.manager.lake;
  for (const parts of stmt.names) {
    const name = identValue(parts[parts.length - 1]!, session.caseSensitiveIdentifiers);
    const db = await lake.directory.database(name);
    if (db === undefined) {
      if (stmt.ifExists) continue;
      throw databaseMissing(name);
    }
    requireCreateDb(session, 'drop database', db);
    if (PROTECTED.has(name)) {
      throw new LakeshiftError(SqlState.insufficientPrivilege, `cannot drop database ${name}`);
    }
    if (db.databaseId === session.databaseId) {
      throw new LakeshiftError(SqlState.objectInUse, 'cannot drop the currently open database');
    }
    const others = session.manager.sessionsOf(db.databaseId);
    if (others.length > 0) {
      if (!stmt.force) throw beingAccessed(name);
      for (const s of others) await s.terminateByAdministrator();
    }
    await endInternalSessions(session, db.databaseId);
    // Every schema (and so every table and view) of the database ends in one snapshot; then
    // the name is free. A crash in between leaves an empty database that can be dropped again.
    await lake.transaction(
      async (tx) => {
        for (const s of await tx.listSchemas()) {
          await tx.dropSchema(s.name, { cascade: true });
        }
      },
      { databaseId: db.databaseId },
    );
    await lake.directory.dropDatabase(db.databaseId);
  }
  return { tag: 'DROP DATABASE', rows: 0 };
}
