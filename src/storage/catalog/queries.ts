// Named read queries of the catalog. Each takes the snapshot id it reads at and repeats the
// visibility filter of versioned rows: begun at or before S, not yet ended at S.
import type { CatalogTx } from './db.js';

const VISIBLE = '(begin_snapshot <= ? AND (end_snapshot IS NULL OR end_snapshot > ?))';

export interface SnapshotRow {
  snapshot_id: number;
  snapshot_time: number;
  schema_version: number;
  next_file_id: number;
  changes: string;
  author: string | null;
}

export interface SchemaRow {
  schema_id: number;
  schema_name: string;
  annotation: string | null;
  database_id: number;
}

export interface TableRow {
  table_id: number;
  table_uuid: string;
  schema_id: number;
  table_name: string;
  sort_key: string | null;
  annotation: string | null;
}

export interface ColumnRow {
  column_id: number;
  table_id: number;
  column_order: number;
  column_name: string;
  column_type: string;
  type_annotation: string | null;
  nulls_allowed: number;
  default_value: string | null;
}

export interface ViewRow {
  view_id: number;
  schema_id: number;
  view_name: string;
  dialect: string;
  sql: string;
  column_aliases: string | null;
  annotation: string | null;
}

export interface ProcedureRow {
  procedure_id: number;
  schema_id: number;
  procedure_name: string;
  input_types: string;
  arguments: string;
  body: string;
  language: string;
  security: string;
  nonatomic: number;
  config: string | null;
  owner_user_id: number;
  annotation: string | null;
}

export interface DataFileRow {
  data_file_id: number;
  table_id: number;
  begin_snapshot: number;
  path: string;
  path_is_relative: number;
  record_count: number;
  file_size_bytes: number;
  row_id_start: number;
  checksum: string | null;
}

export interface DeleteFileRow {
  delete_file_id: number;
  table_id: number;
  data_file_id: number;
  path: string;
  path_is_relative: number;
  delete_count: number;
  file_size_bytes: number;
  checksum: string | null;
}

export interface InlinedRowRow {
  row_id: number;
  row_data: string;
}

export interface FileColumnStatsRow {
  data_file_id: number;
  column_id: number;
  value_count: number;
  null_count: number;
  min_value: string | null;
  max_value: string | null;
}

export interface ChangeRow {
  snapshot_id: number;
  object_id: number;
  kind: string;
}

const SNAPSHOT_COLUMNS =
  'snapshot_id, snapshot_time, schema_version, next_file_id, changes, author';

export function latestSnapshot(db: CatalogTx): Promise<SnapshotRow | undefined> {
  return db.get<SnapshotRow>(
    `SELECT ${SNAPSHOT_COLUMNS} FROM lake_snapshot ORDER BY snapshot_id DESC LIMIT 1`,
  );
}

export function snapshotById(db: CatalogTx, id: number): Promise<SnapshotRow | undefined> {
  return db.get<SnapshotRow>(
    `SELECT ${SNAPSHOT_COLUMNS} FROM lake_snapshot WHERE snapshot_id = ?`,
    [id],
  );
}

/** The snapshot that was current at a moment: the newest one committed at or before it. */
export function snapshotAsOf(db: CatalogTx, epochMs: number): Promise<SnapshotRow | undefined> {
  return db.get<SnapshotRow>(
    `SELECT ${SNAPSHOT_COLUMNS} FROM lake_snapshot WHERE snapshot_time <= ?
     ORDER BY snapshot_id DESC LIMIT 1`,
    [epochMs],
  );
}

export function allSnapshots(db: CatalogTx): Promise<SnapshotRow[]> {
  return db.all<SnapshotRow>(`SELECT ${SNAPSHOT_COLUMNS} FROM lake_snapshot ORDER BY snapshot_id`);
}

const SCHEMA_COLUMNS = 'schema_id, schema_name, annotation, database_id';

/** The schemas of one database at a snapshot, or of every database when none is named. */
export function schemasAt(db: CatalogTx, s: number, databaseId?: number): Promise<SchemaRow[]> {
  return databaseId === undefined
    ? db.all<SchemaRow>(
        `SELECT ${SCHEMA_COLUMNS} FROM lake_schema WHERE ${VISIBLE}
         ORDER BY database_id, schema_name`,
        [s, s],
      )
    : db.all<SchemaRow>(
        `SELECT ${SCHEMA_COLUMNS} FROM lake_schema WHERE database_id = ? AND ${VISIBLE}
         ORDER BY schema_name`,
        [databaseId, s, s],
      );
}

