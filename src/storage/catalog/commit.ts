// Commit: one catalog transaction under the commit lock turns a transaction's staged changes
// (whose files are already durable in the object store) into the next snapshot. This is the only
// point at which anything becomes visible. Before writing, it checks what other transactions
// committed since this one's snapshot and fails with 40001 where they conflict.
import { randomUUID } from 'node:crypto';
import { LakeshiftError, SqlState } from '../../common/errors.js';
import {
  checkCopyJobFilesLoadable,
  writeLoadedCopyJobFiles,
  type LoadedCopyJobFile,
} from './copy-jobs.js';
import type { CatalogDb, CatalogTx } from './db.js';
import { changesAfter, latestSnapshot } from './queries.js';

/** What a commit did to one object; the vocabulary of lake_snapshot_change.kind. */
export type ChangeKind =
  | 'created'
  | 'altered'
  | 'dropped'
  | 'inserted'
  | 'deleted'
  // Rows of a streaming materialized view deleted by a condition (a purge): what the view's
  // refreshes append meanwhile reads nothing of its rows, so the purge serializes before them.
  | 'purged'
  | 'compacted'
  | 'created_in' // on a schema: a table, view or procedure was created in it
  | 'refreshed'; // on a materialized view: its state (lake_mv_state) was written

export interface ColumnStats {
  columnId: number;
  valueCount: number;
  nullCount: number;
  min: string | null;
  max: string | null;
}

export interface NewDataFile {
  tableId: number;
  path: string;
  pathIsRelative: boolean;
  recordCount: number;
  sizeBytes: number;
  checksum: string;
  stats: ColumnStats[];
}

export interface NewDeleteFile {
  tableId: number;
  dataFileId: number;
  path: string;
  deleteCount: number;
  sizeBytes: number;
  checksum: string;
}

export interface NewSchemaRow {
  schemaId: number;
  databaseId: number;
  name: string;
  annotation: string | null;
}
export interface NewTableRow {
  tableId: number;
  tableUuid: string;
  schemaId: number;
  name: string;
  sortKey: number[];
  annotation: string | null;
}
export interface NewColumnRow {
  columnId: number;
  tableId: number;
  order: number;
  name: string;
  type: string;
  typeAnnotation: string | null;
  nullable: boolean;
  defaultValue: string | null;
}
export interface NewViewRow {
  viewId: number;
  schemaId: number;
  name: string;
  dialect: string;
  sql: string;
  columnAliases: string[] | null;
  annotation: string | null;
}

/** A version of a procedure; the JSON columns as lake_procedure documents them. */
export interface NewProcedureRow {
  procedureId: number;
  schemaId: number;
  name: string;
  /** JSON array of the canonical input argument types. */
  inputTypes: string;
  /** JSON array of the arguments. */
  arguments: string;
  body: string;
  language: string;
  security: string;
  nonatomic: boolean;
  /** JSON array of the SET clauses, or null for none. */
  config: string | null;
  ownerUserId: number;
  annotation: string | null;
}

export type VersionedCatalogTable =
  'lake_schema' | 'lake_table' | 'lake_column' | 'lake_view' | 'lake_procedure';
const ID_COLUMN: Record<VersionedCatalogTable, string> = {
  lake_schema: 'schema_id',
  lake_table: 'table_id',
  lake_column: 'column_id',
  lake_view: 'view_id',
  lake_procedure: 'procedure_id',
};

