// A table's committed state at a snapshot, loaded from the catalog: its definition, live data
// files with their delete files, and inlined rows. Snapshots never change once committed, so
// a state is cached under (table id, the last snapshot that changed the table).
import { LakeshiftError, SqlState } from '../../common/errors.js';
import type { CatalogTx } from '../catalog/db.js';
import {
  columnsAt,
  dataFilesAt,
  deleteFilesAt,
  fileColumnStats,
  inlinedRowsAt,
  lastChangeOf,
  lastDefinitionChangeOf,
  schemasAt,
  tableByIdAt,
  changeKindsBetween,
  type ColumnRow,
  type DataFileRow,
  type DeleteFileRow,
  type FileColumnStatsRow,
  type InlinedRowRow,
  type TableRow,
  type SchemaRow,
} from '../catalog/queries.js';
import type { FileStats } from './prune.js';
import type { ScanInlinedRow } from './scan.js';
import { FIRST_DATABASE_ID, type ColumnInfo, type TableInfo } from './types.js';

/** What the catalog records of a file, enough to find it and check it before reading. */
export interface CatalogFileRef {
  path: string;
  pathIsRelative: boolean;
  sizeBytes: number;
  checksum: string | null;
}

export interface CommittedFile extends CatalogFileRef {
  dataFileId: number;
  beginSnapshot: number;
  recordCount: number;
  rowIdStart: number;
  deleteFile: (CatalogFileRef & { deleteFileId: number; deleteCount: number }) | undefined;
  /** Column id → min/max text, for columns that have both. */
  stats: Map<number, FileStats>;
}

export interface CommittedTableState {
  table: TableInfo;
  /** The snapshot of the table's last definition change: files committed since then were
   * written with exactly its current columns. */
  definitionVersion: number;
  files: CommittedFile[];
  inlined: ScanInlinedRow[];
}

export function columnInfo(r: ColumnRow): ColumnInfo {
  return {
    columnId: r.column_id,
    name: r.column_name,
    type: r.column_type,
    typeAnnotation: r.type_annotation,
    nullable: r.nulls_allowed !== 0,
    defaultValue: r.default_value,
    order: r.column_order,
  };
}

export function tableInfo(
  row: TableRow,
  schema: SchemaRow | undefined,
  columns: ColumnInfo[],
): TableInfo {
  const sortIds: number[] = row.sort_key ? (JSON.parse(row.sort_key) as number[]) : [];
  return {
    tableId: row.table_id,
    tableUuid: row.table_uuid,
    schemaId: row.schema_id,
    schemaName: schema?.schema_name ?? '?',
    databaseId: Number(schema?.database_id ?? FIRST_DATABASE_ID),
    name: row.table_name,
    columns,
    sortKey: sortIds.flatMap((id) => columns.find((c) => c.columnId === id)?.name ?? []),
    annotation: row.annotation,
  };
}

/** A small LRU of promises (Map keeps insertion order); failed loads are not kept. */
class PromiseLru<T> {
  private readonly entries = new Map<string, Promise<T>>();
  constructor(private readonly maxEntries: number) {}

  get(key: string, load: () => Promise<T>): Promise<T> {
    let value = this.entries.get(key);
    if (value === undefined) {
      value = load();
      this.entries.set(key, value);
      value.catch(() => this.entries.delete(key));
      if (this.entries.size > this.maxEntries) {
        const oldest = this.entries.keys().next().value;
        if (oldest !== undefined) this.entries.delete(oldest);
      }
    } else {
      this.entries.delete(key);
      this.entries.set(key, value);
    }
    return value;
  }
}

export class TableStateCache {
  private readonly states = new PromiseLru<CommittedTableState>(1024);
  private readonly definitions = new PromiseLru<TableInfo>(16384);
  /** The newest state loaded per table: appends after it are read incrementally. */
  private readonly newest = new Map<
    number,
    { version: number; state: Promise<CommittedTableState> }
  >();

  /** The table's files and inlined rows at the snapshot (and its definition). */
  async get(db: CatalogTx, tableId: number, snapshot: number): Promise<CommittedTableState> {
    const version = await lastChangeOf(db, tableId, snapshot);
    const state = this.states.get(`${tableId}@${version}`, async () => {
      const base = this.newest.get(tableId);
      if (base !== undefined && base.version < version) {
        // Only appends since the state we have (the common case of streaming and small
        // loads): read just what they added.
        const kinds = await changeKindsBetween(db, tableId, base.version, version);
        if (kinds?.every((k) => k === 'inserted'))
          return appendTo(db, await base.state, base.version, version);
      }
      return loadTableState(db, tableId, version);
    });
    const known = this.newest.get(tableId);
    if (known === undefined || known.version < version) {
      this.newest.set(tableId, { version, state });
      state.catch(() => this.newest.delete(tableId));
    }
    return state;
  }

