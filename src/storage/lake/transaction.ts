// A lake transaction: pins a snapshot at begin, reads only that snapshot (plus its own
// changes), stages DDL in an overlay and row changes in DuckDB temp tables, and at commit
// writes files, then records them with one catalog transaction as the next snapshot.
import type { SnapshotLookups } from './snapshot-lookups.js';
import type { DuckDBConnection } from '@duckdb/node-api';
import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { isLakeshiftError, LakeshiftError, SqlState } from '../../common/errors.js';
import type { CatalogDb } from '../catalog/db.js';
import {
  commitPlan,
  type CommitResult,
  emptyCommitPlan,
  planIsEmpty,
  reserveCatalogIds,
  reserveFromCounter,
  type CommitPlan,
} from '../catalog/commit.js';
import type { LoadedCopyJobFile } from '../catalog/copy-jobs.js';
import {
  changeKindsBetween,
  columnsAt,
  inlinedRowsAt,
  mvStateAt,
  schemaByNameAt,
  schemasAt,
  tableByNameAt,
  tablesAt,
  viewByNameAt,
  viewsAt,
  type SchemaRow,
  type ViewRow,
} from '../catalog/queries.js';
import type { ObjectStore } from '../objectstore/types.js';
import { quoteIdent, quoteLiteral } from './duckdb-sql.js';
import {
  newDataFile,
  publishDataFile,
  writeDataFile,
  writeDeleteFile,
  writeLocalDataFile,
  type LocalDataFile,
} from './file-writer.js';
import { CatalogOverlay } from './overlay.js';
import { TransactionProcedures, type ProcedureRef } from './procedures.js';
import type { LakeStaging } from './staging.js';
import { mayMatch } from './prune.js';
import { explainReadError } from './read-errors.js';
import {
  buildScan,
  PENDING_FILE,
  ROW_FILE,
  ROW_POS,
  STAGE_SEQ,
  STAGED_FILE,
  type ScanFile,
  type ScanInlinedRow,
} from './scan.js';
import {
  columnInfo,
  tableInfo,
  type CatalogFileRef,
  type CommittedTableState,
  type TableStateCache,
} from './table-state.js';
import type {
  ColumnDefinition,
  ColumnFilter,
  ColumnInfo,
  ProcedureDefinition,
  ProcedureInfo,
  SchemaInfo,
  TableInfo,
  ViewInfo,
} from './types.js';

/** What a transaction needs from the lake that opened it. */
export interface TransactionContext {
  readonly db: CatalogDb;
  readonly store: ObjectStore;
  readonly tableStates: TableStateCache;
  /** Name lookups at a snapshot, shared by the lake's transactions. */
  readonly lookups: SnapshotLookups;
  /** At most this many rows of one statement are inlined in the catalog instead of a file. */
  readonly inlineRowLimit: number;
  /** A table's inlined rows are flushed into a Parquet file once there would be more. */
  readonly inlineFlushThreshold: number;
  /** An insert of at least this many rows is written to a Parquet file of its own at once. */
  readonly insertFileRows: number;
  /** The lake's staging files: a large insert's file is held there until the transaction ends. */
  readonly staging: LakeStaging;
  /** Makes this process's catalog pin current, so GC elsewhere sees its staging files in use. */
  announceStaging(): Promise<void>;
  readonly author: string | null;
  /** A local path DuckDB can read for a file named in the catalog, checked against its record. */
  localPath(file: CatalogFileRef): Promise<string>;
  /** Called once when the transaction ends, to release its snapshot pin. */
  finished(snapshotId: number): void;
  /** Called after a commit, with the new snapshot id and the tables whose inlined rows to flush. */
  committed(snapshotId: number, tablesToFlush: readonly number[]): Promise<void>;
}

export interface TableRef {
  schema: string;
  name: string;
}

export interface ScanOptions {
  filters?: readonly ColumnFilter[];
  /** Adds __lake_file and __lake_pos (row identity for DELETE and UPDATE). */
  withRowIds?: boolean;
}

export type Assignments = Record<string, string>;

interface StagedTable {
  /**
   * Small inserts, kept as DuckDB text values by column id (the form they are inlined in):
   * no temp table is made for them. rowId is a sequence number within the transaction.
   */
  pending: ScanInlinedRow[];
  /** DuckDB temp table of inserted rows not yet committed. */
  stageTable: string | undefined;
  /**
   * Large inserts, written straight to Parquet files in the store's staging directory (with
   * the table's columns as they were then) and handed to the store at commit.
   */
  files: LocalDataFile[];
  /** Data file ids (0 = inlined rows) with uncommitted deletes. */
  filesWithDeletes: Set<number>;
  truncated: boolean;
  /**
   * A DELETE or UPDATE chose rows of the table by a condition: even when none matched, the
   * transaction's writes depend on what it read, so concurrent changes to the table conflict.
   */
  readForWrite: boolean;
  /** Every row change so far was a purge (DELETE ... { purge }): see ChangeKind 'purged'. */
  purgesOnly: boolean;
  inserted: boolean;
  deleted: boolean;
}

function notNullViolation(table: TableInfo, c: ColumnInfo): LakeshiftError {
  return new LakeshiftError(
    SqlState.notNullViolation,
    `null value in column "${c.name}" of relation "${table.name}" violates not-null constraint`,
  );
}

function relationMissing(ref: TableRef): LakeshiftError {
  return new LakeshiftError(
    SqlState.undefinedTable,
    `relation "${ref.schema}.${ref.name}" does not exist`,
  );
}

function schemaInfo(r: SchemaRow): SchemaInfo {
  return {
    schemaId: r.schema_id,
    databaseId: Number(r.database_id),
    name: r.schema_name,
    annotation: r.annotation,
  };
}

function schemaMissing(name: string): LakeshiftError {
  return new LakeshiftError(SqlState.undefinedSchema, `schema "${name}" does not exist`);
}

let transactionCounter = 0;

export class LakeTransaction {
  readonly snapshotId: number;
  readonly readOnly: boolean;
  private readonly overlay = new CatalogOverlay();
  private readonly staged = new Map<number, StagedTable>();
  private readonly prefix = `__lake_t${++transactionCounter}`;
  private stagedDeletesTable: string | undefined;
  private pendingSeq = 0;
  private sequenceCreated = false;
  private state: 'open' | 'committed' | 'rolled back' = 'open';
  /** Objects of copy jobs this transaction loads, recorded as 'loaded' by its commit. */
  private readonly copyJobFiles: LoadedCopyJobFile[] = [];
  /** Materialized view states this transaction writes (setMvState), by view id. */
  private readonly mvStates = new Map<number, string>();
  private readonly procedures: TransactionProcedures;

  constructor(
    private readonly ctx: TransactionContext,
    readonly connection: DuckDBConnection,
    snapshotId: number,
    readOnly: boolean,
    /** Hands a connection the lake lent back to it; undefined for a caller's connection. */
    private readonly releaseConnection: ((c: DuckDBConnection) => void) | undefined,
    /** The database whose schemas names resolve in, unless a call names another. */
    readonly databaseId: number,
  ) {
    this.snapshotId = snapshotId;
    this.readOnly = readOnly;
    this.procedures = new TransactionProcedures({
      db: ctx.db,
      lookups: ctx.lookups,
      snapshotId,
      overlay: this.overlay,
      getSchema: (name, database) => this.getSchema(name, database),
      listSchemas: (database) => this.listSchemas(database),
      assertWritable: () => this.assertWritable(),
    });
  }

  get isOpen(): boolean {
    return this.state === 'open';
  }