export interface CommitPlan {
  pinnedSnapshot: number;
  author: string | null;
  /** Unique per commit attempt: finds the commit again when its outcome was lost. */
  commitId: string;
  changes: { objectId: number; kind: ChangeKind }[];
  /** Names (schema_id, name) that must not be taken at commit time by another live table or view. */
  namesToClaim: { schemaId: number; name: string; objectId: number }[];
  /** Schemas that must still exist at commit time (a table is being created in them). */
  schemasRequired: number[];
  /** Schema names (new or renamed) no other live schema of their database may hold at commit. */
  schemaNamesToClaim: { databaseId: number; name: string }[];
  /**
   * Procedure signatures (new or renamed) no other live procedure may hold at commit: same
   * schema, name and input types (the JSON of lake_procedure.input_types).
   */
  procedureSignaturesToClaim: {
    schemaId: number;
    name: string;
    inputTypes: string;
    procedureId: number;
  }[];
  /** Data files this transaction deletes rows from or rewrites: they must still be live. */
  filesRequired: number[];
  /** Inlined rows this transaction deletes or flushes: they must still be live. */
  inlinedRequired: { tableId: number; rowId: number }[];
  /** Versioned catalog rows to end (drop, or the old version of a rename or alter). */
  endRows: { table: VersionedCatalogTable; id: number }[];
  newSchemas: NewSchemaRow[];
  newTables: NewTableRow[];
  newColumns: NewColumnRow[];
  newViews: NewViewRow[];
  newProcedures: NewProcedureRow[];
  /** Tables whose every data file, delete file and inlined row ends (TRUNCATE, DROP). */
  truncatedTables: number[];
  endDataFiles: number[];
  newDataFiles: NewDataFile[];
  newDeleteFiles: NewDeleteFile[];
  newInlinedRows: { tableId: number; rowData: string }[];
  endInlinedRows: { tableId: number; rowId: number }[];
  /**
   * Objects of copy jobs whose rows this commit loads: recorded as 'loaded' in this snapshot.
   * The commit fails (40001), writing nothing, when one of them was loaded already.
   */
  copyJobFiles: LoadedCopyJobFile[];
  /** Materialized views whose state this commit writes (each with the change 'refreshed'). */
  mvStates: { viewId: number; state: string }[];
}

export function emptyCommitPlan(pinnedSnapshot: number, author: string | null): CommitPlan {
  return {
    pinnedSnapshot,
    author,
    commitId: randomUUID(),
    changes: [],
    namesToClaim: [],
    schemasRequired: [],
    schemaNamesToClaim: [],
    procedureSignaturesToClaim: [],
    filesRequired: [],
    inlinedRequired: [],
    endRows: [],
    newSchemas: [],
    newTables: [],
    newColumns: [],
    newViews: [],
    newProcedures: [],
    truncatedTables: [],
    endDataFiles: [],
    newDataFiles: [],
    newDeleteFiles: [],
    newInlinedRows: [],
    endInlinedRows: [],
    copyJobFiles: [],
    mvStates: [],
  };
}

/** Nothing to commit: no change, and no copy job object loaded (even an empty one must be). */
export function planIsEmpty(plan: CommitPlan): boolean {
  return plan.changes.length === 0 && plan.copyJobFiles.length === 0;
}

function serializationFailure(message: string): LakeshiftError {
  return new LakeshiftError(SqlState.serializationFailure, message, {
    hint: 'Another transaction committed a conflicting change first; retry the transaction.',
  });
}

const DDL_KINDS = new Set<string>(['created', 'altered', 'dropped']);

const subset = (kinds: string[], allowed: string[]): boolean =>
  kinds.every((k) => allowed.includes(k));

/** Whether my changes to one object conflict with changes another transaction committed to it. */
function conflicts(mine: string[], theirs: string[]): boolean {
  if (subset(mine, ['created_in'])) return theirs.includes('dropped');
  if (subset(mine, ['inserted'])) return theirs.some((k) => DDL_KINDS.has(k));
  if (subset(mine, ['purged'])) return !subset(theirs, ['inserted', 'compacted']);
  // Deletes lose to any concurrent change but compaction; compaction is checked file by file.
  if (subset(mine, ['inserted', 'deleted', 'purged'])) return !subset(theirs, ['compacted']);
  if (mine.includes('dropped')) return true;
  return !subset(theirs, ['created_in']);
}

/**
 * Serializable isolation at table granularity: a transaction that only appends rows conflicts
 * with concurrent DDL on the table; one that deletes, rewrites or alters conflicts with any
 * concurrent change to the table, except that background compaction only conflicts when it
 * rewrote the very files or inlined rows this transaction deletes from (checked by liveness).
 */