export function schemaByNameAt(
  db: CatalogTx,
  s: number,
  databaseId: number,
  name: string,
): Promise<SchemaRow | undefined> {
  return db.get<SchemaRow>(
    `SELECT ${SCHEMA_COLUMNS} FROM lake_schema
     WHERE database_id = ? AND schema_name = ? AND ${VISIBLE}`,
    [databaseId, name, s, s],
  );
}

const TABLE_COLUMNS = 'table_id, table_uuid, schema_id, table_name, sort_key, annotation';

export function tablesAt(db: CatalogTx, s: number, schemaId?: number): Promise<TableRow[]> {
  return schemaId === undefined
    ? db.all<TableRow>(
        `SELECT ${TABLE_COLUMNS} FROM lake_table WHERE ${VISIBLE} ORDER BY table_name`,
        [s, s],
      )
    : db.all<TableRow>(
        `SELECT ${TABLE_COLUMNS} FROM lake_table WHERE schema_id = ? AND ${VISIBLE}
         ORDER BY table_name`,
        [schemaId, s, s],
      );
}

export function tableByNameAt(
  db: CatalogTx,
  s: number,
  schemaId: number,
  name: string,
): Promise<TableRow | undefined> {
  return db.get<TableRow>(
    `SELECT ${TABLE_COLUMNS} FROM lake_table WHERE schema_id = ? AND table_name = ? AND ${VISIBLE}`,
    [schemaId, name, s, s],
  );
}

export function tableByIdAt(
  db: CatalogTx,
  s: number,
  tableId: number,
): Promise<TableRow | undefined> {
  return db.get<TableRow>(
    `SELECT ${TABLE_COLUMNS} FROM lake_table WHERE table_id = ? AND ${VISIBLE}`,
    [tableId, s, s],
  );
}

export function columnsAt(db: CatalogTx, s: number, tableId: number): Promise<ColumnRow[]> {
  return db.all<ColumnRow>(
    `SELECT column_id, table_id, column_order, column_name, column_type, type_annotation,
       nulls_allowed, default_value
     FROM lake_column WHERE table_id = ? AND ${VISIBLE} ORDER BY column_order`,
    [tableId, s, s],
  );
}

const VIEW_COLUMNS = 'view_id, schema_id, view_name, dialect, sql, column_aliases, annotation';

export function viewsAt(db: CatalogTx, s: number, schemaId?: number): Promise<ViewRow[]> {
  return schemaId === undefined
    ? db.all<ViewRow>(`SELECT ${VIEW_COLUMNS} FROM lake_view WHERE ${VISIBLE} ORDER BY view_name`, [
        s,
        s,
      ])
    : db.all<ViewRow>(
        `SELECT ${VIEW_COLUMNS} FROM lake_view WHERE schema_id = ? AND ${VISIBLE} ORDER BY view_name`,
        [schemaId, s, s],
      );
}

export function viewByNameAt(
  db: CatalogTx,
  s: number,
  schemaId: number,
  name: string,
): Promise<ViewRow | undefined> {
  return db.get<ViewRow>(
    `SELECT ${VIEW_COLUMNS} FROM lake_view WHERE schema_id = ? AND view_name = ? AND ${VISIBLE}`,
    [schemaId, name, s, s],
  );
}

/** A materialized view's state (lake_mv_state) at snapshot s. */
export function mvStateAt(
  db: CatalogTx,
  s: number,
  viewId: number,
): Promise<{ state: string } | undefined> {
  return db.get<{ state: string }>(
    `SELECT state FROM lake_mv_state WHERE view_id = ? AND ${VISIBLE}`,
    [viewId, s, s],
  );
}

const PROCEDURE_COLUMNS = `procedure_id, schema_id, procedure_name, input_types, arguments, body,
  language, security, nonatomic, config, owner_user_id, annotation`;

/** The procedures of a schema at s, by name then id. */
export function proceduresAt(db: CatalogTx, s: number, schemaId: number): Promise<ProcedureRow[]> {
  return db.all<ProcedureRow>(
    `SELECT ${PROCEDURE_COLUMNS} FROM lake_procedure WHERE schema_id = ? AND ${VISIBLE}
     ORDER BY procedure_name, procedure_id`,
    [schemaId, s, s],
  );
}

/** Every overload of a procedure name in a schema at s, by id. */
export function proceduresByNameAt(
  db: CatalogTx,
  s: number,
  schemaId: number,
  name: string,
): Promise<ProcedureRow[]> {
  return db.all<ProcedureRow>(
    `SELECT ${PROCEDURE_COLUMNS} FROM lake_procedure
     WHERE schema_id = ? AND procedure_name = ? AND ${VISIBLE} ORDER BY procedure_id`,
    [schemaId, name, s, s],
  );
}

