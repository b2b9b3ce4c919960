// Rewriting a table's data: some of its files (with their deletes applied) and optionally its
// inlined rows become new Parquet files, committed as one 'compacted' snapshot. Used by
// compaction and by the flush of inlined rows. It only conflicts with concurrent changes to the
// same table, in which case it gives up (the next round retries).
import { isLakeshiftError, SqlState } from '../../common/errors.js';
import { commitPlan, emptyCommitPlan } from '../catalog/commit.js';
import {
  newDataFile,
  writeClusteredFiles,
  writeDataFile,
  type WrittenFile,
} from './file-writer.js';
import type { Lake } from './lake.js';
import { buildScan, type ScanFile } from './scan.js';
import type { CommittedFile } from './table-state.js';

export interface RewriteRequest {
  tableId: number;
  /** Groups of files; each group becomes one new file. */
  groups: CommittedFile[][];
  /** Also move every inlined row into the first new file (or a file of its own). */
  includeInlined: boolean;
  /**
   * Cluster by the table's sort key instead: every chosen row (all groups and the inlined rows)
   * is ordered by the key and cut into files of at most this many rows, so each file holds one
   * range of the key and a range predicate prunes the others.
   */
  clusterRows?: number;
}

export interface RewriteResult {
  committed: boolean;
  filesRemoved: number;
  filesWritten: number;
  inlinedRowsFlushed: number;
}

const NOTHING: RewriteResult = {
  committed: false,
  filesRemoved: 0,
  filesWritten: 0,
  inlinedRowsFlushed: 0,
};

/** Files and inlined rows to rewrite are chosen by `choose` from the table's state at the newest snapshot. */
export async function rewriteTable(
  lake: Lake,
  tableId: number,
  choose: (
    files: CommittedFile[],
    inlinedCount: number,
  ) => Omit<RewriteRequest, 'tableId'> | undefined,
): Promise<RewriteResult> {
  // A transaction pins the snapshot being read, so GC cannot remove its files meanwhile.
  const tx = await lake.begin();
  const keys: string[] = [];
  try {
    if (!(await tableExists(lake, tableId, tx.snapshotId))) return NOTHING;
    const state = await lake.tableStates.get(lake.db, tableId, tx.snapshotId);
    const request = choose(state.files, state.inlined.length);
    if (request === undefined) return NOTHING;
    const { table } = state;
    const plan = emptyCommitPlan(tx.snapshotId, lake.options.author ?? 'lakeshift maintenance');
    const groups = request.groups.filter((g) => g.length > 0);
    if (groups.length === 0 && !(request.includeInlined && state.inlined.length > 0))
      return NOTHING;
    if (groups.length === 0) groups.push([]);
    const scanOf = async (group: CommittedFile[], inlined: typeof state.inlined) => {
      const files: ScanFile[] = await Promise.all(
        group.map(async (f) => ({
          dataFileId: f.dataFileId,
          localPath: await lake.localPath(f),
          deleteFileLocalPath: f.deleteFile && (await lake.localPath(f.deleteFile)),
          hasStagedDeletes: false,
          matchesColumns: f.beginSnapshot >= state.definitionVersion,
        })),
      );
      return buildScan({
        tableId,
        columns: table.columns,
        files,
        inlined,
        inlinedHaveStagedDeletes: false,
        pending: [],
        stagedDeletesTable: undefined,
        stageTable: undefined,
        stagedFiles: [],
        withRowIds: false,
      });
    };
    const inlined = request.includeInlined ? state.inlined : [];
    const prefix = `tables/${table.tableUuid}`;
    const written: WrittenFile[] = [];
    const keep = (file: WrittenFile | undefined) => {
      if (file === undefined) return;
      keys.push(file.key);
      written.push(file);
    };
    const { connection } = tx;
    if (request.clusterRows !== undefined && table.sortKey.length > 0) {
      const scan = await scanOf(groups.flat(), inlined);
      const { columns, sortKey } = table;
      const files = await writeClusteredFiles(
        connection,
        lake.store,
        lake.staging,
        prefix,
        scan,
        columns,
        { sortKey, rowsPerFile: request.clusterRows },
      );
      files.forEach(keep);
    } else {
      let inlinedLeft = inlined;
      for (const group of groups) {
        const scan = await scanOf(group, inlinedLeft);
        inlinedLeft = [];
        keep(
          await writeDataFile(
            connection,
            lake.store,
            lake.staging,
            prefix,
            scan,
            table.columns,
            table.sortKey,
          ),
        );
      }
    }
    for (const f of groups.flat()) {
      plan.endDataFiles.push(f.dataFileId);
      plan.filesRequired.push(f.dataFileId);
    }
    for (const file of written) plan.newDataFiles.push(newDataFile(tableId, file));
    if (request.includeInlined) {
      for (const r of state.inlined) {
        plan.endInlinedRows.push({ tableId, rowId: r.rowId });
        plan.inlinedRequired.push({ tableId, rowId: r.rowId });
      }
    }
    plan.changes.push({ objectId: tableId, kind: 'compacted' });
    await commitPlan(lake.db, plan, () => `${table.schemaName}.${table.name}`);
    return {
      committed: true,
      filesRemoved: plan.endDataFiles.length,
      filesWritten: written.length,
      inlinedRowsFlushed: plan.endInlinedRows.length,
    };
  } catch (e) {
    await Promise.allSettled(keys.map((key) => lake.store.delete(key)));
    // Someone changed the table meanwhile: leave it for the next round.
    if (isLakeshiftError(e, SqlState.serializationFailure)) return NOTHING;
    throw e;
  } finally {
    await tx.rollback();
  }
}

async function tableExists(lake: Lake, tableId: number, snapshot: number): Promise<boolean> {
  const row = await lake.db.get(
    `SELECT 1 AS x FROM lake_table WHERE table_id = ? AND begin_snapshot <= ? AND (end_snapshot IS NULL OR end_snapshot > ?)`,
    [tableId, snapshot, snapshot],
  );
  return row !== undefined;
}

/** Moves a table's inlined rows into one Parquet file. */
export function flushInlinedRows(lake: Lake, tableId: number): Promise<RewriteResult> {
  return rewriteTable(lake, tableId, (_files, inlinedCount) =>
    inlinedCount > 0 ? { groups: [], includeInlined: true } : undefined,
  );
}