  /**
   * Whether this transaction changed anything yet (its reads then differ from the snapshot's),
   * or recorded a copy job object: either way its commit writes.
   */
  get hasLocalChanges(): boolean {
    return (
      !this.overlay.isEmpty ||
      this.staged.size > 0 ||
      this.copyJobFiles.length > 0 ||
      this.mvStates.size > 0
    );
  }

  // ---- catalog reads -------------------------------------------------------------------

  /**
   * The schemas of the transaction's database, or of the database named, or with 'all' of
   * every database (maintenance works across them).
   */
  async listSchemas(database: number | 'all' = this.databaseId): Promise<SchemaInfo[]> {
    const rows = await schemasAt(
      this.ctx.db,
      this.snapshotId,
      database === 'all' ? undefined : database,
    );
    const result = new Map<number, SchemaInfo>(rows.map((r) => [r.schema_id, schemaInfo(r)]));
    for (const [id, v] of this.overlay.schemas) {
      if (v.current && (database === 'all' || v.current.databaseId === database)) {
        result.set(id, v.current);
      } else result.delete(id);
    }
    return [...result.values()].sort(
      (a, b) => a.databaseId - b.databaseId || a.name.localeCompare(b.name),
    );
  }

  /** A schema by name in the transaction's database, or in the database named. */
  async getSchema(name: string, database = this.databaseId): Promise<SchemaInfo | undefined> {
    const staged = this.overlay.schemaByName(database, name);
    if (staged) return staged.current;
    const row = await this.ctx.lookups.get(
      `s\u0000${this.snapshotId}\u0000${database}\u0000${name}`,
      () => schemaByNameAt(this.ctx.db, this.snapshotId, database, name),
    );
    if (row === undefined || this.overlay.schemas.has(row.schema_id)) return undefined;
    return schemaInfo(row);
  }

  private async requireSchema(name: string): Promise<SchemaInfo> {
    const s = await this.getSchema(name);
    if (s === undefined) throw schemaMissing(name);
    return s;
  }

  /** A table by name in the transaction's database, or in the database named (reads only). */
  async getTable(
    schema: string,
    name: string,
    database = this.databaseId,
  ): Promise<TableInfo | undefined> {
    const s = await this.getSchema(schema, database);
    if (s === undefined) return undefined;
    const staged = this.overlay.tableByName(s.schemaId, name)?.current;
    if (staged) return staged.schemaName === s.name ? staged : { ...staged, schemaName: s.name };
    const row = await this.ctx.lookups.get(
      `t\u0000${this.snapshotId}\u0000${s.schemaId}\u0000${name}`,
      () => tableByNameAt(this.ctx.db, this.snapshotId, s.schemaId, name),
    );
    if (row === undefined || this.overlay.tables.has(row.table_id)) return undefined;
    const t = await this.ctx.lookups.get(`d\u0000${this.snapshotId}\u0000${row.table_id}`, () =>
      this.ctx.tableStates.definition(this.ctx.db, row.table_id, this.snapshotId),
    );
    // A renamed schema does not change its tables' definitions: name it as it is now.
    return t.schemaName === s.name ? t : { ...t, schemaName: s.name };
  }

  async requireTable(ref: TableRef | TableInfo): Promise<TableInfo> {
    const schema = 'schemaName' in ref ? ref.schemaName : ref.schema;
    const database = 'databaseId' in ref ? ref.databaseId : this.databaseId;
    const t = await this.getTable(schema, ref.name, database);
    if (t === undefined) {
      if ((await this.getSchema(schema, database)) === undefined) throw schemaMissing(schema);
      throw relationMissing({ schema, name: ref.name });
    }
    return t;
  }

  /** The tables of a schema, or of every schema of the database (of every one with 'all'). */
  async listTables(schema?: string, database?: number | 'all'): Promise<TableInfo[]> {
    const schemas =
      schema === undefined ? await this.listSchemas(database) : [await this.requireSchema(schema)];
    const result: TableInfo[] = [];
    for (const s of schemas) {
      const names = new Set<string>();
      for (const v of this.overlay.tables.values())
        if (v.current?.schemaId === s.schemaId) names.add(v.current.name);
      for (const r of await tablesAt(this.ctx.db, this.snapshotId, s.schemaId)) {
        if (!this.overlay.tables.has(r.table_id)) names.add(r.table_name);
      }
      for (const n of [...names].sort()) {
        const t = await this.getTable(s.name, n, s.databaseId);
        if (t) result.push(t);
      }
    }
    return result;
  }

  private viewInfo(r: ViewRow, schemaName: string): ViewInfo {
    return {
      viewId: r.view_id,
      schemaId: r.schema_id,
      schemaName,
      name: r.view_name,
      dialect: r.dialect,
      sql: r.sql,
      columnAliases: r.column_aliases ? (JSON.parse(r.column_aliases) as string[]) : null,
      annotation: r.annotation,
    };
  }

  async getView(
    schema: string,
    name: string,
    database = this.databaseId,
  ): Promise<ViewInfo | undefined> {
    const s = await this.getSchema(schema, database);
    if (s === undefined) return undefined;
    const staged = this.overlay.viewByName(s.schemaId, name);
    if (staged) return staged.current;
    const row = await this.ctx.lookups.get(
      `v\u0000${this.snapshotId}\u0000${s.schemaId}\u0000${name}`,
      () => viewByNameAt(this.ctx.db, this.snapshotId, s.schemaId, name),
    );
    if (row === undefined || this.overlay.views.has(row.view_id)) return undefined;
    return this.viewInfo(row, s.name);
  }

