// Zero-copy clone: a new namespace whose catalog holds the source's state at one snapshot and
// whose files are the source's own (named by absolute URL), so no data is copied. The source
// keeps a durable pin on that snapshot so its GC never removes files the clone reads; new writes
// of the clone go to the clone's own store. The primitive behind snapshot restore and sharing.
import { LakeshiftError, SqlState } from '../../common/errors.js';
import type { CatalogTx, SqlValue } from '../catalog/db.js';
import { latestSnapshot, snapshotById } from '../catalog/queries.js';
import { Lake, type LakeOptions } from '../lake/lake.js';

/** Versioned catalog tables copied as of the snapshot, with their columns. */
const VERSIONED: Record<string, string[]> = {
  lake_schema: ['schema_id', 'schema_name', 'annotation', 'database_id'],
  lake_table: ['table_id', 'table_uuid', 'schema_id', 'table_name', 'sort_key', 'annotation'],
  lake_column: [
    'column_id',
    'table_id',
    'column_order',
    'column_name',
    'column_type',
    'type_annotation',
    'nulls_allowed',
    'default_value',
  ],
  lake_view: [
    'view_id',
    'schema_id',
    'view_name',
    'dialect',
    'sql',
    'column_aliases',
    'annotation',
  ],
  lake_procedure: [
    'procedure_id',
    'schema_id',
    'procedure_name',
    'input_types',
    'arguments',
    'body',
    'language',
    'security',
    'nonatomic',
    'config',
    'owner_user_id',
    'annotation',
  ],
  lake_mv_state: ['view_id', 'state'],
  lake_inlined_row: ['table_id', 'row_id', 'row_data'],
};

const VISIBLE = 'begin_snapshot <= ? AND (end_snapshot IS NULL OR end_snapshot > ?)';

async function copyRows(
  from: CatalogTx,
  to: CatalogTx,
  table: string,
  columns: string[],
  where: string,
  params: SqlValue[],
  extra: Record<string, SqlValue>,
  transform: (row: Record<string, SqlValue>) => Record<string, SqlValue> = (r) => r,
): Promise<Record<string, SqlValue>[]> {
  const rows = await from.all<Record<string, SqlValue>>(
    `SELECT ${columns.join(', ')} FROM ${table} WHERE ${where}`,
    params,
  );
  const all = [...columns, ...Object.keys(extra)];
  const sql = `INSERT INTO ${table} (${all.join(', ')}) VALUES (${all.map(() => '?').join(', ')})`;
  for (const row of rows) {
    const r = transform(row);
    await to.run(sql, [...columns.map((c) => r[c] ?? null), ...Object.values(extra)]);
  }
  return rows;
}

/**
 * Creates the namespace described by `target` (its catalog must be new and empty) as a clone
 * of `source` at `snapshotId`, and returns it opened.
 */
