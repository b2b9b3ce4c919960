// Auto-copy jobs (tables lake_copy_job and lake_copy_job_file, see COPY_JOB_DDL in schema.ts):
// the records, and the catalog SQL that reads and writes them. Jobs and the 'pending' / 'failed'
// state of their objects change at once, each change in its own catalog write (Directory's
// methods); an object's 'loaded' row is written only by the commit that loads its rows
// (writeLoadedCopyJobFiles, called by commitPlan inside the snapshot's catalog transaction), so
// the rows and the record of their source are visible together or not at all, and a second
// commit loading the same object fails with nothing written.
// Redshift: https://docs.aws.amazon.com/redshift/latest/dg/r_COPY-JOB.html
import { LakeshiftError, SqlState } from '../../common/errors.js';
import type { CatalogTx } from './db.js';

export interface CopyJobRecord {
  jobId: number;
  /** As the session resolved it (identifier rules applied); unique per database. */
  name: string;
  databaseId: number;
  ownerUserId: number;
  /** The table the job loads, as resolved at creation (it may since have been dropped). */
  tableId: number;
  /** The COPY statement as the user wrote it, without its JOB clause. */
  copyText: string;
  /** The COPY's FROM string: the S3 prefix the job watches. */
  location: string;
  /** AUTO ON: the job runs whenever new objects appear under its location. */
  auto: boolean;
  createdAt: Date;
}

export type NewCopyJob = Omit<CopyJobRecord, 'jobId' | 'createdAt'>;

export type CopyJobFileStatus = 'loaded' | 'pending' | 'failed';

/** What a job knows of one object under its location (a lake_copy_job_file row). */
export interface CopyJobFileRecord {
  jobId: number;
  url: string;
  /** Bytes, as the object was listed when last recorded. */
  size: number;
  /** The object's last-modified time as listed when last recorded. */
  modified: Date;
  status: CopyJobFileStatus;
  /** Load attempts made so far, the successful one included. */
  attempts: number;
  lastError: string | null;
  /** Not to be tried again before this time; null = whenever the job next runs. */
  nextAttemptAt: Date | null;
  /** The snapshot whose commit loaded the object (status 'loaded' only). */
  snapshotId: number | null;
  loadedAt: Date | null;
  rowsLoaded: number | null;
  /** The query history id of the COPY that loaded it, when known. */
  queryId: number | null;
}

/** A 'pending' or 'failed' state to record for an object (Directory.setCopyJobFileState). */
export interface CopyJobFileState {
  status: 'pending' | 'failed';
  attempts: number;
  lastError: string | null;
  nextAttemptAt: Date | null;
  size: number;
  modified: Date;
}

/**
 * An object loaded by a transaction for a copy job (LakeTransaction.recordCopyJobFile): recorded
 * as 'loaded' in the transaction's commit, which fails if the object was loaded already.
 */
export interface LoadedCopyJobFile {
  jobId: number;
  url: string;
  size: number;
  modified: Date;
  /** Rows the object added. */
  rows: number;
  queryId: number | null;
}

interface CopyJobRow {
  job_id: number;
  job_name: string;
  database_id: number;
  owner_user_id: number;
  table_id: number;
  copy_text: string;
  location: string;
  auto: number;
  created_at: number;
}

interface CopyJobFileRow {
  job_id: number;
  object_url: string;
  object_size: number;
  object_modified: number;
  status: string;
  attempts: number;
  last_error: string | null;
  next_attempt_at: number | null;
  snapshot_id: number | null;
  loaded_at: number | null;
  rows_loaded: number | null;
  query_id: number | null;
}

const num = (v: number | null): number | null => (v === null ? null : Number(v));
const date = (v: number | null): Date | null => (v === null ? null : new Date(Number(v)));

function copyJobRecord(r: CopyJobRow): CopyJobRecord {
  return {
    jobId: Number(r.job_id),
    name: r.job_name,
    databaseId: Number(r.database_id),
    ownerUserId: Number(r.owner_user_id),
    tableId: Number(r.table_id),
    copyText: r.copy_text,
    location: r.location,
    auto: Number(r.auto) === 1,
    createdAt: new Date(Number(r.created_at)),
  };
}