  /** Only the table's definition: cheap when only its data changed since it was last read. */
  async definition(db: CatalogTx, tableId: number, snapshot: number): Promise<TableInfo> {
    const version = await lastDefinitionChangeOf(db, tableId, snapshot);
    return this.definitions.get(`${tableId}@${version}`, () =>
      loadDefinition(db, tableId, version),
    );
  }
}

function statsByFile(rows: FileColumnStatsRow[]): Map<number, Map<number, FileStats>> {
  const result = new Map<number, Map<number, FileStats>>();
  for (const st of rows) {
    if (st.min_value === null || st.max_value === null) continue;
    let m = result.get(st.data_file_id);
    if (m === undefined) result.set(st.data_file_id, (m = new Map()));
    m.set(st.column_id, { min: st.min_value, max: st.max_value });
  }
  return result;
}

function committedFile(
  f: DataFileRow,
  d: DeleteFileRow | undefined,
  stats: Map<number, Map<number, FileStats>>,
): CommittedFile {
  return {
    dataFileId: f.data_file_id,
    beginSnapshot: f.begin_snapshot,
    path: f.path,
    pathIsRelative: f.path_is_relative !== 0,
    recordCount: f.record_count,
    sizeBytes: f.file_size_bytes,
    checksum: f.checksum,
    rowIdStart: f.row_id_start,
    deleteFile:
      d === undefined
        ? undefined
        : {
            deleteFileId: d.delete_file_id,
            path: d.path,
            pathIsRelative: d.path_is_relative !== 0,
            deleteCount: d.delete_count,
            sizeBytes: d.file_size_bytes,
            checksum: d.checksum,
          },
    stats: stats.get(f.data_file_id) ?? new Map(),
  };
}

function inlinedRow(r: InlinedRowRow): ScanInlinedRow {
  return { rowId: r.row_id, values: JSON.parse(r.row_data) as Record<string, string | null> };
}

/** The state at `to`, from the state at `from` plus the files and rows appended in between. */
async function appendTo(
  db: CatalogTx,
  base: CommittedTableState,
  from: number,
  to: number,
): Promise<CommittedTableState> {
  const [files, inlined] = await Promise.all([
    dataFilesAt(db, to, base.table.tableId, from),
    inlinedRowsAt(db, to, base.table.tableId, from),
  ]);
  const minId = Math.min(...files.map((f) => f.data_file_id));
  const stats = files.length
    ? statsByFile(await fileColumnStats(db, base.table.tableId, minId))
    : new Map();
  return {
    ...base,
    files: [...base.files, ...files.map((f) => committedFile(f, undefined, stats))],
    inlined: [...base.inlined, ...inlined.map(inlinedRow)],
  };
}

async function loadDefinition(db: CatalogTx, tableId: number, s: number): Promise<TableInfo> {
  const row = await tableByIdAt(db, s, tableId);
  if (row === undefined) {
    throw new LakeshiftError(
      SqlState.undefinedTable,
      `relation with id ${tableId} does not exist at snapshot ${s}`,
    );
  }
  const [columns, schemas] = await Promise.all([columnsAt(db, s, tableId), schemasAt(db, s)]);
  const schema = schemas.find((x) => x.schema_id === row.schema_id);
  return tableInfo(row, schema, columns.map(columnInfo));
}

async function loadTableState(
  db: CatalogTx,
  tableId: number,
  s: number,
): Promise<CommittedTableState> {
  const [table, definitionVersion, files, deletes, inlined, stats] = await Promise.all([
    loadDefinition(db, tableId, s),
    lastDefinitionChangeOf(db, tableId, s),
    dataFilesAt(db, s, tableId),
    deleteFilesAt(db, s, tableId),
    inlinedRowsAt(db, s, tableId),
    fileColumnStats(db, tableId),
  ]);
  const deleteByFile = new Map(deletes.map((d) => [d.data_file_id, d]));
  const byFile = statsByFile(stats);
  return {
    table,
    definitionVersion,
    files: files.map((f) => committedFile(f, deleteByFile.get(f.data_file_id), byFile)),
    inlined: inlined.map(inlinedRow),
  };
}