export async function cloneNamespace(
  source: Lake,
  snapshotId: number,
  target: LakeOptions,
): Promise<Lake> {
  const snap = await snapshotById(source.db, snapshotId);
  if (snap === undefined) {
    throw new LakeshiftError(
      SqlState.invalidParameterValue,
      `snapshot ${snapshotId} does not exist or has expired`,
    );
  }
  const clone = await Lake.open(target);
  try {
    const latest = await latestSnapshot(clone.db);
    if (latest === undefined || latest.snapshot_id !== 0) {
      throw new LakeshiftError(
        SqlState.objectNotInPrerequisiteState,
        `cannot clone into the catalog at ${clone.db.location}: it already has snapshots`,
        { hint: 'Clone into a new, empty catalog.' },
      );
    }
    const cloneId = (await clone.db.get<{ value: string }>(
      `SELECT value FROM lake_metadata WHERE key = 'namespace_id'`,
    ))!.value;
    // Pin first: from here on the source's GC keeps everything the clone will read.
    await source.db.run(
      `INSERT INTO lake_pin (pin_id, snapshot_id, kind, created_at, expires_at) VALUES (?, ?, 'clone', ?, NULL)`,
      [`clone:${cloneId}`, snapshotId, Date.now()],
    );
    const sourceLatest = (await latestSnapshot(source.db))!;
    const nextCatalogId = (await source.db.get<{ value: string }>(
      `SELECT value FROM lake_metadata WHERE key = 'next_catalog_id'`,
    ))!.value;
    const s = 1;
    const src = source.db;
    const absolute = (row: Record<string, SqlValue>) =>
      row.path_is_relative === 1
        ? { ...row, path: source.absolutePath(String(row.path)), path_is_relative: 0 }
        : row;
    await clone.db.write(async (tx) => {
      const begin = { begin_snapshot: s };
      const objects = new Set<number>();
      for (const [table, columns] of Object.entries(VERSIONED)) {
        const rows = await copyRows(
          src,
          tx,
          table,
          columns,
          VISIBLE,
          [snapshotId, snapshotId],
          begin,
        );
        for (const r of rows) {
          for (const idCol of ['schema_id', 'table_id', 'view_id', 'procedure_id']) {
            if (typeof r[idCol] === 'number') objects.add(r[idCol]);
          }
        }
      }
      const files = await copyRows(
        src,
        tx,
        'lake_data_file',
        [
          'data_file_id',
          'table_id',
          'path',
          'path_is_relative',
          'record_count',
          'file_size_bytes',
          'row_id_start',
          'checksum',
        ],
        VISIBLE,
        [snapshotId, snapshotId],
        begin,
        absolute,
      );
      for (const f of files) {
        await copyRows(
          src,
          tx,
          'lake_file_column_stats',
          [
            'data_file_id',
            'table_id',
            'column_id',
            'value_count',
            'null_count',
            'min_value',
            'max_value',
          ],
          'data_file_id = ?',
          [f.data_file_id ?? null],
          {},
        );
      }
      await copyRows(
        src,
        tx,
        'lake_delete_file',
        [
          'delete_file_id',
          'table_id',
          'data_file_id',
          'path',
          'path_is_relative',
          'delete_count',
          'file_size_bytes',
          'checksum',
        ],
        VISIBLE,
        [snapshotId, snapshotId],
        begin,
        absolute,
      );
      await copyRows(
        src,
        tx,
        'lake_table_stats',
        ['table_id', 'next_row_id', 'inlined_rows'],
        '1 = 1',
        [],
        {},
      );
      await tx.run(
        `DELETE FROM lake_table_stats WHERE table_id NOT IN (SELECT table_id FROM lake_table)`,
      );
      await tx.run(`UPDATE lake_metadata SET value = ? WHERE key = 'next_catalog_id'`, [
        nextCatalogId,
      ]);
      for (const id of objects) {
        await tx.run(
          `INSERT INTO lake_snapshot_change (snapshot_id, object_id, kind) VALUES (?, ?, 'created')`,
          [s, id],
        );
      }
      await tx.run(
        `INSERT INTO lake_snapshot (snapshot_id, snapshot_time, schema_version, next_file_id, changes, author)
         VALUES (?, ?, 1, ?, ?, ?)`,
        [
          s,
          Date.now(),
          sourceLatest.next_file_id,
          `cloned_from:${source.store.url}@${snapshotId}`,
          target.author ?? null,
        ],
      );
    });
    return clone;
  } catch (e) {
    await clone.close();
    throw e;
  }
}

/** Releases the source's pin for a clone that is no longer needed. */
export async function releaseClone(source: Lake, clone: Lake): Promise<void> {
  const cloneId = (await clone.db.get<{ value: string }>(
    `SELECT value FROM lake_metadata WHERE key = 'namespace_id'`,
  ))!.value;
  await source.db.run(`DELETE FROM lake_pin WHERE pin_id = ?`, [`clone:${cloneId}`]);
}
