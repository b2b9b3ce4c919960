// The namespace's directory of databases and users (tables lake_database and lake_user, see
// schema.ts). Changes apply at once, outside snapshots, each in one catalog write.
import { LakeshiftError, SqlState } from '../../common/errors.js';
import type { CatalogDb, CatalogTx, SqlValue } from './db.js';

export interface DatabaseRecord {
  databaseId: number;
  name: string;
  ownerId: number;
  createdAt: Date;
}

export interface UserRecord {
  userId: number;
  name: string;
  /** SCRAM-SHA-256 verifier or "md5…" hash; null = login disabled. Never clear text. */
  password: string | null;
  superuser: boolean;
  createDb: boolean;
  /** null = UNLIMITED. */
  connectionLimit: number | null;
  validUntil: Date | null;
  syslogUnrestricted: boolean;
  /** Seconds; null = the default. */
  sessionTimeout: number | null;
  /** ALTER USER ... SET name = value defaults for the user's sessions. */
  settings: Record<string, string>;
  createdAt: Date;
}

export type NewUser = Omit<UserRecord, 'userId' | 'createdAt'>;

interface UserRow {
  user_id: number;
  user_name: string;
  password: string | null;
  superuser: number;
  create_db: number;
  connection_limit: number | null;
  valid_until: number | null;
  syslog_unrestricted: number;
  session_timeout: number | null;
  settings: string;
  created_at: number;
}

function userRecord(r: UserRow): UserRecord {
  return {
    userId: Number(r.user_id),
    name: r.user_name,
    password: r.password,
    superuser: Number(r.superuser) === 1,
    createDb: Number(r.create_db) === 1,
    connectionLimit: r.connection_limit === null ? null : Number(r.connection_limit),
    validUntil: r.valid_until === null ? null : new Date(Number(r.valid_until)),
    syslogUnrestricted: Number(r.syslog_unrestricted) === 1,
    sessionTimeout: r.session_timeout === null ? null : Number(r.session_timeout),
    settings: JSON.parse(r.settings) as Record<string, string>,
    createdAt: new Date(Number(r.created_at)),
  };
}

/** Redshift numbers its first users from 100 (1 is the internal rdsdb). */
const FIRST_USER_ID = 100;

export class Directory {
  constructor(private readonly db: CatalogDb) {}

  async databases(): Promise<DatabaseRecord[]> {
    const rows = await this.db.all<{
      database_id: number;
      database_name: string;
      owner_id: number;
      created_at: number;
    }>(`SELECT * FROM lake_database ORDER BY database_id`);
    return rows.map((r) => ({
      databaseId: Number(r.database_id),
      name: r.database_name,
      ownerId: Number(r.owner_id),
      createdAt: new Date(Number(r.created_at)),
    }));
  }

  async createDatabase(name: string, ownerId: number): Promise<DatabaseRecord> {
    return this.db.write(async (tx) => {
      if (await tx.get(`SELECT 1 AS x FROM lake_database WHERE database_name = ?`, [name])) {
        throw new LakeshiftError(SqlState.duplicateObject, `database "${name}" already exists`);
      }
      const next = await tx.get<{ n: number | null }>(
        `SELECT MAX(database_id) AS n FROM lake_database`,
      );
      const databaseId = Number(next?.n ?? 0) + 1;
      const now = Date.now();
      await tx.run(
        `INSERT INTO lake_database (database_id, database_name, owner_id, created_at) VALUES (?, ?, ?, ?)`,
        [databaseId, name, ownerId, now],
      );
      return { databaseId, name, ownerId, createdAt: new Date(now) };
    });
  }

  async users(): Promise<UserRecord[]> {
    const rows = await this.db.all<UserRow>(`SELECT * FROM lake_user ORDER BY user_id`);
    return rows.map(userRecord);
  }

  async user(name: string): Promise<UserRecord | undefined> {
    const row = await this.db.get<UserRow>(`SELECT * FROM lake_user WHERE user_name = ?`, [name]);
    return row && userRecord(row);
  }

  /** Creates a user; fails with 42710 when the name is taken. */
  async createUser(user: NewUser): Promise<UserRecord> {
    return this.db.write(async (tx) => {
      await requireFreeName(tx, user.name);
      const next = await tx.get<{ n: number | null }>(`SELECT MAX(user_id) AS n FROM lake_user`);
      const userId = Math.max(FIRST_USER_ID, Number(next?.n ?? 0) + 1);
      const now = Date.now();
      await tx.run(
        `INSERT INTO lake_user (user_id, user_name, password, superuser, create_db,
           connection_limit, valid_until, syslog_unrestricted, session_timeout, settings, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [userId, ...userValues(user), now],
      );
      return { ...user, userId, createdAt: new Date(now) };
    });
  }

  /** Applies changes to a user (a rename included); fails with 42704 when there is none. */
  async alterUser(name: string, change: (u: UserRecord) => UserRecord): Promise<UserRecord> {
    return this.db.write(async (tx) => {
      const row = await tx.get<UserRow>(`SELECT * FROM lake_user WHERE user_name = ?`, [name]);
      if (row === undefined) throw userMissing(name);
      const next = change(userRecord(row));
      if (next.name !== name) await requireFreeName(tx, next.name);
      await tx.run(
        `UPDATE lake_user SET user_name = ?, password = ?, superuser = ?, create_db = ?,
           connection_limit = ?, valid_until = ?, syslog_unrestricted = ?, session_timeout = ?,
           settings = ? WHERE user_id = ?`,
        [...userValues(next), next.userId],
      );
      return next;
    });
  }

  /** Drops a user; returns false when there was none. */
  async dropUser(name: string): Promise<boolean> {
    return this.db.write(async (tx) => {
      const { changes } = await tx.run(`DELETE FROM lake_user WHERE user_name = ?`, [name]);
      return changes > 0;
    });
  }
}

/** The stored columns of a user, user_name through settings, in table order. */
function userValues(u: NewUser): SqlValue[] {
  return [
    u.name,
    u.password,
    u.superuser ? 1 : 0,
    u.createDb ? 1 : 0,
    u.connectionLimit,
    u.validUntil?.getTime() ?? null,
    u.syslogUnrestricted ? 1 : 0,
    u.sessionTimeout,
    JSON.stringify(u.settings),
  ];
}

async function requireFreeName(tx: CatalogTx, name: string): Promise<void> {
  if (await tx.get(`SELECT 1 AS x FROM lake_user WHERE user_name = ?`, [name])) {
    throw new LakeshiftError(SqlState.duplicateObject, `user "${name}" already exists`);
  }
}

export function userMissing(name: string): LakeshiftError {
  return new LakeshiftError(SqlState.undefinedObject, `user "${name}" does not exist`);
}
