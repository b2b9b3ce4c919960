// The namespace's directory of databases, users and auto-copy jobs (tables lake_database,
// lake_user, lake_copy_job and lake_copy_job_file, see schema.ts). Changes apply at once,
// outside snapshots, each in one catalog write. (A copy job object's 'loaded' state is the
// exception: the lake transaction that loads it records it, see copy-jobs.ts.)
import { LakeshiftError, SqlState } from '../../common/errors.js';
import { takeFromCounter } from './commit.js';
import {
  copyJobFilesOf,
  copyJobIdMissing,
  copyJobNamed,
  copyJobsIn,
  copyJobWithId,
  deleteCopyJobs,
  insertCopyJob,
  upsertCopyJobFileState,
  type CopyJobFileRecord,
  type CopyJobFileState,
  type CopyJobRecord,
  type NewCopyJob,
} from './copy-jobs.js';
import type { CatalogDb, CatalogTx, SqlValue } from './db.js';

/** What the SQL layer records of a database beyond its name and owner (lake_database.attributes). */
export interface DatabaseAttributes {
  /** null = UNLIMITED. */
  connectionLimit: number | null;
  collation: 'case_sensitive' | 'case_insensitive';
  isolation: 'serializable' | 'snapshot';
}

export interface DatabaseRecord extends DatabaseAttributes {
  databaseId: number;
  name: string;
  ownerId: number;
  createdAt: Date;
}

const DEFAULT_DATABASE_ATTRIBUTES: DatabaseAttributes = {
  connectionLimit: null,
  collation: 'case_sensitive',
  isolation: 'serializable',
};

interface DatabaseRow {
  database_id: number;
  database_name: string;
  owner_id: number;
  created_at: number;
  attributes: string | null;
}

function databaseRecord(r: DatabaseRow): DatabaseRecord {
  const stored = r.attributes ? (JSON.parse(r.attributes) as Partial<DatabaseAttributes>) : {};
  return {
    ...DEFAULT_DATABASE_ATTRIBUTES,
    ...stored,
    databaseId: Number(r.database_id),
    name: r.database_name,
    ownerId: Number(r.owner_id),
    createdAt: new Date(Number(r.created_at)),
  };
}