  async listViews(schema?: string, database?: number | 'all'): Promise<ViewInfo[]> {
    const schemas =
      schema === undefined ? await this.listSchemas(database) : [await this.requireSchema(schema)];
    const result: ViewInfo[] = [];
    for (const s of schemas) {
      for (const v of this.overlay.views.values())
        if (v.current?.schemaId === s.schemaId) result.push(v.current);
      for (const r of await viewsAt(this.ctx.db, this.snapshotId, s.schemaId)) {
        if (!this.overlay.views.has(r.view_id)) result.push(this.viewInfo(r, s.name));
      }
    }
    return result.sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Every overload of a procedure name in a schema (by id; none when the schema is missing). */
  getProcedures(schema: string, name: string, database?: number): Promise<ProcedureInfo[]> {
    return this.procedures.byName(schema, name, database);
  }

  /** The procedure of a schema with exactly these input argument types (canonical texts). */
  getProcedure(
    schema: string,
    name: string,
    inputTypes: readonly string[],
    database?: number,
  ): Promise<ProcedureInfo | undefined> {
    return this.procedures.bySignature(schema, name, inputTypes, database);
  }

  /** The procedures of a schema, or of every schema of the database (of every one with 'all'). */
  listProcedures(schema?: string, database?: number | 'all'): Promise<ProcedureInfo[]> {
    return this.procedures.list(schema, database);
  }

  private committedState(tableId: number): Promise<CommittedTableState> {
    return this.ctx.tableStates.get(this.ctx.db, tableId, this.snapshotId);
  }

  // ---- DDL -----------------------------------------------------------------------------

  private assertWritable(): void {
    if (this.state !== 'open') {
      throw new LakeshiftError(
        SqlState.noActiveSqlTransaction,
        `the transaction is already ${this.state}`,
      );
    }
    if (this.readOnly) {
      throw new LakeshiftError(
        SqlState.readOnlySqlTransaction,
        `cannot write in a read-only transaction (it reads snapshot ${this.snapshotId} of the past)`,
      );
    }
  }

  private async nameTaken(schemaId: number, name: string): Promise<boolean> {
    const s = (await this.listSchemas()).find((x) => x.schemaId === schemaId);
    if (s === undefined) return false;
    return (
      (await this.getTable(s.name, name)) !== undefined ||
      (await this.getView(s.name, name)) !== undefined
    );
  }

  async createSchema(
    name: string,
    opts: { ifNotExists?: boolean; annotation?: string | null } = {},
  ): Promise<SchemaInfo> {
    this.assertWritable();
    const existing = await this.getSchema(name);
    if (existing) {
      if (opts.ifNotExists) return existing;
      throw new LakeshiftError(SqlState.duplicateSchema, `schema "${name}" already exists`);
    }
    const schemaId = await reserveCatalogIds(this.ctx.db, 1);
    const info = {
      schemaId,
      databaseId: this.databaseId,
      name,
      annotation: opts.annotation ?? null,
    };
    this.overlay.setSchema(undefined, info, schemaId);
    return info;
  }

  /** Replaces a schema's annotation (free text of the SQL layer). */
  async setSchemaAnnotation(name: string, annotation: string | null): Promise<void> {
    this.assertWritable();
    const s = await this.requireSchema(name);
    this.overlay.setSchema(s, { ...s, annotation }, s.schemaId);
  }

  async renameSchema(name: string, newName: string): Promise<void> {
    this.assertWritable();
    const s = await this.requireSchema(name);
    if (await this.getSchema(newName)) {
      throw new LakeshiftError(SqlState.duplicateSchema, `schema "${newName}" already exists`);
    }
    this.overlay.setSchema(s, { ...s, name: newName }, s.schemaId);
  }

  async dropSchema(
    name: string,
    opts: { ifExists?: boolean; cascade?: boolean } = {},
  ): Promise<void> {
    this.assertWritable();
    const s = await this.getSchema(name);
    if (s === undefined) {
      if (opts.ifExists) return;
      throw schemaMissing(name);
    }
    const tables = await this.listTables(name);
    const views = await this.listViews(name);
    const procedures = await this.listProcedures(name);
    if ((tables.length || views.length || procedures.length) && !opts.cascade) {
      throw new LakeshiftError(
        SqlState.dependentObjectsStillExist,
        `cannot drop schema ${name} because other objects depend on it`,
        { hint: 'Use DROP ... CASCADE to drop the dependent objects too.' },
      );
    }
    for (const t of tables) await this.dropTable({ schema: name, name: t.name });
    for (const v of views) await this.dropView(name, v.name);
    for (const p of procedures) await this.dropProcedure(p);
    this.overlay.setSchema(s, undefined, s.schemaId);
  }

  async createTable(
    schema: string,
    name: string,
    columns: readonly ColumnDefinition[],
    opts: { sortKey?: readonly string[]; ifNotExists?: boolean; annotation?: string | null } = {},
  ): Promise<TableInfo> {
    this.assertWritable();
    const s = await this.requireSchema(schema);
    const existing = await this.getTable(schema, name);
    if (existing || (await this.getView(schema, name))) {
      if (opts.ifNotExists && existing) return existing;
      throw new LakeshiftError(SqlState.duplicateTable, `relation "${name}" already exists`);
    }
    const seen = new Set<string>();
    for (const c of columns) {
      if (seen.has(c.name))
        throw new LakeshiftError(
          SqlState.duplicateColumn,
          `column "${c.name}" specified more than once`,
        );
      seen.add(c.name);
    }
    for (const k of opts.sortKey ?? []) {
      if (!seen.has(k))
        throw new LakeshiftError(SqlState.undefinedColumn, `sort key column "${k}" does not exist`);
    }
    const first = await reserveCatalogIds(this.ctx.db, 1 + columns.length);
    const info: TableInfo = {
      tableId: first,
      tableUuid: randomUUID(),
      schemaId: s.schemaId,
      schemaName: s.name,
      databaseId: s.databaseId,
      name,
      columns: columns.map((c, i) => ({
        columnId: first + 1 + i,
        name: c.name,
        type: c.type,
        typeAnnotation: c.typeAnnotation ?? null,
        nullable: c.nullable ?? true,
        defaultValue: c.defaultValue ?? null,
        order: i,
      })),
      sortKey: [...(opts.sortKey ?? [])],
      annotation: opts.annotation ?? null,
    };
    this.overlay.setTable(undefined, info, info.tableId);
    return info;
  }

  async dropTable(ref: TableRef, opts: { ifExists?: boolean } = {}): Promise<void> {
    this.assertWritable();
    const t = await this.getTable(ref.schema, ref.name);
    if (t === undefined) {
      if (opts.ifExists) return;
      throw relationMissing(ref);
    }
    // Its staged rows go with it; the drop itself is the only change left to commit.
    await this.discardStage(t.tableId);
    this.staged.delete(t.tableId);
    this.overlay.setTable(t, undefined, t.tableId);
  }

  private async alterTable(t: TableInfo, next: TableInfo): Promise<void> {
    const original = this.overlay.tables.has(t.tableId)
      ? this.overlay.tables.get(t.tableId)!.original
      : t;
    this.overlay.setTable(original, next, t.tableId);
  }

  async renameTable(ref: TableRef, newName: string): Promise<void> {
    this.assertWritable();
    const t = await this.requireTable(ref);
    if (await this.nameTaken(t.schemaId, newName)) {
      throw new LakeshiftError(SqlState.duplicateTable, `relation "${newName}" already exists`);
    }
    await this.alterTable(t, { ...t, name: newName });
  }

  /** Replaces a table's annotation (free text of the SQL layer). */
  async setTableAnnotation(ref: TableRef, annotation: string | null): Promise<void> {
    this.assertWritable();
    const t = await this.requireTable(ref);
    await this.alterTable(t, { ...t, annotation });
  }

  /** Replaces a table's sort key (column names, in order; empty for none). */
  async setSortKey(ref: TableRef, columns: readonly string[]): Promise<void> {
    this.assertWritable();
    const t = await this.requireTable(ref);
    for (const c of columns) this.requireColumn(t, c);
    await this.alterTable(t, { ...t, sortKey: [...columns] });
  }

  /**
   * Changes what the catalog records of a column without touching its data: its type
   * annotation, NOT NULL, or default (the DuckDB type stays: files are never rewritten here).
   */
  async alterColumn(
    ref: TableRef,
    column: string,
    change: { typeAnnotation?: string | null; nullable?: boolean; defaultValue?: string | null },
  ): Promise<void> {
    this.assertWritable();
    const t = await this.requireTable(ref);
    this.requireColumn(t, column);
    await this.alterTable(t, {
      ...t,
      columns: t.columns.map((c) => (c.name === column ? { ...c, ...change } : c)),
    });
  }

  /** Changes a view's name, definition or annotation (free text of the SQL layer). */
  async alterView(
    schema: string,
    name: string,
    change: { name?: string; sql?: string; annotation?: string | null },
  ): Promise<void> {
    this.assertWritable();
    const v = await this.getView(schema, name);
    if (v === undefined) {
      throw new LakeshiftError(SqlState.undefinedTable, `view "${schema}.${name}" does not exist`);
    }
    if (change.name !== undefined && (await this.nameTaken(v.schemaId, change.name))) {
      throw new LakeshiftError(SqlState.duplicateTable, `relation "${change.name}" already exists`);
    }
    this.overlay.setView(v, { ...v, ...change }, v.viewId);
  }

  async addColumn(ref: TableRef, column: ColumnDefinition): Promise<void> {
    this.assertWritable();
    const t = await this.requireTable(ref);
    if (t.columns.some((c) => c.name === column.name)) {
      throw new LakeshiftError(
        SqlState.duplicateColumn,
        `column "${column.name}" of relation "${t.name}" already exists`,
      );
    }
    const columnId = await reserveCatalogIds(this.ctx.db, 1);
    const info: ColumnInfo = {
      columnId,
      name: column.name,
      type: column.type,
      typeAnnotation: column.typeAnnotation ?? null,
      nullable: column.nullable ?? true,
      defaultValue: column.defaultValue ?? null,
      order: Math.max(-1, ...t.columns.map((c) => c.order)) + 1,
    };
    await this.foldStagedFiles(t);
    const stage = this.staged.get(t.tableId)?.stageTable;
    if (stage) {
      const dflt =
        info.defaultValue === null
          ? ''
          : ` DEFAULT CAST(${quoteLiteral(info.defaultValue)} AS ${info.type})`;
      await this.connection.run(
        `ALTER TABLE ${stage} ADD COLUMN ${quoteIdent(info.name)} ${info.type}${dflt}`,
      );
    }
    await this.alterTable(t, { ...t, columns: [...t.columns, info] });
  }

  async dropColumn(ref: TableRef, column: string): Promise<void> {
    this.assertWritable();
    const t = await this.requireTable(ref);
    this.requireColumn(t, column);
    if (t.columns.length === 1) {
      throw new LakeshiftError(
        SqlState.invalidParameterValue,
        `cannot drop the last column of relation "${t.name}"`,
      );
    }
    await this.foldStagedFiles(t);
    const stage = this.staged.get(t.tableId)?.stageTable;
    if (stage) await this.connection.run(`ALTER TABLE ${stage} DROP COLUMN ${quoteIdent(column)}`);
    await this.alterTable(t, {
      ...t,
      columns: t.columns.filter((c) => c.name !== column),
      sortKey: t.sortKey.filter((k) => k !== column),
    });
  }

  async renameColumn(ref: TableRef, column: string, newName: string): Promise<void> {
    this.assertWritable();
    const t = await this.requireTable(ref);
    this.requireColumn(t, column);
    if (t.columns.some((c) => c.name === newName)) {
      throw new LakeshiftError(
        SqlState.duplicateColumn,
        `column "${newName}" of relation "${t.name}" already exists`,
      );
    }
    await this.foldStagedFiles(t);
    const stage = this.staged.get(t.tableId)?.stageTable;
    if (stage)
      await this.connection.run(
        `ALTER TABLE ${stage} RENAME COLUMN ${quoteIdent(column)} TO ${quoteIdent(newName)}`,
      );
    await this.alterTable(t, {
      ...t,
      columns: t.columns.map((c) => (c.name === column ? { ...c, name: newName } : c)),
      sortKey: t.sortKey.map((k) => (k === column ? newName : k)),
    });
  }

  private requireColumn(t: TableInfo, column: string): ColumnInfo {
    const c = t.columns.find((x) => x.name === column);
    if (c === undefined) {
      throw new LakeshiftError(
        SqlState.undefinedColumn,
        `column "${column}" of relation "${t.name}" does not exist`,
      );
    }
    return c;
  }

  async createView(
    schema: string,
    name: string,
    sql: string,
    opts: {
      dialect?: string;
      columnAliases?: string[];
      orReplace?: boolean;
      annotation?: string | null;
    } = {},
  ): Promise<ViewInfo> {
    this.assertWritable();
    const s = await this.requireSchema(schema);
    const existing = await this.getView(schema, name);
    if ((existing && !opts.orReplace) || (await this.getTable(schema, name))) {
      throw new LakeshiftError(SqlState.duplicateTable, `relation "${name}" already exists`);
    }
    const viewId = existing?.viewId ?? (await reserveCatalogIds(this.ctx.db, 1));
    const info: ViewInfo = {
      viewId,
      schemaId: s.schemaId,
      schemaName: s.name,
      name,
      dialect: opts.dialect ?? 'duckdb',
      sql,
      columnAliases: opts.columnAliases ?? null,
      annotation: opts.annotation ?? null,
    };
    const original = this.overlay.views.has(viewId)
      ? this.overlay.views.get(viewId)!.original
      : existing;
    this.overlay.setView(original, info, viewId);
    return info;
  }

  async dropView(schema: string, name: string, opts: { ifExists?: boolean } = {}): Promise<void> {
    this.assertWritable();
    const v = await this.getView(schema, name);
    if (v === undefined) {
      if (opts.ifExists) return;
      throw new LakeshiftError(SqlState.undefinedTable, `view "${schema}.${name}" does not exist`);
    }
    const original = this.overlay.views.has(v.viewId)
      ? this.overlay.views.get(v.viewId)!.original
      : v;
    this.overlay.setView(original, undefined, v.viewId);
  }

  /**
   * Creates a stored procedure (42723 when one with the same input types exists), or with
   * `orReplace` replaces that one: same id, owner and annotation, a new version.
   */
  createProcedure(
    schema: string,
    name: string,
    definition: ProcedureDefinition,
    opts: { orReplace?: boolean } = {},
  ): Promise<ProcedureInfo> {
    return this.procedures.create(schema, name, definition, opts);
  }

  /** Drops the procedure (42883 when it does not exist). */
  dropProcedure(ref: ProcedureRef | ProcedureInfo): Promise<void> {
    return this.procedures.drop(ref);
  }

  renameProcedure(ref: ProcedureRef | ProcedureInfo, newName: string): Promise<void> {
    return this.procedures.rename(ref, newName);
  }

  setProcedureOwner(ref: ProcedureRef | ProcedureInfo, ownerUserId: number): Promise<void> {
    return this.procedures.setOwner(ref, ownerUserId);
  }

  // ---- reads ---------------------------------------------------------------------------

  /**
   * A table's committed size as of this transaction's snapshot (its own uncommitted changes
   * aside): live rows, rows stored (deleted ones included), bytes of data and delete files, data
   * files. From catalog records only.
   */
  async tableStats(
    ref: TableRef | TableInfo,
  ): Promise<{ rows: number; storedRows: number; bytes: number; files: number }> {
    const table = await this.requireTable(ref);
    const versions = this.overlay.tables.get(table.tableId);
    if (versions !== undefined && versions.original === undefined) {
      return { rows: 0, storedRows: 0, bytes: 0, files: 0 };
    }
    const state = await this.committedState(table.tableId);
    let rows = state.inlined.length;
    // Rows still in data files though deleted (until compaction rewrites those files).
    let storedRows = state.inlined.length;
    let bytes = 0;
    for (const f of state.files) {
      rows += f.recordCount - (f.deleteFile?.deleteCount ?? 0);
      storedRows += f.recordCount;
      bytes += f.sizeBytes + (f.deleteFile?.sizeBytes ?? 0);
    }
    return { rows, storedRows, bytes, files: state.files.length };
  }

  /**
   * Reserves n values of an IDENTITY column's counter and returns the index of the first (the
   * column's k-th value is seed + k * step). Like a sequence, outside this transaction.
   */
  reserveIdentityValues(columnId: number, n: number): Promise<number> {
    return reserveFromCounter(this.ctx.db, `identity:${columnId}`, n);
  }

  /** Records what ANALYZE saw of a table: its live rows now (outside this transaction). */
  async recordAnalysis(ref: TableRef | TableInfo, rows: number): Promise<void> {
    const t = await this.requireTable(ref);
    await this.ctx.db.write((tx) =>
      tx.run(`UPDATE lake_table_stats SET analyzed_rows = ?, analyzed_at = ? WHERE table_id = ?`, [
        rows,
        Date.now(),
        t.tableId,
      ]),
    );
  }

  /**
   * Records that this transaction loads an object for a copy job: its commit writes the
   * object's row as 'loaded' (with the new snapshot id) in the same catalog transaction as the
   * rows, and fails with 40001, nothing written, when the object was loaded already (by another
   * server, or by an earlier attempt whose reply was lost) -- so an object loads exactly once.
   * A transaction whose only change is such a record (an empty object) still commits it.
   */
  recordCopyJobFile(file: {
    jobId: number;
    url: string;
    size: number;
    modified: Date;
    rows: number;
    queryId?: number | null;
  }): void {
    this.assertWritable();
    if (this.copyJobFiles.some((f) => f.jobId === file.jobId && f.url === file.url)) {
      throw new LakeshiftError(
        SqlState.duplicateObject,
        `object ${file.url} is already recorded as loaded by copy job ${file.jobId} in this transaction`,
      );
    }
    this.copyJobFiles.push({ ...file, queryId: file.queryId ?? null });
  }

  /** A materialized view's state as of this transaction (its own write, else the snapshot's). */
  async getMvState(viewId: number): Promise<string | undefined> {
    const mine = this.mvStates.get(viewId);
    if (mine !== undefined) return mine;
    return (await mvStateAt(this.ctx.db, this.snapshotId, viewId))?.state;
  }

  /**
   * Writes a materialized view's state with this transaction's commit (see lake_mv_state): a
   * concurrent commit that wrote the same view's state, or altered or dropped the view, makes
   * this one fail with 40001.
   */
  setMvState(viewId: number, state: string): void {
    this.assertWritable();
    this.mvStates.set(viewId, state);
  }

  /**
   * The kinds of change (created, altered, inserted, deleted, compacted, refreshed ...) an
   * object had after snapshot `since` up to this transaction's snapshot; undefined when `since`
   * is no longer retained.
   */
  changesSince(objectId: number, since: number): Promise<string[] | undefined> {
    return changeKindsBetween(this.ctx.db, objectId, since, this.snapshotId);
  }

  /**
   * The table's rows split at an older snapshot, when since then rows were only appended to it
   * (no delete, update, truncate, compaction or DDL): `before` reads the rows it had at `since`,
   * `added` the rows appended after it. undefined when anything else changed the table since,
   * when `since` is no longer retained, or when this transaction itself changed the table.
   */
  async appendedSince(
    ref: TableRef | TableInfo,
    since: number,
  ): Promise<{ before: string; added: string } | undefined> {
    const table = await this.requireTable(ref);
    if (this.staged.has(table.tableId) || this.overlay.tables.has(table.tableId)) return undefined;
    const kinds = await this.changesSince(table.tableId, since);
    if (kinds === undefined || !kinds.every((k) => k === 'inserted')) return undefined;
    const state = await this.committedState(table.tableId);
    const addedRows = new Set(
      (await inlinedRowsAt(this.ctx.db, this.snapshotId, table.tableId, since)).map(
        (r) => r.row_id,
      ),
    );
    const part = async (added: boolean) =>
      buildScan({
        tableId: table.tableId,
        columns: table.columns,
        files: await this.scanFiles(
          state,
          state.files.filter((f) => f.beginSnapshot > since === added),
          undefined,
          false,
        ),
        inlined: state.inlined.filter((r) => addedRows.has(r.rowId) === added),
        inlinedHaveStagedDeletes: false,
        stagedDeletesTable: undefined,
        pending: [],
        stageTable: undefined,
        stagedFiles: [],
        withRowIds: false,
      });
    return { before: await part(false), added: await part(true) };
  }

  /** The last ANALYZE of each table that had one: live rows then, and when (epoch ms). */
  async analyses(): Promise<Map<number, { rows: number; at: number }>> {
    const rows = await this.ctx.db.all<{
      table_id: number;
      analyzed_rows: number;
      analyzed_at: number;
    }>(
      `SELECT table_id, analyzed_rows, analyzed_at FROM lake_table_stats WHERE analyzed_at IS NOT NULL`,
    );
    return new Map(
      rows.map((r) => [
        Number(r.table_id),
        { rows: Number(r.analyzed_rows), at: Number(r.analyzed_at) },
      ]),
    );
  }

  /**
   * A parenthesized DuckDB query returning the table's rows as this transaction sees them.
   * Use it wherever a table reference goes: `SELECT ... FROM ${scan} AS t`.
   */
  async scan(ref: TableRef | TableInfo, opts: ScanOptions = {}): Promise<string> {
    const table = await this.requireTable(ref);
    // Rows are identified by position in the stage table, not in a staged file.
    if (opts.withRowIds) await this.foldStagedFiles(table);
    const staged = this.staged.get(table.tableId);
    const isNew =
      this.overlay.tables.get(table.tableId)?.original === undefined &&
      this.overlay.tables.has(table.tableId);
    let files: ScanFile[] = [];
    let inlined: CommittedTableState['inlined'] = [];
    if (!isNew && !staged?.truncated) {
      const state = await this.committedState(table.tableId);
      const filters = opts.filters ?? [];
      const kept = state.files.filter((f) =>
        filters.every((flt) => {
          const col = table.columns.find((c) => c.name === flt.column);
          const st = col && f.stats.get(col.columnId);
          return col === undefined || st === undefined || mayMatch(flt, col, st);
        }),
      );
      // DDL of this transaction changed the columns: every file needs the field-id mapping.
      const altered = this.overlay.tables.has(table.tableId);
      files = await this.scanFiles(state, kept, staged, altered);
      inlined = state.inlined;
    }
    return buildScan({
      tableId: table.tableId,
      columns: table.columns,
      files,
      inlined,
      inlinedHaveStagedDeletes: staged?.filesWithDeletes.has(0) ?? false,
      stagedDeletesTable: this.stagedDeletesTable,
      pending: staged?.pending ?? [],
      stageTable: staged?.stageTable,
      stagedFiles: staged?.files.map((f) => f.localPath) ?? [],
      withRowIds: opts.withRowIds ?? false,
    });
  }

  /** Committed files as a scan reads them: local paths, delete files, staged deletes. */
  private scanFiles(
    state: CommittedTableState,
    kept: CommittedTableState['files'],
    staged: StagedTable | undefined,
    altered: boolean,
  ): Promise<ScanFile[]> {
    return Promise.all(
      kept.map(async (f) => ({
        dataFileId: f.dataFileId,
        localPath: await this.ctx.localPath(f),
        deleteFileLocalPath: f.deleteFile && (await this.ctx.localPath(f.deleteFile)),
        hasStagedDeletes: staged?.filesWithDeletes.has(f.dataFileId) ?? false,
        matchesColumns: !altered && f.beginSnapshot >= state.definitionVersion,
      })),
    );
  }

  /** Runs DuckDB SQL on this transaction's connection and returns the rows as JS values. */
  async query(sql: string): Promise<Record<string, unknown>[]> {
    try {
      const reader = await this.connection.runAndReadAll(sql);
      return reader.getRowObjectsJS() as Record<string, unknown>[];
    } catch (e) {
      throw explainReadError(e);
    }
  }

  // ---- DML -----------------------------------------------------------------------------

  private stagedFor(tableId: number): StagedTable {
    let s = this.staged.get(tableId);
    if (s === undefined) {
      s = {
        pending: [],
        stageTable: undefined,
        files: [],
        filesWithDeletes: new Set(),
        truncated: false,
        readForWrite: false,
        purgesOnly: true,
        inserted: false,
        deleted: false,
      };
      this.staged.set(tableId, s);
    }
    return s;
  }

  private async ensureStageTable(table: TableInfo): Promise<string> {
    const staged = this.stagedFor(table.tableId);
    if (staged.stageTable) return staged.stageTable;
    const name = `${this.prefix}_stage_${table.tableId}`;
    const cols = table.columns.map((c) => {
      const dflt =
        c.defaultValue === null
          ? ''
          : ` DEFAULT CAST(${quoteLiteral(c.defaultValue)} AS ${c.type})`;
      return `${quoteIdent(c.name)} ${c.type}${dflt}${c.nullable ? '' : ' NOT NULL'}`;
    });
    if (!this.sequenceCreated) {
      await this.connection.run(`CREATE TEMP SEQUENCE ${this.prefix}_seq`);
      this.sequenceCreated = true;
    }
    await this.connection.run(
      `CREATE TEMP TABLE ${name} (${cols.join(', ')}, ${STAGE_SEQ} BIGINT DEFAULT nextval('${this.prefix}_seq'))`,
    );
    staged.stageTable = name;
    return name;
  }

  private async ensureStagedDeletesTable(): Promise<string> {
    if (this.stagedDeletesTable) return this.stagedDeletesTable;
    const name = `${this.prefix}_deletes`;
    await this.connection.run(
      `CREATE TEMP TABLE ${name} (table_id BIGINT, file_id BIGINT, pos BIGINT)`,
    );
    this.stagedDeletesTable = name;
    return name;
  }

  /**
   * Inserts the rows of a DuckDB query. Its columns map by position onto `columns` (default:
   * all columns in order); other columns get their default or NULL. Returns the row count.
   */
  async insert(
    ref: TableRef | TableInfo,
    query: string,
    opts: {
      columns?: readonly string[];
      /** Many rows are expected (a large file's): skip the check for a small result. */
      many?: boolean;
    } = {},
  ): Promise<number> {
    this.assertWritable();
    const table = await this.requireTable(ref);
    const target = (opts.columns ?? table.columns.map((c) => c.name)).map((n) =>
      this.requireColumn(table, n),
    );
    const aliases = target.map((_, i) => `__c${i}`);
    const source = `FROM (${query}) AS __src(${aliases.join(', ')})`;
    const staged = this.stagedFor(table.tableId);
    const room = this.ctx.inlineRowLimit - staged.pending.length;
    if (staged.stageTable === undefined && room > 0 && !opts.many) {
      // Small inserts (an audit row, a handful of values) are read back as text right away:
      // one DuckDB statement, no temp table. A larger result is abandoned after room + 1 rows
      // and the query runs again into a temp table; only that run's rows are inserted.
      const texts = target.map(
        (c, i) =>
          `CAST(CAST(__c${i} AS ${c.type}) AS VARCHAR) AS ${quoteIdent(String(c.columnId))}`,
      );
      // LIMIT lets DuckDB stop after room + 1 rows; a materialized result of that size is
      // cheaper to fetch than a streamed one.
      const reader = await this.connection.runAndReadAll(
        `SELECT ${texts.join(', ')} ${source} LIMIT ${room + 1}`,
      );
      if (reader.currentRowCount <= room) {
        const rows = reader.getRowObjectsJS() as Record<string, string | null>[];
        for (const values of rows) {
          this.checkNotNull(table, values);
          staged.pending.push({ rowId: ++this.pendingSeq, values });
        }
        if (rows.length > 0) staged.inserted = true;
        return rows.length;
      }
    } else if (!opts.many) {
      // The transaction's small inserts already fill the catalog's share (or a temp table
      // exists): rows of unknown number join the temp table, as a loop of single-row inserts
      // would otherwise write a Parquet file per row.
      const stage = await this.ensureStageTable(table);
      const casts = target.map((c, i) => `CAST(__c${i} AS ${c.type})`);
      const reader = await this.connection.runAndReadAll(
        `INSERT INTO ${stage} (${target.map((c) => quoteIdent(c.name)).join(', ')}) SELECT ${casts.join(', ')} ${source}`,
      );
      const n = Number(reader.rowsChanged);
      if (n > 0) staged.inserted = true;
      return n;
    }
    return this.insertLarge(table, target, source);
  }

  /**
   * A large insert goes straight to a Parquet file ordered by the sort key, its statistics
   * from the writer: no temp table to fill and read back at commit. A file of fewer rows than
   * insertFileRows is folded into the stage table (with the transaction's earlier small files)
   * once the transaction writes the table again, so that many such inserts make one file; the
   * only write of a transaction keeps its file (a streaming refresh writes its rows once).
   */
  private async insertLarge(
    table: TableInfo,
    target: readonly ColumnInfo[],
    source: string,
  ): Promise<number> {
    const staged = this.stagedFor(table.tableId);
    const values = table.columns.map((c) => {
      const i = target.indexOf(c);
      const value =
        i >= 0 ? `__c${i}` : c.defaultValue === null ? 'NULL' : quoteLiteral(c.defaultValue);
      return `CAST(${value} AS ${c.type}) AS ${quoteIdent(c.name)}`;
    });
    await this.ctx.announceStaging();
    const file = await writeLocalDataFile(
      this.connection,
      this.ctx.staging,
      `(SELECT ${values.join(', ')} ${source})`,
      table.columns,
      table.sortKey,
    );
    if (file.recordCount === 0) {
      await this.removeFiles([file]);
      return 0;
    }
    try {
      for (const c of table.columns) {
        if (!c.nullable && file.stats.find((st) => st.columnId === c.columnId)!.nullCount > 0)
          throw notNullViolation(table, c);
      }
      const small = (f: LocalDataFile) => f.recordCount < this.ctx.insertFileRows;
      const first =
        staged.files.length === 0 && staged.stageTable === undefined && staged.pending.length === 0;
      if (!small(file) || first) staged.files.push(file);
      else {
        const folded = [...staged.files.filter(small), file];
        staged.files = staged.files.filter((f) => !small(f));
        await this.moveToStage(table, folded);
      }
    } catch (e) {
      await this.removeFiles([file]);
      throw e;
    }
    staged.inserted = true;
    return file.recordCount;
  }

  private async removeStagedFiles(staged: StagedTable): Promise<void> {
    const files = staged.files;
    staged.files = [];
    await this.removeFiles(files);
  }

  private async removeFiles(files: readonly LocalDataFile[]): Promise<void> {
    await Promise.all(files.map((f) => rm(f.localPath, { force: true })));
    for (const f of files) this.ctx.staging.release(f.localPath);
  }

  /** Appends the rows of staged Parquet files to the table's stage table and removes them. */
  private async moveToStage(table: TableInfo, files: readonly LocalDataFile[]): Promise<void> {
    const withRows = files.filter((f) => f.recordCount > 0);
    try {
      if (withRows.length > 0) {
        const stage = await this.ensureStageTable(table);
        const cols = table.columns.map((c) => quoteIdent(c.name)).join(', ');
        const paths = withRows.map((f) => quoteLiteral(f.localPath)).join(', ');
        await this.connection.run(
          `INSERT INTO ${stage} (${cols}) SELECT ${cols} FROM read_parquet([${paths}])`,
        );
      }
    } finally {
      await this.removeFiles(files);
    }
  }

  /**
   * Moves the rows of the table's staged files into its stage table, where DELETE, UPDATE and
   * column changes of this transaction reach them.
   */
  private async foldStagedFiles(table: TableInfo): Promise<void> {
    const staged = this.staged.get(table.tableId);
    if (staged === undefined || staged.files.length === 0) return;
    const files = staged.files;
    staged.files = [];
    await this.moveToStage(table, files);
  }

  /** NOT NULL columns must get a value: from the row, or else from the column's default. */
  private checkNotNull(table: TableInfo, values: Record<string, string | null>): void {
    for (const c of table.columns) {
      if (c.nullable) continue;
      const key = String(c.columnId);
      const value = key in values ? values[key] : c.defaultValue;
      if (value === null || value === undefined) throw notNullViolation(table, c);
    }
  }

  /**
   * Deletes the rows for which `where` (a DuckDB condition over the table's columns) holds.
   * The condition sees the table under `opts.alias` (default: its name).
   */
  async delete(
    ref: TableRef | TableInfo,
    where?: string,
    opts: {
      alias?: string;
      /** The rows are a streaming materialized view's, purged: concurrent refreshes may append. */
      purge?: boolean;
    } = {},
  ): Promise<number> {
    this.assertWritable();
    const table = await this.requireTable(ref);
    if (where === undefined) {
      const [{ n }] = (await this.query(
        `SELECT count(*)::BIGINT AS n FROM ${await this.scan(table)}`,
      )) as [{ n: bigint }];
      await this.truncate(table);
      return Number(n);
    }
    const victims = `${this.prefix}_victims`;
    await this.connection.run(
      `CREATE OR REPLACE TEMP TABLE ${victims} AS SELECT ${ROW_FILE}, ${ROW_POS}
       FROM ${await this.scan(table, { withRowIds: true })} AS ${quoteIdent(opts.alias ?? table.name)} WHERE ${where}`,
    );
    return this.applyVictims(table, victims, opts.purge === true);
  }

  /** Records the rows listed in the victims table (row identity columns) as deleted. */
  private async applyVictims(table: TableInfo, victims: string, purge = false): Promise<number> {
    const staged = this.stagedFor(table.tableId);
    staged.readForWrite = true;
    if (!purge) staged.purgesOnly = false;
    const counts = (await this.query(
      `SELECT ${ROW_FILE} AS f, count(*)::BIGINT AS n FROM ${victims} GROUP BY ${ROW_FILE}`,
    )) as { f: bigint; n: bigint }[];
    let total = 0;
    for (const { f, n } of counts) {
      total += Number(n);
      if (f >= 0n) staged.filesWithDeletes.add(Number(f));
    }
    if (counts.some((c) => c.f >= 0n)) {
      const deletes = await this.ensureStagedDeletesTable();
      await this.connection.run(
        `INSERT INTO ${deletes} SELECT ${table.tableId}, ${ROW_FILE}, ${ROW_POS} FROM ${victims} WHERE ${ROW_FILE} >= 0`,
      );
      staged.deleted = true;
    }
    if (counts.some((c) => c.f === BigInt(STAGED_FILE)) && staged.stageTable) {
      await this.connection.run(
        `DELETE FROM ${staged.stageTable} WHERE ${STAGE_SEQ} IN (SELECT ${ROW_POS} FROM ${victims} WHERE ${ROW_FILE} = ${STAGED_FILE})`,
      );
    }
    if (counts.some((c) => c.f === BigInt(PENDING_FILE))) {
      const gone = (await this.query(
        `SELECT ${ROW_POS} AS pos FROM ${victims} WHERE ${ROW_FILE} = ${PENDING_FILE}`,
      )) as { pos: bigint }[];
      const ids = new Set(gone.map((g) => Number(g.pos)));
      staged.pending = staged.pending.filter((r) => !ids.has(r.rowId));
    }
    await this.connection.run(`DROP TABLE IF EXISTS ${victims}`);
    return total;
  }

  /**
   * Updates rows where `where` holds: each assignment maps a column to a DuckDB expression over
   * the row's old values (the table is visible as `opts.alias`, default its name). Returns the
   * row count.
   */
  async update(
    ref: TableRef | TableInfo,
    assignments: Assignments,
    where?: string,
    opts: { alias?: string } = {},
  ): Promise<number> {
    this.assertWritable();
    const table = await this.requireTable(ref);
    for (const col of Object.keys(assignments)) this.requireColumn(table, col);
    const changed = `${this.prefix}_changed`;
    const select = table.columns.map((c) => {
      const expr = assignments[c.name];
      return expr === undefined
        ? quoteIdent(c.name)
        : `CAST((${expr}) AS ${c.type}) AS ${quoteIdent(c.name)}`;
    });
    await this.connection.run(
      `CREATE OR REPLACE TEMP TABLE ${changed} AS SELECT ${select.join(', ')}, ${ROW_FILE}, ${ROW_POS}
       FROM ${await this.scan(table, { withRowIds: true })} AS ${quoteIdent(opts.alias ?? table.name)}
       ${where === undefined ? '' : `WHERE ${where}`}`,
    );
    const stage = await this.ensureStageTable(table);
    const cols = table.columns.map((c) => quoteIdent(c.name)).join(', ');
    await this.connection.run(`INSERT INTO ${stage} (${cols}) SELECT ${cols} FROM ${changed}`);
    const n = await this.applyVictims(table, changed);
    if (n > 0) this.stagedFor(table.tableId).inserted = true;
    return n;
  }

  async truncate(ref: TableRef | TableInfo): Promise<void> {
    this.assertWritable();
    const table = await this.requireTable(ref);
    await this.discardStage(table.tableId);
    const staged = this.stagedFor(table.tableId);
    staged.truncated = true;
    staged.deleted = true;
  }

  private async discardStage(tableId: number): Promise<void> {
    const staged = this.staged.get(tableId);
    if (staged === undefined) return;
    if (staged.stageTable) await this.connection.run(`DROP TABLE IF EXISTS ${staged.stageTable}`);
    if (this.stagedDeletesTable) {
      await this.connection.run(
        `DELETE FROM ${this.stagedDeletesTable} WHERE table_id = ${tableId}`,
      );
    }
    await this.removeStagedFiles(staged);
    staged.stageTable = undefined;
    staged.pending = [];
    staged.filesWithDeletes.clear();
  }

  // ---- commit --------------------------------------------------------------------------

  /**
   * Makes every change visible at once as a new snapshot and returns its id (the pinned
   * snapshot id when there was nothing to commit). Fails with 40001 when a concurrent
   * transaction committed a conflicting change first; nothing is then visible.
   */
  async commit(): Promise<number> {
    if (this.state !== 'open') {
      throw new LakeshiftError(
        SqlState.noActiveSqlTransaction,
        `the transaction is already ${this.state}`,
      );
    }
    const written: string[] = [];
    try {
      const plan = emptyCommitPlan(this.snapshotId, this.ctx.author);
      this.overlay.addToPlan(plan);
      for (const [tableId, staged] of this.staged)
        await this.planTableWrites(plan, tableId, staged, written);
      plan.copyJobFiles.push(...this.copyJobFiles);
      for (const [viewId, state] of this.mvStates) {
        plan.mvStates.push({ viewId, state });
        plan.changes.push({ objectId: viewId, kind: 'refreshed' });
      }
      if (planIsEmpty(plan)) {
        await this.end('committed');
        return this.snapshotId;
      }
      const names = new Map<number, string>();
      for (const v of this.overlay.tables.values()) {
        const t = v.current ?? v.original;
        if (t) names.set(t.tableId, `${t.schemaName}.${t.name}`);
      }
      for (const tableId of this.staged.keys()) {
        if (!names.has(tableId)) {
          const t = await this.ctx.tableStates.definition(this.ctx.db, tableId, this.snapshotId);
          names.set(tableId, `${t.schemaName}.${t.name}`);
        }
      }
      let result: CommitResult;
      try {
        result = await commitPlan(this.ctx.db, plan, (id) => names.get(id) ?? `#${id}`);
      } catch (e) {
        if (!isLakeshiftError(e, SqlState.transactionResolutionUnknown)) throw e;
        const resolved = await this.resolveUnknownCommit(plan.commitId, e);
        if (resolved === undefined) throw e;
        result = resolved;
      }
      await this.end('committed');
      // Flushing is a separate snapshot after this commit, so that an append never conflicts.
      const toFlush = [...result.inlinedRows]
        .filter(([, n]) => n > this.ctx.inlineFlushThreshold)
        .map(([id]) => id);
      await this.ctx.committed(result.snapshotId, toFlush);
      return result.snapshotId;
    } catch (e) {
      // Files of a commit that certainly did not happen are orphans: remove them now (GC would
      // later). When the outcome is unknown they may be part of a committed snapshot: keep them.
      if (this.state === 'open' && !isLakeshiftError(e, SqlState.transactionResolutionUnknown)) {
        await Promise.allSettled(written.map((key) => this.ctx.store.delete(key)));
      }
      if (this.state === 'open') await this.end('rolled back');
      throw e;
    }
  }

  /**
   * After the connection to the catalog was lost during COMMIT: looks the commit up by its id.
   * Returns its result when it did commit, throws a clear error when it certainly did not, and
   * returns undefined when the catalog cannot tell yet.
   */
  private async resolveUnknownCommit(
    commitId: string,
    cause: unknown,
  ): Promise<CommitResult | undefined> {
    let row: { snapshot_id: number } | undefined;
    try {
      row = await this.ctx.db.get<{ snapshot_id: number }>(
        `SELECT snapshot_id FROM lake_snapshot WHERE commit_id = ?`,
        [commitId],
      );
    } catch {
      return undefined;
    }
    if (row !== undefined) return { snapshotId: row.snapshot_id, inlinedRows: new Map() };
    throw new LakeshiftError(
      SqlState.connectionException,
      `the connection to the catalog at ${this.ctx.db.location} was lost during COMMIT, and the transaction did not commit`,
      { hint: 'Retry the transaction.', cause },
    );
  }

  private async planTableWrites(
    plan: CommitPlan,
    tableId: number,
    staged: StagedTable,
    written: string[],
  ): Promise<void> {
    const versions = this.overlay.tables.get(tableId);
    if (versions && versions.current === undefined) return; // dropped: its data goes with it
    const table =
      versions?.current ??
      (await this.ctx.tableStates.definition(this.ctx.db, tableId, this.snapshotId));
    const isNew = versions !== undefined && versions.original === undefined;
    const keyPrefix = `tables/${table.tableUuid}`;
    const deleteKind = staged.purgesOnly ? 'purged' : 'deleted';
    if (staged.truncated && !isNew) {
      plan.truncatedTables.push(tableId);
      plan.changes.push({ objectId: tableId, kind: 'deleted' });
    }
    // The committed files and rows are needed only to delete from them.
    const committed =
      isNew || staged.truncated || staged.filesWithDeletes.size === 0
        ? undefined
        : await this.committedState(tableId);

    // Deletes of committed rows: a new cumulative delete file per data file, or the end of
    // the whole file when every row of it is gone.
    if (committed && staged.filesWithDeletes.size > 0 && this.stagedDeletesTable) {
      for (const f of committed.files) {
        if (!staged.filesWithDeletes.has(f.dataFileId)) continue;
        const mine = `SELECT pos FROM ${this.stagedDeletesTable} WHERE table_id = ${tableId} AND file_id = ${f.dataFileId}`;
        const positions = f.deleteFile
          ? `${mine} UNION SELECT pos FROM read_parquet(${quoteLiteral(await this.ctx.localPath(f.deleteFile))})`
          : mine;
        plan.filesRequired.push(f.dataFileId);
        const [{ n }] = (await this.query(
          `SELECT count(DISTINCT pos)::BIGINT AS n FROM (${positions})`,
        )) as [{ n: bigint }];
        if (Number(n) >= f.recordCount) {
          plan.endDataFiles.push(f.dataFileId);
          continue;
        }
        const d = await writeDeleteFile(
          this.connection,
          this.ctx.store,
          keyPrefix,
          f.path,
          positions,
        );
        written.push(d.key);
        plan.newDeleteFiles.push({
          tableId,
          dataFileId: f.dataFileId,
          path: d.key,
          deleteCount: d.deleteCount,
          sizeBytes: d.sizeBytes,
          checksum: d.checksum,
        });
      }
      if (staged.filesWithDeletes.has(0)) {
        const rows = (await this.query(
          `SELECT pos FROM ${this.stagedDeletesTable} WHERE table_id = ${tableId} AND file_id = 0`,
        )) as { pos: bigint }[];
        for (const { pos } of rows) {
          const r = { tableId, rowId: Number(pos) };
          plan.endInlinedRows.push(r);
          plan.inlinedRequired.push(r);
        }
      }
      plan.changes.push({ objectId: tableId, kind: deleteKind });
    }
    if (
      staged.readForWrite &&
      !plan.changes.some((c) => c.objectId === tableId && c.kind === deleteKind)
    ) {
      plan.changes.push({ objectId: tableId, kind: deleteKind });
    }

    for (const r of staged.pending) {
      plan.newInlinedRows.push({ tableId, rowData: JSON.stringify(r.values) });
    }
    let stagedCount = 0;
    if (staged.stageTable) {
      const [{ n }] = (await this.query(
        `SELECT count(*)::BIGINT AS n FROM ${staged.stageTable}`,
      )) as [{ n: bigint }];
      stagedCount = Number(n);
    }
    if (staged.pending.length + stagedCount + staged.files.length === 0) return;
    plan.changes.push({ objectId: tableId, kind: 'inserted' });
    while (staged.files.length > 0) {
      const local = staged.files[0]!;
      const file = await publishDataFile(this.ctx.store, keyPrefix, local);
      staged.files.shift();
      this.ctx.staging.release(local.localPath);
      written.push(file.key);
      plan.newDataFiles.push(newDataFile(tableId, file));
    }
    if (staged.stageTable && stagedCount > 0 && stagedCount <= this.ctx.inlineRowLimit) {
      const cols = table.columns.map(
        (c) => `CAST(${quoteIdent(c.name)} AS VARCHAR) AS ${quoteIdent(String(c.columnId))}`,
      );
      const rows = await this.query(
        `SELECT ${cols.join(', ')} FROM ${staged.stageTable} ORDER BY ${STAGE_SEQ}`,
      );
      for (const row of rows) plan.newInlinedRows.push({ tableId, rowData: JSON.stringify(row) });
      return;
    }
    if (!staged.stageTable || stagedCount === 0) return;
    const file = await writeDataFile(
      this.connection,
      this.ctx.store,
      this.ctx.staging,
      keyPrefix,
      staged.stageTable,
      table.columns,
      table.sortKey,
    );
    if (file) {
      written.push(file.key);
      plan.newDataFiles.push(newDataFile(tableId, file));
    }
  }

  async rollback(): Promise<void> {
    if (this.state !== 'open') return;
    await this.end('rolled back');
  }

  private async end(state: 'committed' | 'rolled back'): Promise<void> {
    this.state = state;
    try {
      // Best effort: the outcome is decided; leftover temp objects go with the connection.
      for (const staged of this.staged.values()) {
        await this.removeStagedFiles(staged).catch(() => undefined);
        if (staged.stageTable)
          await this.connection
            .run(`DROP TABLE IF EXISTS ${staged.stageTable}`)
            .catch(() => undefined);
      }
      if (this.stagedDeletesTable)
        await this.connection
          .run(`DROP TABLE IF EXISTS ${this.stagedDeletesTable}`)
          .catch(() => undefined);
      if (this.sequenceCreated)
        await this.connection
          .run(`DROP SEQUENCE IF EXISTS ${this.prefix}_seq`)
          .catch(() => undefined);
    } finally {
      this.releaseConnection?.(this.connection);
      this.ctx.finished(this.snapshotId);
    }
  }
}

export { columnsAt, columnInfo, tableInfo };
