// Garbage collection. Three steps, each safe against concurrent readers and writers:
// 1. Expire snapshots: every snapshot older than the oldest one that must stay readable
//    (retention window, named and clone pins, the pins of live processes) is forgotten, and the
//    catalog rows no remaining snapshot can see are removed; their files are scheduled.
// 2. Delete scheduled files: nothing retained can read them any more.
// 3. Delete orphans: files in the store that no catalog row names (left by commits that never
//    happened, e.g. a killed process), once older than a grace period, since a live writer may
//    be about to commit a file it has just written.
import { readdir, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { allSnapshots } from '../catalog/queries.js';
import type { Lake } from '../lake/lake.js';
import { stagingOwner } from '../lake/staging.js';

export interface GcOptions {
  /** Orphaned files younger than this are kept (a writer may still commit them). Default 1 hour. */
  orphanGraceMs?: number;
  /** The current time, for tests. */
  now?: number;
}

export interface GcResult {
  /** The oldest snapshot still readable after this run. */
  oldestRetainedSnapshot: number;
  snapshotsExpired: number;
  filesDeleted: number;
  orphansDeleted: number;
}

/**
 * The oldest snapshot that must stay readable. A snapshot can be pinned by a transaction only
 * while it is the newest; its successor's commit time therefore bounds when that could happen,
 * and pins are recorded within a heartbeat, well inside the retention period.
 */
async function oldestToKeep(lake: Lake, now: number): Promise<number> {
  const snapshots = await allSnapshots(lake.db);
  const latest = snapshots[snapshots.length - 1]!.snapshot_id;
  let keep = latest;
  for (let i = 0; i + 1 < snapshots.length; i++) {
    if (snapshots[i + 1]!.snapshot_time >= now - lake.options.retentionMs) {
      keep = snapshots[i]!.snapshot_id;
      break;
    }
  }
  const pins = await lake.db.all<{ snapshot_id: number }>(
    `SELECT snapshot_id FROM lake_pin WHERE expires_at IS NULL OR expires_at > ?`,
    [now],
  );
  for (const p of pins) keep = Math.min(keep, p.snapshot_id);
  const mine = lake.oldestPinnedSnapshot();
  if (mine !== undefined) keep = Math.min(keep, mine);
  return keep;
}

const ENDED = 'end_snapshot IS NOT NULL AND end_snapshot <= ?';

async function expireSnapshots(lake: Lake, keep: number, now: number): Promise<number> {
  return lake.db.write(async (tx) => {
    for (const t of ['lake_data_file', 'lake_delete_file']) {
      await tx.run(
        `INSERT INTO lake_file_scheduled_for_deletion (path, path_is_relative, removed_snapshot, scheduled_at)
         SELECT path, path_is_relative, end_snapshot, ? FROM ${t} WHERE ${ENDED}`,
        [now, keep],
      );
    }
    await tx.run(
      `DELETE FROM lake_file_column_stats WHERE data_file_id IN (SELECT data_file_id FROM lake_data_file WHERE ${ENDED})`,
      [keep],
    );
    for (const t of [
      'lake_data_file',
      'lake_delete_file',
      'lake_inlined_row',
      'lake_column',
      'lake_table',
      'lake_view',
      'lake_procedure',
      'lake_schema',
    ]) {
      await tx.run(`DELETE FROM ${t} WHERE ${ENDED}`, [keep]);
    }
    await tx.run(
      `DELETE FROM lake_table_stats WHERE table_id NOT IN (SELECT table_id FROM lake_table)`,
    );
    await tx.run(`DELETE FROM lake_snapshot_change WHERE snapshot_id < ?`, [keep]);
    const { changes } = await tx.run(`DELETE FROM lake_snapshot WHERE snapshot_id < ?`, [keep]);
    return changes;
  });
}

async function deleteScheduledFiles(lake: Lake): Promise<number> {
  const rows = await lake.db.all<{ path: string; path_is_relative: number }>(
    `SELECT path, path_is_relative FROM lake_file_scheduled_for_deletion`,
  );
  let deleted = 0;
  for (const r of rows) {
    // A file of another namespace (this one is a clone) is that namespace's to delete.
    if (r.path_is_relative !== 0) {
      await lake.store.delete(r.path);
      deleted++;
    }
    await lake.db.run(`DELETE FROM lake_file_scheduled_for_deletion WHERE path = ?`, [r.path]);
  }
  return deleted;
}

async function deleteOrphans(lake: Lake, now: number, graceMs: number): Promise<number> {
  const referenced = new Set<string>();
  for (const t of ['lake_data_file', 'lake_delete_file', 'lake_file_scheduled_for_deletion']) {
    const rows = await lake.db.all<{ path: string }>(
      `SELECT path FROM ${t} WHERE path_is_relative = 1`,
    );
    for (const r of rows) referenced.add(r.path);
  }
  let deleted = 0;
  for await (const o of lake.store.list('tables/')) {
    if (!referenced.has(o.key) && o.lastModified.getTime() < now - graceMs) {
      await lake.store.delete(o.key);
      deleted++;
    }
  }
  // Files a killed writer left in the local staging directory. Those of open transactions are
  // held here or named after a process whose pin is live.
  const live = new Set(
    (
      await lake.db.all<{ pin_id: string }>(
        `SELECT pin_id FROM lake_pin WHERE expires_at IS NULL OR expires_at > ?`,
        [now],
      )
    ).map((r) => r.pin_id),
  );
  for (const name of await readdir(lake.store.stagingDir).catch(() => [] as string[])) {
    const path = join(lake.store.stagingDir, name);
    const owner = stagingOwner(name);
    if (lake.staging.isHeld(path) || (owner && live.has(`process:${owner}`))) continue;
    const info = await stat(path).catch(() => undefined);
    if (info?.isFile() && info.mtimeMs < now - graceMs) {
      await unlink(path).catch(() => undefined);
      deleted++;
    }
  }
  return deleted;
}

export async function collectGarbage(lake: Lake, opts: GcOptions = {}): Promise<GcResult> {
  const now = opts.now ?? Date.now();
  const keep = await oldestToKeep(lake, now);
  const snapshotsExpired = await expireSnapshots(lake, keep, now);
  const filesDeleted = await deleteScheduledFiles(lake);
  const orphansDeleted = await deleteOrphans(lake, now, opts.orphanGraceMs ?? 3600_000);
  return { oldestRetainedSnapshot: keep, snapshotsExpired, filesDeleted, orphansDeleted };
}