async function checkConflicts(
  tx: CatalogTx,
  plan: CommitPlan,
  objectName: (id: number) => string,
): Promise<void> {
  const theirs = new Map<number, Set<string>>();
  for (const c of await changesAfter(tx, plan.pinnedSnapshot)) {
    let kinds = theirs.get(c.object_id);
    if (kinds === undefined) theirs.set(c.object_id, (kinds = new Set()));
    kinds.add(c.kind);
  }
  if (theirs.size > 0) {
    const mine = new Map<number, Set<string>>();
    for (const c of plan.changes) {
      let kinds = mine.get(c.objectId);
      if (kinds === undefined) mine.set(c.objectId, (kinds = new Set()));
      kinds.add(c.kind);
    }
    for (const [objectId, myKinds] of mine) {
      const theirKinds = theirs.get(objectId);
      if (theirKinds === undefined) continue;
      if (conflicts([...myKinds], [...theirKinds])) {
        throw serializationFailure(
          `Serializable isolation violation on table ${objectName(objectId)}: a concurrent transaction changed it first`,
        );
      }
    }
  }
  for (const id of plan.filesRequired) {
    const row = await tx.get(
      `SELECT 1 AS live FROM lake_data_file WHERE data_file_id = ? AND end_snapshot IS NULL`,
      [id],
    );
    if (row === undefined) {
      const table = plan.newDeleteFiles.find((f) => f.dataFileId === id)?.tableId;
      throw serializationFailure(
        `Serializable isolation violation on table ${table === undefined ? `(file ${id})` : objectName(table)}: rows it deletes were rewritten by a concurrent transaction`,
      );
    }
  }
  for (const r of plan.inlinedRequired) {
    const row = await tx.get(
      `SELECT 1 AS live FROM lake_inlined_row WHERE table_id = ? AND row_id = ? AND end_snapshot IS NULL`,
      [r.tableId, r.rowId],
    );
    if (row === undefined) {
      throw serializationFailure(
        `Serializable isolation violation on table ${objectName(r.tableId)}: rows it deletes were changed by a concurrent transaction`,
      );
    }
  }
  for (const schemaId of plan.schemasRequired) {
    const row = await tx.get(
      `SELECT 1 AS live FROM lake_schema WHERE schema_id = ? AND end_snapshot IS NULL`,
      [schemaId],
    );
    if (row === undefined) {
      throw serializationFailure(
        `Serializable isolation violation on schema ${objectName(schemaId)}: it was dropped by a concurrent transaction`,
      );
    }
  }
  const releasedSchemas = new Set(
    plan.endRows.filter((e) => e.table === 'lake_schema').map((e) => e.id),
  );
  for (const { databaseId, name } of plan.schemaNamesToClaim) {
    const holders = await tx.all<{ id: number }>(
      `SELECT schema_id AS id FROM lake_schema
       WHERE database_id = ? AND schema_name = ? AND end_snapshot IS NULL`,
      [databaseId, name],
    );
    if (holders.some((h) => !releasedSchemas.has(h.id))) {
      throw serializationFailure(
        `Serializable isolation violation: schema "${name}" was created by a concurrent transaction`,
      );
    }
  }
  // Relations this commit drops or renames give up their names.
  const released = new Set(
    plan.endRows
      .filter((e) => e.table === 'lake_table' || e.table === 'lake_view')
      .map((e) => e.id),
  );
  for (const n of plan.namesToClaim) {
    const holders = await tx.all<{ id: number }>(
      `SELECT table_id AS id FROM lake_table WHERE schema_id = ? AND table_name = ? AND end_snapshot IS NULL AND table_id <> ?
       UNION ALL
       SELECT view_id AS id FROM lake_view WHERE schema_id = ? AND view_name = ? AND end_snapshot IS NULL AND view_id <> ?`,
      [n.schemaId, n.name, n.objectId, n.schemaId, n.name, n.objectId],
    );
    if (holders.some((h) => !released.has(h.id))) {
      throw serializationFailure(
        `Serializable isolation violation: relation "${n.name}" was created by a concurrent transaction`,
      );
    }
  }
  const releasedProcedures = new Set(
    plan.endRows.filter((e) => e.table === 'lake_procedure').map((e) => e.id),
  );
  for (const c of plan.procedureSignaturesToClaim) {
    const holders = await tx.all<{ id: number }>(
      `SELECT procedure_id AS id FROM lake_procedure
       WHERE schema_id = ? AND procedure_name = ? AND input_types = ? AND end_snapshot IS NULL
         AND procedure_id <> ?`,
      [c.schemaId, c.name, c.inputTypes, c.procedureId],
    );
    if (holders.some((h) => !releasedProcedures.has(h.id))) {
      throw serializationFailure(
        `Serializable isolation violation: procedure "${c.name}" was created by a concurrent transaction`,
      );
    }
  }
}