/** The table's data files visible at s; with `after`, only those added after that snapshot. */
export function dataFilesAt(
  db: CatalogTx,
  s: number,
  tableId: number,
  after = -1,
): Promise<DataFileRow[]> {
  return db.all<DataFileRow>(
    `SELECT data_file_id, table_id, begin_snapshot, path, path_is_relative, record_count,
       file_size_bytes, row_id_start, checksum
     FROM lake_data_file WHERE table_id = ? AND begin_snapshot > ? AND ${VISIBLE}
     ORDER BY data_file_id`,
    [tableId, after, s, s],
  );
}

export function deleteFilesAt(db: CatalogTx, s: number, tableId: number): Promise<DeleteFileRow[]> {
  return db.all<DeleteFileRow>(
    `SELECT delete_file_id, table_id, data_file_id, path, path_is_relative, delete_count,
       file_size_bytes, checksum
     FROM lake_delete_file WHERE table_id = ? AND ${VISIBLE}`,
    [tableId, s, s],
  );
}

/** The table's inlined rows visible at s; with `after`, only those added after that snapshot. */
export function inlinedRowsAt(
  db: CatalogTx,
  s: number,
  tableId: number,
  after = -1,
): Promise<InlinedRowRow[]> {
  return db.all<InlinedRowRow>(
    `SELECT row_id, row_data FROM lake_inlined_row
     WHERE table_id = ? AND begin_snapshot > ? AND ${VISIBLE} ORDER BY row_id`,
    [tableId, after, s, s],
  );
}

/** Column stats of the table's files; with `minFileId`, only of files with ids from there on. */
export function fileColumnStats(
  db: CatalogTx,
  tableId: number,
  minFileId = 0,
): Promise<FileColumnStatsRow[]> {
  return db.all<FileColumnStatsRow>(
    `SELECT data_file_id, column_id, value_count, null_count, min_value, max_value
     FROM lake_file_column_stats WHERE table_id = ? AND data_file_id >= ?`,
    [tableId, minFileId],
  );
}

/**
 * The kinds of change made to an object in snapshots after `from`, up to and including `to`;
 * undefined when snapshot `from` has expired (the record of changes after it may be partial).
 */
export async function changeKindsBetween(
  db: CatalogTx,
  objectId: number,
  from: number,
  to: number,
): Promise<string[] | undefined> {
  if ((await snapshotById(db, from)) === undefined) return undefined;
  const rows = await db.all<{ kind: string }>(
    `SELECT DISTINCT kind FROM lake_snapshot_change WHERE object_id = ? AND snapshot_id > ? AND snapshot_id <= ?`,
    [objectId, from, to],
  );
  return rows.map((r) => r.kind);
}

/**
 * The newest snapshot at or before s that changed the object (table, view or schema); when
 * that change has expired, the oldest retained snapshot, at which the object looks the same.
 */
export async function lastChangeOf(db: CatalogTx, objectId: number, s: number): Promise<number> {
  const row = await db.get<{ s: number | null }>(
    `SELECT COALESCE(
       (SELECT MAX(snapshot_id) FROM lake_snapshot_change WHERE object_id = ? AND snapshot_id <= ?),
       (SELECT MIN(snapshot_id) FROM lake_snapshot)) AS s`,
    [objectId, s],
  );
  return row?.s ?? 0;
}

/** Like lastChangeOf, counting only changes of the object's definition (create, alter). */
export async function lastDefinitionChangeOf(
  db: CatalogTx,
  objectId: number,
  s: number,
): Promise<number> {
  const row = await db.get<{ s: number | null }>(
    // One MAX per kind, so each is a single index lookup however many appends followed.
    `SELECT COALESCE(
       (SELECT MAX(m) FROM (
          SELECT MAX(snapshot_id) AS m FROM lake_snapshot_change
          WHERE object_id = ? AND kind = 'created' AND snapshot_id <= ?
          UNION ALL
          SELECT MAX(snapshot_id) AS m FROM lake_snapshot_change
          WHERE object_id = ? AND kind = 'altered' AND snapshot_id <= ?) AS k),
       (SELECT MIN(snapshot_id) FROM lake_snapshot)) AS s`,
    [objectId, s, objectId, s],
  );
  return row?.s ?? 0;
}

export function changesAfter(db: CatalogTx, s: number): Promise<ChangeRow[]> {
  return db.all<ChangeRow>(
    `SELECT snapshot_id, object_id, kind FROM lake_snapshot_change WHERE snapshot_id > ?`,
    [s],
  );
}