function copyJobFileRecord(r: CopyJobFileRow): CopyJobFileRecord {
  return {
    jobId: Number(r.job_id),
    url: r.object_url,
    size: Number(r.object_size),
    modified: new Date(Number(r.object_modified)),
    status: r.status as CopyJobFileStatus,
    attempts: Number(r.attempts),
    lastError: r.last_error,
    nextAttemptAt: date(r.next_attempt_at),
    snapshotId: num(r.snapshot_id),
    loadedAt: date(r.loaded_at),
    rowsLoaded: num(r.rows_loaded),
    queryId: num(r.query_id),
  };
}

export async function copyJobsIn(tx: CatalogTx, databaseId?: number): Promise<CopyJobRecord[]> {
  const rows =
    databaseId === undefined
      ? await tx.all<CopyJobRow>(`SELECT * FROM lake_copy_job ORDER BY job_id`)
      : await tx.all<CopyJobRow>(
          `SELECT * FROM lake_copy_job WHERE database_id = ? ORDER BY job_id`,
          [databaseId],
        );
  return rows.map(copyJobRecord);
}

export async function copyJobNamed(
  tx: CatalogTx,
  databaseId: number,
  name: string,
): Promise<CopyJobRecord | undefined> {
  const row = await tx.get<CopyJobRow>(
    `SELECT * FROM lake_copy_job WHERE database_id = ? AND job_name = ?`,
    [databaseId, name],
  );
  return row && copyJobRecord(row);
}

export async function copyJobWithId(
  tx: CatalogTx,
  jobId: number,
): Promise<CopyJobRecord | undefined> {
  const row = await tx.get<CopyJobRow>(`SELECT * FROM lake_copy_job WHERE job_id = ?`, [jobId]);
  return row && copyJobRecord(row);
}

