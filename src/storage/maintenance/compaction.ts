// Compaction: merges a table's small data files into files of about targetFileRows rows, drops
// deleted rows by rewriting files that have delete files, and flushes inlined rows. A table with
// a sort key is clustered: the rows it rewrites are ordered by the key and cut into files that
// each hold one range of it, so a range predicate on the key prunes files by their statistics
// (with `sort`, every file of such a table is rewritten that way: VACUUM's re-sort). Each table
// is one snapshot; a table changed concurrently is skipped and picked up again next time.
import type { Lake } from '../lake/lake.js';
import { rewriteTable } from '../lake/rewrite.js';
import type { CommittedFile } from '../lake/table-state.js';

export interface CompactionOptions {
  /** The database whose tables (or whose schema's tables) to compact; default: every one. */
  databaseId?: number;
  schema?: string;
  table?: string;
  /** Files with fewer rows than this are merged; new files hold about this many. Default 2,000,000. */
  targetFileRows?: number;
  /** Merge small files only when a table has at least this many. Default 2. */
  minFiles?: number;
  /** Rewrite every file of tables with a sort key in sort-key order (VACUUM SORT). */
  sort?: boolean;
}

export interface CompactionResult {
  tablesCompacted: number;
  filesRemoved: number;
  filesWritten: number;
  inlinedRowsFlushed: number;
}

/** Packs files into groups of at most `target` live rows, first fit in size order. */
function packGroups(files: CommittedFile[], target: number): CommittedFile[][] {
  const live = (f: CommittedFile) => f.recordCount - (f.deleteFile?.deleteCount ?? 0);
  const groups: { rows: number; files: CommittedFile[] }[] = [];
  for (const f of [...files].sort((a, b) => live(b) - live(a))) {
    const g = groups.find((x) => x.rows + live(f) <= target);
    if (g) {
      g.files.push(f);
      g.rows += live(f);
    } else groups.push({ rows: live(f), files: [f] });
  }
  return groups.map((g) => g.files);
}

export async function compact(lake: Lake, opts: CompactionOptions = {}): Promise<CompactionResult> {
  const target = opts.targetFileRows ?? 2_000_000;
  const minFiles = opts.minFiles ?? 2;
  const result: CompactionResult = {
    tablesCompacted: 0,
    filesRemoved: 0,
    filesWritten: 0,
    inlinedRowsFlushed: 0,
  };
  const tx = await lake.begin({ databaseId: opts.databaseId });
  let tables;
  try {
    const database = opts.schema === undefined ? (opts.databaseId ?? 'all') : undefined;
    tables = (await tx.listTables(opts.schema, database)).filter(
      (t) => opts.table === undefined || t.name === opts.table,
    );
  } finally {
    await tx.rollback();
  }
  for (const table of tables) {
    const cluster = table.sortKey.length > 0 ? { clusterRows: target } : {};
    const r = await rewriteTable(lake, table.tableId, (files, inlinedCount) => {
      if (opts.sort && table.sortKey.length > 0) {
        // Already one sorted file and nothing else: nothing to gain.
        if (files.length + inlinedCount === 0) return undefined;
        if (files.length === 1 && inlinedCount === 0 && !files[0]!.deleteFile) return undefined;
        return { groups: [files], includeInlined: inlinedCount > 0, ...cluster };
      }
      const small = files.filter((f) => f.recordCount < target || f.deleteFile !== undefined);
      const withDeletes = small.filter((f) => f.deleteFile !== undefined);
      const mergeSmall = small.length >= minFiles || (small.length >= 1 && inlinedCount > 0);
      if (!mergeSmall && withDeletes.length === 0 && inlinedCount === 0) return undefined;
      const chosen = mergeSmall ? small : withDeletes;
      return { groups: packGroups(chosen, target), includeInlined: inlinedCount > 0, ...cluster };
    });
    if (r.committed) {
      result.tablesCompacted++;
      result.filesRemoved += r.filesRemoved;
      result.filesWritten += r.filesWritten;
      result.inlinedRowsFlushed += r.inlinedRowsFlushed;
    }
  }
  return result;
}
