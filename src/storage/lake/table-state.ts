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
  type ColumnRow,
  type TableRow,
} from '../catalog/queries.js';
import type { FileStats } from './prune.js';
import type { ScanInlinedRow } from './scan.js';
import type { ColumnInfo, TableInfo } from './types.js';

/** What the catalog records of a file, enough to find it and check it before reading. */
export interface CatalogFileRef {
  path: string;
  pathIsRelative: boolean;
  sizeBytes: number;
  checksum: string | null;
}

export interface CommittedFile extends CatalogFileRef {
  dataFileId: number;
  recordCount: number;
  rowIdStart: number;
  deleteFile: (CatalogFileRef & { deleteFileId: number; deleteCount: number }) | undefined;
  /** Column id → min/max text, for columns that have both. */
  stats: Map<number, FileStats>;
}

export interface CommittedTableState {
  table: TableInfo;
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

export function tableInfo(row: TableRow, schemaName: string, columns: ColumnInfo[]): TableInfo {
  const sortIds: number[] = row.sort_key ? (JSON.parse(row.sort_key) as number[]) : [];
  return {
    tableId: row.table_id,
    tableUuid: row.table_uuid,
    schemaId: row.schema_id,
    schemaName,
    name: row.table_name,
    columns,
    sortKey: sortIds.flatMap((id) => columns.find((c) => c.columnId === id)?.name ?? []),
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

  /** The table's files and inlined rows at the snapshot (and its definition). */
  async get(db: CatalogTx, tableId: number, snapshot: number): Promise<CommittedTableState> {
    const version = await lastChangeOf(db, tableId, snapshot);
    return this.states.get(`${tableId}@${version}`, () => loadTableState(db, tableId, version));
  }

  /** Only the table's definition: cheap when only its data changed since it was last read. */
  async definition(db: CatalogTx, tableId: number, snapshot: number): Promise<TableInfo> {
    const version = await lastDefinitionChangeOf(db, tableId, snapshot);
    return this.definitions.get(`${tableId}@${version}`, () =>
      loadDefinition(db, tableId, version),
    );
  }
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
  const schemaName = schemas.find((x) => x.schema_id === row.schema_id)?.schema_name ?? '?';
  return tableInfo(row, schemaName, columns.map(columnInfo));
}

async function loadTableState(
  db: CatalogTx,
  tableId: number,
  s: number,
): Promise<CommittedTableState> {
  const [table, files, deletes, inlined, stats] = await Promise.all([
    loadDefinition(db, tableId, s),
    dataFilesAt(db, s, tableId),
    deleteFilesAt(db, s, tableId),
    inlinedRowsAt(db, s, tableId),
    fileColumnStats(db, tableId),
  ]);
  const deleteByFile = new Map(deletes.map((d) => [d.data_file_id, d]));
  const statsByFile = new Map<number, Map<number, FileStats>>();
  for (const st of stats) {
    if (st.min_value === null || st.max_value === null) continue;
    let m = statsByFile.get(st.data_file_id);
    if (m === undefined) statsByFile.set(st.data_file_id, (m = new Map()));
    m.set(st.column_id, { min: st.min_value, max: st.max_value });
  }
  return {
    table,
    files: files.map((f) => {
      const d = deleteByFile.get(f.data_file_id);
      return {
        dataFileId: f.data_file_id,
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
        stats: statsByFile.get(f.data_file_id) ?? new Map(),
      };
    }),
    inlined: inlined.map((r) => ({
      rowId: r.row_id,
      values: JSON.parse(r.row_data) as Record<string, string | null>,
    })),
  };
}
