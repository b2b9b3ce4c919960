// The embedded catalog backend: one SQLite file in WAL mode, so several processes on one host
// can share a namespace. Two connections: writes go through one (serialized in this process by
// a queue, across processes by SQLite's write lock via BEGIN IMMEDIATE); reads use the other,
// so an in-progress write transaction is never visible to this process's readers.
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { LakeshiftError, SqlState, messageOf } from '../../common/errors.js';
import type { CatalogDb, CatalogTx, SqlValue } from './db.js';

/** How long a writer waits for another process's write lock before failing. */
const BUSY_TIMEOUT_MS = 30_000;

type Statement = Database.Statement<unknown[], unknown>;

class SqliteTx implements CatalogTx {
  private readonly statements = new Map<string, Statement>();
  constructor(protected readonly db: Database.Database) {}

  protected prepare(sql: string): Statement {
    let stmt = this.statements.get(sql);
    if (stmt === undefined) {
      stmt = this.db.prepare(sql);
      this.statements.set(sql, stmt);
    }
    return stmt;
  }

  async all<T>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> {
    return this.prepare(sql).all(...params) as T[];
  }
  async get<T>(sql: string, params: readonly SqlValue[] = []): Promise<T | undefined> {
    return this.prepare(sql).get(...params) as T | undefined;
  }
  async run(sql: string, params: readonly SqlValue[] = []): Promise<{ changes: number }> {
    return { changes: this.prepare(sql).run(...params).changes };
  }
}

function openConnection(path: string): Database.Database {
  const db = new Database(path, { timeout: BUSY_TIMEOUT_MS });
  db.pragma('journal_mode = WAL');
  // FULL: the WAL is fsynced at every commit, so an acknowledged commit survives power loss.
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = OFF');
  return db;
}

class SqliteCatalogDb extends SqliteTx implements CatalogDb {
  readonly kind = 'sqlite' as const;
  private writeQueue: Promise<unknown> = Promise.resolve();
  private readonly writer: SqliteTx;

  constructor(
    readonly location: string,
    reader: Database.Database,
    private readonly writerDb: Database.Database,
  ) {
    super(reader);
    this.writer = new SqliteTx(writerDb);
  }

  /** Writes outside write() still queue behind it: the reader connection must never write. */
  override run(sql: string, params: readonly SqlValue[] = []): Promise<{ changes: number }> {
    return this.write((tx) => tx.run(sql, params));
  }

  async exec(script: string): Promise<void> {
    this.writerDb.exec(script);
  }

  write<T>(fn: (tx: CatalogTx) => Promise<T>): Promise<T> {
    const result = this.writeQueue.then(async () => {
      this.writerDb.exec('BEGIN IMMEDIATE');
      try {
        const value = await fn(this.writer);
        this.writerDb.exec('COMMIT');
        return value;
      } catch (e) {
        if (this.writerDb.inTransaction) this.writerDb.exec('ROLLBACK');
        throw e;
      }
    });
    this.writeQueue = result.catch(() => undefined);
    return result;
  }

  async close(): Promise<void> {
    await this.writeQueue;
    this.db.close();
    this.writerDb.close();
  }
}

export async function openSqliteCatalogDb(path: string): Promise<CatalogDb> {
  try {
    mkdirSync(dirname(path), { recursive: true });
    const writer = openConnection(path);
    const reader = openConnection(path);
    return new SqliteCatalogDb(path, reader, writer);
  } catch (e) {
    throw new LakeshiftError(
      SqlState.ioError,
      `cannot open the SQLite catalog at ${path}: ${messageOf(e)}`,
      {
        hint: 'Check that the directory exists and is writable by the server user, or pass another --catalog.',
        cause: e,
      },
    );
  }
}