function summarize(plan: CommitPlan): string {
  const words: Record<ChangeKind, string> = {
    created: 'created',
    altered: 'altered',
    dropped: 'dropped',
    inserted: 'inserted_into',
    deleted: 'deleted_from',
    purged: 'purged_from',
    compacted: 'compacted',
    created_in: 'created_in_schema',
    refreshed: 'refreshed',
  };
  const jobs = new Set(plan.copyJobFiles.map((f) => f.jobId));
  return [
    ...plan.changes.map((c) => `${words[c.kind]}:${c.objectId}`),
    ...[...jobs].map((id) => `loaded_by_copy_job:${id}`),
  ].join(',');
}

export interface CommitResult {
  snapshotId: number;
  /** Live inlined rows, after this commit, of the tables whose inlined rows it changed. */
  inlinedRows: Map<number, number>;
}

/**
 * Writes the plan as the next snapshot. Fails with 40001, writing nothing, when a conflicting
 * transaction committed first.
 */
export function commitPlan(
  db: CatalogDb,
  plan: CommitPlan,
  objectName: (id: number) => string,
): Promise<CommitResult> {
  return db.write(async (tx) => {
    const latest = await latestSnapshot(tx);
    if (latest === undefined) throw new Error('catalog has no snapshot');
    // Nothing committed since this transaction's snapshot: nothing can conflict.
    if (latest.snapshot_id !== plan.pinnedSnapshot) await checkConflicts(tx, plan, objectName);
    // Whatever was committed since: an object a copy job loaded already is never loaded again.
    await checkCopyJobFilesLoadable(tx, plan.copyJobFiles);

    const s = latest.snapshot_id + 1;
    let nextFileId = latest.next_file_id;
    const schemaChanged = plan.changes.some((c) => DDL_KINDS.has(c.kind));

    for (const e of plan.endRows) {
      await tx.run(
        `UPDATE ${e.table} SET end_snapshot = ? WHERE ${ID_COLUMN[e.table]} = ? AND end_snapshot IS NULL`,
        [s, e.id],
      );
    }
    for (const r of plan.newSchemas) {
      await tx.run(
        `INSERT INTO lake_schema (schema_id, begin_snapshot, end_snapshot, schema_name, annotation,
           database_id)
         VALUES (?, ?, NULL, ?, ?, ?)`,
        [r.schemaId, s, r.name, r.annotation, r.databaseId],
      );
    }
    for (const r of plan.newTables) {
      await tx.run(
        `INSERT INTO lake_table (table_id, table_uuid, begin_snapshot, end_snapshot, schema_id, table_name, sort_key,
           annotation)
         VALUES (?, ?, ?, NULL, ?, ?, ?, ?)`,
        [
          r.tableId,
          r.tableUuid,
          s,
          r.schemaId,
          r.name,
          r.sortKey.length ? JSON.stringify(r.sortKey) : null,
          r.annotation,
        ],
      );
      await tx.run(
        `INSERT INTO lake_table_stats (table_id, next_row_id, inlined_rows) VALUES (?, 0, 0) ON CONFLICT (table_id) DO NOTHING`,
        [r.tableId],
      );
    }
    for (const c of plan.newColumns) {
      await tx.run(
        `INSERT INTO lake_column (column_id, begin_snapshot, end_snapshot, table_id, column_order, column_name,
           column_type, type_annotation, nulls_allowed, default_value)
         VALUES (?, ?, NULL, ?, ?, ?, ?, ?, ?, ?)`,
        [
          c.columnId,
          s,
          c.tableId,
          c.order,
          c.name,
          c.type,
          c.typeAnnotation,
          c.nullable ? 1 : 0,
          c.defaultValue,
        ],
      );
    }
    for (const v of plan.newViews) {
      await tx.run(
        `INSERT INTO lake_view (view_id, begin_snapshot, end_snapshot, schema_id, view_name, dialect, sql, column_aliases,
           annotation)
         VALUES (?, ?, NULL, ?, ?, ?, ?, ?, ?)`,
        [
          v.viewId,
          s,
          v.schemaId,
          v.name,
          v.dialect,
          v.sql,
          v.columnAliases ? JSON.stringify(v.columnAliases) : null,
          v.annotation,
        ],
      );
    }
    for (const p of plan.newProcedures) {
      await tx.run(
        `INSERT INTO lake_procedure (procedure_id, begin_snapshot, end_snapshot, schema_id,
           procedure_name, input_types, arguments, body, language, security, nonatomic, config,
           owner_user_id, annotation)
         VALUES (?, ?, NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [
          p.procedureId,
          s,
          p.schemaId,
          p.name,
          p.inputTypes,
          p.arguments,
          p.body,
          p.language,
          p.security,
          p.nonatomic ? 1 : 0,
          p.config,
          p.ownerUserId,
          p.annotation,
        ],
      );
    }
    for (const m of plan.mvStates) {
      await tx.run(
        `UPDATE lake_mv_state SET end_snapshot = ? WHERE view_id = ? AND end_snapshot IS NULL`,
        [s, m.viewId],
      );
      await tx.run(
        `INSERT INTO lake_mv_state (view_id, begin_snapshot, end_snapshot, state) VALUES (?, ?, NULL, ?)`,
        [m.viewId, s, m.state],
      );
    }
    const inlinedDelta = new Map<number, number>();
    const addInlined = (tableId: number, n: number) =>
      inlinedDelta.set(tableId, (inlinedDelta.get(tableId) ?? 0) + n);
    for (const tableId of plan.truncatedTables) {
      await tx.run(`UPDATE lake_table_stats SET inlined_rows = 0 WHERE table_id = ?`, [tableId]);
      for (const t of ['lake_data_file', 'lake_delete_file', 'lake_inlined_row']) {
        await tx.run(
          `UPDATE ${t} SET end_snapshot = ? WHERE table_id = ? AND end_snapshot IS NULL`,
          [s, tableId],
        );
      }
    }
    for (const id of plan.endDataFiles) {
      await tx.run(
        `UPDATE lake_data_file SET end_snapshot = ? WHERE data_file_id = ? AND end_snapshot IS NULL`,
        [s, id],
      );
      await tx.run(
        `UPDATE lake_delete_file SET end_snapshot = ? WHERE data_file_id = ? AND end_snapshot IS NULL`,
        [s, id],
      );
    }
    for (const r of plan.endInlinedRows) {
      const { changes } = await tx.run(
        `UPDATE lake_inlined_row SET end_snapshot = ? WHERE table_id = ? AND row_id = ? AND end_snapshot IS NULL`,
        [s, r.tableId, r.rowId],
      );
      addInlined(r.tableId, -changes);
    }

    // Row ids are handed out here, under the lock, so concurrent appends never collide.
    const nextRowIds = new Map<number, number>();
    const takeRowIds = async (tableId: number, count: number): Promise<number> => {
      let next = nextRowIds.get(tableId);
      if (next === undefined) {
        const row = await tx.get<{ next_row_id: number }>(
          `SELECT next_row_id FROM lake_table_stats WHERE table_id = ?`,
          [tableId],
        );
        next = row?.next_row_id ?? 0;
      }
      nextRowIds.set(tableId, next + count);
      return next;
    };
    for (const f of plan.newDataFiles) {
      const id = nextFileId++;
      const rowIdStart = await takeRowIds(f.tableId, f.recordCount);
      await tx.run(
        `INSERT INTO lake_data_file (data_file_id, table_id, begin_snapshot, end_snapshot, path, path_is_relative,
           record_count, file_size_bytes, row_id_start, checksum) VALUES (?, ?, ?, NULL, ?, ?, ?, ?, ?, ?)`,
        [
          id,
          f.tableId,
          s,
          f.path,
          f.pathIsRelative ? 1 : 0,
          f.recordCount,
          f.sizeBytes,
          rowIdStart,
          f.checksum,
        ],
      );
      for (const st of f.stats) {
        await tx.run(
          `INSERT INTO lake_file_column_stats (data_file_id, table_id, column_id, value_count, null_count, min_value, max_value)
           VALUES (?, ?, ?, ?, ?, ?, ?)`,
          [id, f.tableId, st.columnId, st.valueCount, st.nullCount, st.min, st.max],
        );
      }
    }
    for (const d of plan.newDeleteFiles) {
      await tx.run(
        `UPDATE lake_delete_file SET end_snapshot = ? WHERE data_file_id = ? AND end_snapshot IS NULL`,
        [s, d.dataFileId],
      );
      await tx.run(
        `INSERT INTO lake_delete_file (delete_file_id, table_id, begin_snapshot, end_snapshot, data_file_id, path,
           path_is_relative, delete_count, file_size_bytes, checksum) VALUES (?, ?, ?, NULL, ?, ?, 1, ?, ?, ?)`,
        [nextFileId++, d.tableId, s, d.dataFileId, d.path, d.deleteCount, d.sizeBytes, d.checksum],
      );
    }
    for (const r of plan.newInlinedRows) {
      const rowId = await takeRowIds(r.tableId, 1);
      await tx.run(
        `INSERT INTO lake_inlined_row (table_id, row_id, begin_snapshot, end_snapshot, row_data) VALUES (?, ?, ?, NULL, ?)`,
        [r.tableId, rowId, s, r.rowData],
      );
      addInlined(r.tableId, 1);
    }
    const inlinedRows = new Map<number, number>();
    for (const [tableId, delta] of inlinedDelta) {
      const row = await tx.get<{ inlined_rows: number }>(
        `UPDATE lake_table_stats SET inlined_rows = inlined_rows + ? WHERE table_id = ? RETURNING inlined_rows`,
        [delta, tableId],
      );
      inlinedRows.set(tableId, Number(row?.inlined_rows ?? 0));
    }
    for (const [tableId, next] of nextRowIds) {
      await tx.run(`UPDATE lake_table_stats SET next_row_id = ? WHERE table_id = ?`, [
        next,
        tableId,
      ]);
    }

    for (const c of plan.changes) {
      await tx.run(
        `INSERT INTO lake_snapshot_change (snapshot_id, object_id, kind) VALUES (?, ?, ?)`,
        [s, c.objectId, c.kind],
      );
    }
    const snapshotTime = Math.max(Date.now(), latest.snapshot_time);
    await writeLoadedCopyJobFiles(tx, plan.copyJobFiles, s, snapshotTime);
    await tx.run(
      `INSERT INTO lake_snapshot (snapshot_id, snapshot_time, schema_version, next_file_id, changes, author, commit_id)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
      [
        s,
        snapshotTime,
        latest.schema_version + (schemaChanged ? 1 : 0),
        nextFileId,
        summarize(plan),
        plan.author,
        plan.commitId,
      ],
    );
    return { snapshotId: s, inlinedRows };
  });
}

/** Reserves n consecutive ids for schemas, tables, views, procedures and columns; returns the first. */
export function reserveCatalogIds(db: CatalogDb, n: number): Promise<number> {
  return reserveFromCounter(db, 'next_catalog_id', n, 1);
}

/**
 * Reserves n consecutive values of a counter kept in lake_metadata (created at `start` when it
 * does not exist yet) and returns the first. Runs in its own catalog transaction: what it hands
 * out is never handed out again, whatever happens to the caller's transaction.
 */
export function reserveFromCounter(
  db: CatalogDb,
  key: string,
  n: number,
  start = 0,
): Promise<number> {
  return db.write((tx) => takeFromCounter(tx, key, n, start));
}

/** reserveFromCounter inside a catalog write the caller holds. */
export async function takeFromCounter(
  tx: CatalogTx,
  key: string,
  n: number,
  start = 0,
): Promise<number> {
  const row = await tx.get<{ value: string }>(`SELECT value FROM lake_metadata WHERE key = ?`, [
    key,
  ]);
  const first = row === undefined ? start : Number(row.value);
  if (row === undefined) {
    await tx.run(`INSERT INTO lake_metadata (key, value) VALUES (?, ?)`, [key, String(first + n)]);
  } else {
    await tx.run(`UPDATE lake_metadata SET value = ? WHERE key = ?`, [String(first + n), key]);
  }
  return first;
}