function attributesText(d: DatabaseAttributes): string {
  const { connectionLimit, collation, isolation } = d;
  return JSON.stringify({ connectionLimit, collation, isolation });
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
    const rows = await this.db.all<DatabaseRow>(`SELECT * FROM lake_database ORDER BY database_id`);
    return rows.map(databaseRecord);
  }

  async database(name: string): Promise<DatabaseRecord | undefined> {
    const row = await this.db.get<DatabaseRow>(
      `SELECT * FROM lake_database WHERE database_name = ?`,
      [name],
    );
    return row && databaseRecord(row);
  }

  /** Creates a database; fails with 42P04 when the name is taken. */
  async createDatabase(
    name: string,
    ownerId: number,
    attributes: Partial<DatabaseAttributes> = {},
  ): Promise<DatabaseRecord> {
    return this.db.write(async (tx) => {
      if (await tx.get(`SELECT 1 AS x FROM lake_database WHERE database_name = ?`, [name])) {
        throw databaseExists(name);
      }
      // Ids are never reused: schemas of a dropped database stay in older snapshots under its id.
      const next = await tx.get<{ n: number | null }>(
        `SELECT MAX(n) AS n FROM (SELECT MAX(database_id) AS n FROM lake_database
           UNION ALL SELECT MAX(database_id) AS n FROM lake_schema) ids`,
      );
      const databaseId = Number(next?.n ?? 0) + 1;
      const now = Date.now();
      const record = {
        ...DEFAULT_DATABASE_ATTRIBUTES,
        ...attributes,
        databaseId,
        name,
        ownerId,
        createdAt: new Date(now),
      };
      await tx.run(
        `INSERT INTO lake_database (database_id, database_name, owner_id, created_at, attributes)
         VALUES (?, ?, ?, ?, ?)`,
        [databaseId, name, ownerId, now, attributesText(record)],
      );
      return record;
    });
  }

  /** Applies changes to a database (a rename included); fails with 3D000 when there is none. */
  async alterDatabase(
    name: string,
    change: (d: DatabaseRecord) => DatabaseRecord,
  ): Promise<DatabaseRecord> {
    return this.db.write(async (tx) => {
      const row = await tx.get<DatabaseRow>(`SELECT * FROM lake_database WHERE database_name = ?`, [
        name,
      ]);
      if (row === undefined) throw databaseMissing(name);
      const next = change(databaseRecord(row));
      if (
        next.name !== name &&
        (await tx.get(`SELECT 1 AS x FROM lake_database WHERE database_name = ?`, [next.name]))
      ) {
        throw databaseExists(next.name);
      }
      await tx.run(
        `UPDATE lake_database SET database_name = ?, owner_id = ?, attributes = ?
         WHERE database_id = ?`,
        [next.name, next.ownerId, attributesText(next), next.databaseId],
      );
      return next;
    });
  }

  /**
   * Removes a database from the directory, with its copy jobs; returns false when there was
   * none.
   */
  async dropDatabase(databaseId: number): Promise<boolean> {
    return this.db.write(async (tx) => {
      const jobs = await copyJobsIn(tx, databaseId);
      await deleteCopyJobs(
        tx,
        jobs.map((j) => j.jobId),
      );
      const { changes } = await tx.run(`DELETE FROM lake_database WHERE database_id = ?`, [
        databaseId,
      ]);
      return changes > 0;
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

  // ---- auto-copy jobs (COPY ... JOB CREATE) ------------------------------------------

  /** The copy jobs of a database, or of every database; by job id. */
  copyJobs(databaseId?: number): Promise<CopyJobRecord[]> {
    return copyJobsIn(this.db, databaseId);
  }

  /** A database's copy job by name (as resolved by the session), or undefined. */
  copyJob(databaseId: number, name: string): Promise<CopyJobRecord | undefined> {
    return copyJobNamed(this.db, databaseId, name);
  }

  copyJobById(jobId: number): Promise<CopyJobRecord | undefined> {
    return copyJobWithId(this.db, jobId);
  }

  /**
   * Creates a copy job, its id taken from the catalog id counter (never reused); fails with
   * 42710 when its database has a job of that name.
   */
  createCopyJob(job: NewCopyJob): Promise<CopyJobRecord> {
    return this.db.write(async (tx) => {
      const jobId = await takeFromCounter(tx, 'next_catalog_id', 1, 1);
      return insertCopyJob(tx, jobId, job, Date.now());
    });
  }

  /** Changes a job's AUTO setting; fails with 42704 when the job does not exist. */
  alterCopyJob(jobId: number, change: { auto: boolean }): Promise<CopyJobRecord> {
    return this.db.write(async (tx) => {
      const job = await copyJobWithId(tx, jobId);
      if (job === undefined) throw copyJobIdMissing(jobId);
      await tx.run(`UPDATE lake_copy_job SET auto = ? WHERE job_id = ?`, [
        change.auto ? 1 : 0,
        jobId,
      ]);
      return { ...job, auto: change.auto };
    });
  }

  /** Drops a job and what it recorded of its objects; returns false when there was none. */
  async dropCopyJob(jobId: number): Promise<boolean> {
    return (await this.db.write((tx) => deleteCopyJobs(tx, [jobId]))) > 0;
  }

  /** What a job recorded of the objects under its location, by URL. */
  copyJobFiles(jobId: number): Promise<CopyJobFileRecord[]> {
    return copyJobFilesOf(this.db, jobId);
  }

  /**
   * Records an object of a job as 'pending' or 'failed' (an upsert in its own catalog write).
   * A 'loaded' row is never overwritten: it is returned as it stands. Fails with 42704 when the
   * job does not exist.
   */
  setCopyJobFileState(
    jobId: number,
    url: string,
    state: CopyJobFileState,
  ): Promise<CopyJobFileRecord> {
    return this.db.write((tx) => upsertCopyJobFileState(tx, jobId, url, state));
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

export function databaseMissing(name: string): LakeshiftError {
  return new LakeshiftError(SqlState.invalidCatalogName, `database "${name}" does not exist`);
}

function databaseExists(name: string): LakeshiftError {
  return new LakeshiftError(SqlState.duplicateDatabase, `database "${name}" already exists`);
}

export function userMissing(name: string): LakeshiftError {
  return new LakeshiftError(SqlState.undefinedObject, `user "${name}" does not exist`);
}