/** Inserts a job under the given id; fails with 42710 when its database has one of that name. */
export async function insertCopyJob(
  tx: CatalogTx,
  jobId: number,
  job: NewCopyJob,
  now: number,
): Promise<CopyJobRecord> {
  if (await copyJobNamed(tx, job.databaseId, job.name)) throw copyJobExists(job.name);
  await tx.run(
    `INSERT INTO lake_copy_job (job_id, job_name, database_id, owner_user_id, table_id, copy_text,
       location, auto, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [
      jobId,
      job.name,
      job.databaseId,
      job.ownerUserId,
      job.tableId,
      job.copyText,
      job.location,
      job.auto ? 1 : 0,
      now,
    ],
  );
  return { ...job, jobId, createdAt: new Date(now) };
}

/** Removes jobs and every record of their objects; returns how many jobs there were. */
export async function deleteCopyJobs(tx: CatalogTx, jobIds: readonly number[]): Promise<number> {
  let n = 0;
  for (const id of jobIds) {
    await tx.run(`DELETE FROM lake_copy_job_file WHERE job_id = ?`, [id]);
    n += (await tx.run(`DELETE FROM lake_copy_job WHERE job_id = ?`, [id])).changes;
  }
  return n;
}

export async function copyJobFilesOf(tx: CatalogTx, jobId: number): Promise<CopyJobFileRecord[]> {
  const rows = await tx.all<CopyJobFileRow>(
    `SELECT * FROM lake_copy_job_file WHERE job_id = ? ORDER BY object_url`,
    [jobId],
  );
  return rows.map(copyJobFileRecord);
}

async function copyJobFile(
  tx: CatalogTx,
  jobId: number,
  url: string,
): Promise<CopyJobFileRecord | undefined> {
  const row = await tx.get<CopyJobFileRow>(
    `SELECT * FROM lake_copy_job_file WHERE job_id = ? AND object_url = ?`,
    [jobId, url],
  );
  return row && copyJobFileRecord(row);
}

/**
 * Records an object as 'pending' or 'failed' (inserting or replacing its row), unless it is
 * 'loaded': that row is final and stays as it is. Returns the object's row as it now stands.
 * Fails with 42704 when the job does not exist (any more).
 */
export async function upsertCopyJobFileState(
  tx: CatalogTx,
  jobId: number,
  url: string,
  state: CopyJobFileState,
): Promise<CopyJobFileRecord> {
  if (state.status !== 'pending' && state.status !== 'failed') {
    throw new LakeshiftError(
      SqlState.invalidParameterValue,
      `a copy job file's state can be set to 'pending' or 'failed', not '${String(state.status)}': only the commit that loads it makes it 'loaded'`,
    );
  }
  if ((await copyJobWithId(tx, jobId)) === undefined) throw copyJobIdMissing(jobId);
  const existing = await copyJobFile(tx, jobId, url);
  if (existing?.status === 'loaded') return existing;
  const values = [
    state.size,
    state.modified.getTime(),
    state.status,
    state.attempts,
    state.lastError,
    state.nextAttemptAt?.getTime() ?? null,
  ];
  if (existing === undefined) {
    await tx.run(
      `INSERT INTO lake_copy_job_file (object_size, object_modified, status, attempts, last_error,
         next_attempt_at, job_id, object_url) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      [...values, jobId, url],
    );
  } else {
    await tx.run(
      `UPDATE lake_copy_job_file SET object_size = ?, object_modified = ?, status = ?,
         attempts = ?, last_error = ?, next_attempt_at = ? WHERE job_id = ? AND object_url = ?`,
      [...values, jobId, url],
    );
  }
  return {
    jobId,
    url,
    size: state.size,
    modified: state.modified,
    status: state.status,
    attempts: state.attempts,
    lastError: state.lastError,
    nextAttemptAt: state.nextAttemptAt,
    snapshotId: null,
    loadedAt: null,
    rowsLoaded: null,
    queryId: null,
  };
}

/**
 * Checks, inside a commit's catalog transaction and before it writes anything, that every
 * object it loads for a copy job is not loaded already and that its job still exists.
 * 40001 when another commit (another server, or an earlier attempt whose reply was lost)
 * loaded the object first; 42704 when the job was dropped meanwhile.
 */
export async function checkCopyJobFilesLoadable(
  tx: CatalogTx,
  files: readonly LoadedCopyJobFile[],
): Promise<void> {
  for (const f of files) {
    const job = await copyJobWithId(tx, f.jobId);
    if (job === undefined) throw copyJobIdMissing(f.jobId);
    const existing = await copyJobFile(tx, f.jobId, f.url);
    if (existing?.status === 'loaded') throw alreadyLoaded(f.url, job.name, existing.snapshotId);
  }
}

/** Writes the 'loaded' rows of a commit's objects (checked by checkCopyJobFilesLoadable). */
export async function writeLoadedCopyJobFiles(
  tx: CatalogTx,
  files: readonly LoadedCopyJobFile[],
  snapshotId: number,
  now: number,
): Promise<void> {
  for (const f of files) {
    const existing = await copyJobFile(tx, f.jobId, f.url);
    const values = [
      f.size,
      f.modified.getTime(),
      (existing?.attempts ?? 0) + 1,
      snapshotId,
      now,
      f.rows,
      f.queryId,
    ];
    if (existing === undefined) {
      await tx.run(
        `INSERT INTO lake_copy_job_file (object_size, object_modified, status, attempts, last_error,
           next_attempt_at, snapshot_id, loaded_at, rows_loaded, query_id, job_id, object_url)
         VALUES (?, ?, 'loaded', ?, NULL, NULL, ?, ?, ?, ?, ?, ?)`,
        [...values, f.jobId, f.url],
      );
    } else {
      await tx.run(
        `UPDATE lake_copy_job_file SET object_size = ?, object_modified = ?, status = 'loaded',
           attempts = ?, last_error = NULL, next_attempt_at = NULL, snapshot_id = ?,
           loaded_at = ?, rows_loaded = ?, query_id = ? WHERE job_id = ? AND object_url = ?`,
        [...values, f.jobId, f.url],
      );
    }
  }
}

export function alreadyLoaded(url: string, job: string, snapshotId: number | null): LakeshiftError {
  return new LakeshiftError(
    SqlState.serializationFailure,
    `object ${url} was already loaded by copy job "${job}"${snapshotId === null ? '' : ` (snapshot ${snapshotId})`}`,
    {
      hint: 'Another load of the object committed first (another server, or an earlier attempt whose reply was lost); it is not loaded again.',
    },
  );
}

export function copyJobExists(name: string): LakeshiftError {
  return new LakeshiftError(SqlState.duplicateObject, `copy job "${name}" already exists`);
}

export function copyJobMissing(name: string): LakeshiftError {
  return new LakeshiftError(SqlState.undefinedObject, `copy job "${name}" does not exist`);
}

export function copyJobIdMissing(jobId: number): LakeshiftError {
  return new LakeshiftError(SqlState.undefinedObject, `copy job ${jobId} does not exist`);
}
