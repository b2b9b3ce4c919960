// The lake: one namespace's catalog and object store, and the transactions that read and write
// them. Opening it creates the catalog on first use. Several processes may open the same
// namespace at once (SQLite on one host, PostgreSQL across hosts); they see each other's
// commits as new snapshots.
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { randomUUID } from 'node:crypto';
import { statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { LakeshiftError, SqlState } from '../../common/errors.js';
import type { CatalogDb } from '../catalog/db.js';
import { openCatalogDb } from '../catalog/open.js';
import {
  allSnapshots,
  latestSnapshot,
  snapshotAsOf,
  snapshotById,
  type SnapshotRow,
} from '../catalog/queries.js';
import { initCatalog } from '../catalog/schema.js';
import { LakeStaging } from './staging.js';
import { openObjectStore, type OpenObjectStoreOptions } from '../objectstore/index.js';
import type { ObjectStore } from '../objectstore/types.js';
import { flushInlinedRows } from './rewrite.js';
import { fileChecksum } from './checksum.js';
import { SnapshotLookups } from './snapshot-lookups.js';
import { TableStateCache, type CatalogFileRef } from './table-state.js';
import { Directory } from '../catalog/directory.js';
import { LakeTransaction, type TransactionContext } from './transaction.js';
import { FIRST_DATABASE_ID, type SnapshotInfo } from './types.js';

export interface LakeOptions {
  /** A SQLite file path, or a postgres:// URL. */
  catalog: string;
  /** file:///abs/dir, a directory path, or s3://bucket/prefix. */
  storage: string;
  storageOptions?: OpenObjectStoreOptions;
  /** The DuckDB instance to execute in; by default the lake makes an in-memory one. */
  duckdb?: DuckDBInstance;
  /** At most this many rows of one statement are inlined in the catalog. Default 100. */
  inlineRowLimit?: number;
  /** A table's inlined rows are flushed into a Parquet file beyond this many. Default 1000. */
  inlineFlushThreshold?: number;
  /**
   * An insert of at least this many rows is written to a file of its own as it runs; smaller
   * ones wait in a temp table and go into one file at commit. Default 65,536.
   */
  insertFileRows?: number;
  /** How long old snapshots stay readable (time travel) before GC may expire them. Default 1 day. */
  retentionMs?: number;
  /** How often a process records the oldest snapshot its transactions read. Default 10 s. */
  pinHeartbeatMs?: number;
  /** Recorded with each snapshot this process commits. */
  author?: string;
  /** Where failures of background work (flushes, maintenance) go; default: a process warning. */
  onBackgroundError?: (error: unknown) => void;
}

const MAX_IDLE_CONNECTIONS = 8;

export interface BeginOptions {
  /** Read this snapshot (read-only). */
  snapshotId?: number;
  /** Read the snapshot that was current at this time (read-only). */
  asOf?: Date;
  /** Run on this DuckDB connection (a session's); by default the transaction opens its own. */
  connection?: DuckDBConnection;
  /**
   * The database of the namespace whose schemas the transaction's names resolve in (default
   * 1, the first one). Tables are reached by id whatever their database.
   */
  databaseId?: number;
}

function snapshotInfo(r: SnapshotRow): SnapshotInfo {
  return {
    snapshotId: r.snapshot_id,
    time: new Date(r.snapshot_time),
    schemaVersion: r.schema_version,
    changes: r.changes,
    author: r.author,
  };
}

export class Lake {
  readonly tableStates = new TableStateCache();
  readonly lookups = new SnapshotLookups();
  /** Snapshot id → number of open transactions in this process reading it. */
  private readonly openPins = new Map<number, number>();
  private readonly processPinId: string;
  private processPinWritten = false;
  private heartbeat: NodeJS.Timeout | undefined;
  /** Staging files of this process; the heartbeat keeps held ones' modification times recent. */
  readonly staging: LakeStaging;
  private readonly localPaths = new Map<string, string>();
  private readonly foreignStores = new Map<string, Promise<ObjectStore>>();
  private closed = false;

  private constructor(
    readonly db: CatalogDb,
    readonly store: ObjectStore,
    readonly duckdb: DuckDBInstance,
    private readonly ownsDuckdb: boolean,
    readonly options: Required<
      Omit<LakeOptions, 'duckdb' | 'storageOptions' | 'author' | 'onBackgroundError'>
    > &
      Pick<LakeOptions, 'storageOptions' | 'author' | 'onBackgroundError'>,
  ) {
    this.directory = new Directory(db);
    this.staging = new LakeStaging(store.stagingDir, randomUUID());
    this.processPinId = `process:${this.staging.ownerId}`;
  }

  /** The namespace's databases and users. */
  readonly directory: Directory;

  static async open(options: LakeOptions): Promise<Lake> {
    const store = await openObjectStore(options.storage, options.storageOptions);
    let db: CatalogDb | undefined;
    try {
      db = await openCatalogDb(options.catalog);
      await initCatalog(db, randomUUID());
      const duckdb = options.duckdb ?? (await DuckDBInstance.create(':memory:'));
      const heartbeat = options.pinHeartbeatMs ?? 10_000;
      const lake = new Lake(db, store, duckdb, options.duckdb === undefined, {
        catalog: options.catalog,
        storage: options.storage,
        storageOptions: options.storageOptions,
        inlineRowLimit: options.inlineRowLimit ?? 100,
        inlineFlushThreshold: options.inlineFlushThreshold ?? 1000,
        insertFileRows: options.insertFileRows ?? 65_536,
        // Never shorter than a few heartbeats: GC relies on pins being recorded by then.
        retentionMs: Math.max(options.retentionMs ?? 24 * 3600_000, 3 * heartbeat),
        pinHeartbeatMs: heartbeat,
        author: options.author,
        onBackgroundError: options.onBackgroundError,
      });
      // A tick is skipped while the previous write is still running: with a short heartbeat
      // (tests use 1 ms) overlapping writes would otherwise queue up on the catalog's pool.
      let writing = false;
      lake.heartbeat = setInterval(() => {
        if (writing) return;
        writing = true;
        void lake
          .writeProcessPin()
          .catch(() => undefined)
          .then(() => lake.staging.touch())
          .finally(() => (writing = false));
      }, heartbeat);
      lake.heartbeat.unref();
      return lake;
    } catch (e) {
      await db?.close().catch(() => undefined);
      await store.close().catch(() => undefined);
      throw e;
    }
  }

  async latestSnapshotId(): Promise<number> {
    return (await this.requireLatest()).snapshot_id;
  }

  private async requireLatest(): Promise<SnapshotRow> {
    const row = await latestSnapshot(this.db);
    if (row === undefined) {
      throw new LakeshiftError(
        SqlState.dataCorrupted,
        `the catalog at ${this.db.location} has no snapshot`,
      );
    }
    return row;
  }

  async snapshots(): Promise<SnapshotInfo[]> {
    return (await allSnapshots(this.db)).map(snapshotInfo);
  }

  async snapshot(id: number): Promise<SnapshotInfo | undefined> {
    const row = await snapshotById(this.db, id);
    return row && snapshotInfo(row);
  }

  /**
   * Keeps a snapshot readable under a name until unpinned, whatever the retention period
   * (what a manual Redshift snapshot is). Returns the pinned snapshot id.
   */
  async pinSnapshot(name: string, snapshotId?: number): Promise<number> {
    const id = snapshotId ?? (await this.latestSnapshotId());
    if ((await snapshotById(this.db, id)) === undefined) {
      throw new LakeshiftError(
        SqlState.invalidParameterValue,
        `snapshot ${id} does not exist or has expired`,
      );
    }
    await this.db.run(
      `INSERT INTO lake_pin (pin_id, snapshot_id, kind, created_at, expires_at) VALUES (?, ?, 'named', ?, NULL)`,
      [`named:${name}`, id, Date.now()],
    );
    return id;
  }

  async unpinSnapshot(name: string): Promise<void> {
    await this.db.run(`DELETE FROM lake_pin WHERE pin_id = ?`, [`named:${name}`]);
  }

  async namedSnapshots(): Promise<{ name: string; snapshotId: number; createdAt: Date }[]> {
    const rows = await this.db.all<{ pin_id: string; snapshot_id: number; created_at: number }>(
      `SELECT pin_id, snapshot_id, created_at FROM lake_pin WHERE kind = 'named' ORDER BY pin_id`,
    );
    return rows.map((r) => ({
      name: r.pin_id.slice('named:'.length),
      snapshotId: r.snapshot_id,
      createdAt: new Date(r.created_at),
    }));
  }

  /** Starts a transaction at the newest snapshot, or a read-only one at an older snapshot. */
  async begin(opts: BeginOptions = {}): Promise<LakeTransaction> {
    if (this.closed)
      throw new LakeshiftError(SqlState.objectNotInPrerequisiteState, 'the lake is closed');
    let row: SnapshotRow | undefined;
    let readOnly = false;
    if (opts.snapshotId !== undefined) {
      row = await snapshotById(this.db, opts.snapshotId);
      if (row === undefined) {
        throw new LakeshiftError(
          SqlState.invalidParameterValue,
          `snapshot ${opts.snapshotId} does not exist or has expired`,
          {
            hint: 'List the snapshots that can still be read; older ones are removed after the retention period.',
          },
        );
      }
      readOnly = true;
    } else if (opts.asOf !== undefined) {
      row = await snapshotAsOf(this.db, opts.asOf.getTime());
      const oldest = (await allSnapshots(this.db))[0];
      if (row === undefined || (oldest !== undefined && row.snapshot_id < oldest.snapshot_id)) {
        throw new LakeshiftError(
          SqlState.invalidParameterValue,
          `no snapshot of ${opts.asOf.toISOString()} is retained`,
          { hint: 'Time travel reaches back only as far as the retention period.' },
        );
      }
      readOnly = true;
    } else {
      row = await this.requireLatest();
    }
    const snapshotId = row.snapshot_id;
    this.openPins.set(snapshotId, (this.openPins.get(snapshotId) ?? 0) + 1);
    const connection =
      opts.connection ?? this.idleConnections.pop() ?? (await this.duckdb.connect());
    return new LakeTransaction(
      this.transactionContext(),
      connection,
      snapshotId,
      readOnly,
      opts.connection === undefined ? (c) => this.releaseConnection(c) : undefined,
      opts.databaseId ?? FIRST_DATABASE_ID,
    );
  }

  /** Connections of finished transactions, kept for the next ones (opening one costs ~0.3 ms). */
  private readonly idleConnections: DuckDBConnection[] = [];

  private releaseConnection(c: DuckDBConnection): void {
    if (this.closed || this.idleConnections.length >= MAX_IDLE_CONNECTIONS) c.closeSync();
    else this.idleConnections.push(c);
  }

  private transactionContext(): TransactionContext {
    return {
      db: this.db,
      store: this.store,
      tableStates: this.tableStates,
      lookups: this.lookups,
      inlineRowLimit: this.options.inlineRowLimit,
      inlineFlushThreshold: this.options.inlineFlushThreshold,
      insertFileRows: this.options.insertFileRows,
      staging: this.staging,
      announceStaging: () => this.writeProcessPin(),
      author: this.options.author ?? null,
      localPath: (file) => this.localPath(file),
      finished: (s) => {
        const n = (this.openPins.get(s) ?? 1) - 1;
        if (n <= 0) this.openPins.delete(s);
        else this.openPins.set(s, n);
      },
      committed: async (_snapshot, tablesToFlush) => {
        // The commit has happened: a failed flush must not look like a failed commit.
        for (const tableId of tablesToFlush) {
          await flushInlinedRows(this, tableId).catch((e: unknown) =>
            this.reportBackgroundError(e),
          );
        }
      },
    };
  }

  /** Runs fn in a transaction and commits it; rolls back when fn throws. */
  async transaction<T>(
    fn: (tx: LakeTransaction) => Promise<T>,
    opts: BeginOptions = {},
  ): Promise<T> {
    const tx = await this.begin(opts);
    try {
      const value = await fn(tx);
      await tx.commit();
      return value;
    } catch (e) {
      await tx.rollback();
      throw e;
    }
  }

  reportBackgroundError(error: unknown): void {
    if (this.options.onBackgroundError) this.options.onBackgroundError(error);
    else
      process.emitWarning(
        `lakeshift background work failed: ${error instanceof Error ? error.message : String(error)}`,
      );
  }

  /** The oldest snapshot any open transaction of this process reads, if any. */
  oldestPinnedSnapshot(): number | undefined {
    let min: number | undefined;
    for (const s of this.openPins.keys()) if (min === undefined || s < min) min = s;
    return min;
  }

  /** Records (or clears) this process's oldest pinned snapshot, so GC in any process keeps it. */
  async writeProcessPin(): Promise<void> {
    const min = this.oldestPinnedSnapshot();
    if (min === undefined) {
      if (!this.processPinWritten) return;
      await this.db.run(`DELETE FROM lake_pin WHERE pin_id = ?`, [this.processPinId]);
      this.processPinWritten = false;
      return;
    }
    const now = Date.now();
    await this.db.write((tx) =>
      tx.run(
        `INSERT INTO lake_pin (pin_id, snapshot_id, kind, created_at, expires_at) VALUES (?, ?, 'process', ?, ?)
         ON CONFLICT (pin_id) DO UPDATE SET snapshot_id = excluded.snapshot_id, expires_at = excluded.expires_at`,
        [this.processPinId, min, now, now + 3 * this.options.pinHeartbeatMs],
      ),
    );
    this.processPinWritten = true;
  }

  /**
   * A local path DuckDB can read for a file named in the catalog. The file is checked against
   * the catalog's record (size, then checksum) the first time this process reads it, so a
   * missing, truncated or damaged file is reported instead of read.
   */
  async localPath(file: CatalogFileRef): Promise<string> {
    const { path, pathIsRelative } = file;
    const cacheKey = `${pathIsRelative ? 'r' : 'a'}:${path}`;
    let local = this.localPaths.get(cacheKey);
    if (local === undefined) {
      if (pathIsRelative) local = await this.store.localPath(path);
      else if (path.startsWith('file:')) local = fileURLToPath(path);
      else {
        const slash = path.lastIndexOf('/');
        const base = path.slice(0, slash);
        let store = this.foreignStores.get(base);
        if (store === undefined) {
          store = openObjectStore(base, this.options.storageOptions);
          this.foreignStores.set(base, store);
        }
        local = await (await store).localPath(path.slice(slash + 1));
      }
      // Filesystem paths stay valid; remote copies may be evicted from the read cache, so
      // those are looked up each time.
      if (pathIsRelative ? this.store.url.startsWith('file:') : path.startsWith('file:')) {
        this.localPaths.set(cacheKey, local);
      }
    }
    await this.verifyFile(local, file);
    return local;
  }

  /** Local files already checked, by path, size and modification time. */
  private readonly verified = new Set<string>();

  /**
   * Checks a file against the catalog's record: its size every time (a cheap stat, so a file
   * changed while the server runs is noticed too), its checksum once per version of the file.
   */
  private async verifyFile(local: string, file: CatalogFileRef): Promise<void> {
    let info: { size: number; mtimeMs: number };
    try {
      info = statSync(local);
    } catch {
      throw new LakeshiftError(
        SqlState.undefinedFile,
        `data file ${local} of the lake is missing`,
        {
          hint: 'It was removed outside Lakeshift. Restore it from a backup, or restore the namespace from a snapshot.',
        },
      );
    }
    const key = `${local}:${info.size}:${info.mtimeMs}`;
    if (this.verified.has(key)) return;
    const damaged = (why: string) =>
      new LakeshiftError(
        SqlState.dataCorrupted,
        `data file ${local} of the lake is corrupted: ${why}`,
        {
          hint: 'It was changed outside Lakeshift. Restore it from a backup, or restore the namespace from a snapshot.',
        },
      );
    if (info.size !== file.sizeBytes) {
      throw damaged(`it has ${info.size} bytes, the catalog recorded ${file.sizeBytes}`);
    }
    if (file.checksum !== null) {
      const actual = await fileChecksum(local);
      if (actual !== file.checksum)
        throw damaged(`its checksum is ${actual}, the catalog recorded ${file.checksum}`);
    }
    this.verified.add(key);
  }

  /** The absolute URL of a file in this namespace's store (how a clone refers to it). */
  absolutePath(key: string): string {
    return `${this.store.url.replace(/\/+$/, '')}/${key}`;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.heartbeat) clearInterval(this.heartbeat);
    if (this.processPinWritten) {
      await this.db
        .run(`DELETE FROM lake_pin WHERE pin_id = ?`, [this.processPinId])
        .catch(() => undefined);
    }
    await this.db.close();
    await this.store.close();
    for (const s of this.foreignStores.values()) await (await s).close().catch(() => undefined);
    for (const c of this.idleConnections.splice(0)) c.closeSync();
    if (this.ownsDuckdb) this.duckdb.closeSync();
  }
}
