// Redshift's auto-copy jobs (COPY ... JOB CREATE, COPY JOB RUN | LIST | SHOW | DROP | ALTER) and
// the runner that keeps them going: it polls each AUTO ON job's location, and loads every object
// it has not loaded yet in a COPY of its own (as the job's owner), recording the object as loaded
// in the same catalog commit as its rows — so an object is loaded exactly once whatever happens in
// between. An object that cannot be loaded now (the warehouse paused or in its maintenance window,
// the catalog or the store unreachable) stays pending and is retried with backoff; one whose data
// is bad (past MAXERROR) is retried a few times and then reported as failed, without holding up
// the others.
// https://docs.aws.amazon.com/redshift/latest/dg/r_COPY-JOB.html
import { LakeshiftError, SqlState, isLakeshiftError, messageOf } from '../common/errors.js';
import { loadOptions, type LoadOptions } from '../ingest/copy-options.js';
import type { SourceObject } from '../ingest/location.js';
import { copyJobMissing, type CopyJobFileRecord, type CopyJobRecord } from '../storage/index.js';
import type { Copy, CopyJob } from '../sql/index.js';
import { identValue, parseStatements, qualifiedName } from '../sql/index.js';
import { checkServerFileAccess } from './copy.js';
import type { CommandResult } from './commands.js';
import { findLakeTable, relationMissing } from './resolve.js';
import type { Session } from './session.js';
import type { SessionManager } from './manager.js';
import { PollLoop } from './poll-loop.js';
import { internalSink, type NoticeFields, type ResultSink } from './wire.js';

/** The objects a COPY of a job loads, and the job recording them (Session.copyJobContext). */
export interface CopyJobContext {
  jobId: number;
  objects: readonly SourceObject[];
}

/** Attempts at an object whose data is bad before it is reported as failed for good. */
const MAX_DATA_ATTEMPTS = 3;
/** Backoff of a pending object: base × 2^(attempts-1), at most this. */
const MAX_BACKOFF_MS = 10 * 60_000;

/** COPY ... JOB CREATE name [AUTO ON|OFF]: saves the COPY (checked now, run later). */
export async function createCopyJob(session: Session, stmt: Copy): Promise<CommandResult> {
  const job = stmt.job!;
  if (stmt.table === undefined || stmt.target !== 'location' || stmt.direction !== 'from') {
    throw new LakeshiftError(SqlState.syntaxError, 'a copy job needs COPY table FROM a location');
  }
  const options = loadOptions(stmt.options);
  if (options.manifest) {
    throw new LakeshiftError(
      SqlState.featureNotSupported,
      'a copy job watches a prefix; MANIFEST cannot be used with JOB CREATE',
    );
  }
  if (options.credentials.accessKeyId !== undefined) {
    // The job's COPY is kept in the catalog: no secrets in it (Redshift's rule too).
    throw new LakeshiftError(
      SqlState.featureNotSupported,
      'a copy job authorizes with IAM_ROLE; access keys cannot be saved with JOB CREATE',
    );
  }
  const location = stmt.location!;
  checkServerFileAccess(session, location, 'COPY from');
  const tx = await session.transactions.current();
  const q = qualifiedName(stmt.table, session.caseSensitiveIdentifiers);
  const target = await findLakeTable(session, tx, q);
  if (target === undefined) throw relationMissing(q);
  const table = (await tx.getTable(target.schema, target.name))!;
  const text = session.currentStatementText;
  const start = stmt.span?.start ?? 0;
  const copyText = text.slice(0, (job.span?.start ?? text.length) - start).trim();
  await session.manager.lake.directory.createCopyJob({
    name: identValue(job.name, session.caseSensitiveIdentifiers),
    databaseId: session.databaseId,
    ownerUserId: session.user.userId,
    tableId: table.tableId,
    copyText,
    location,
    auto: job.auto,
  });
  session.manager.copyJobs?.wake();
  return { tag: 'COPY JOB CREATE', rows: 0 };
}

async function jobNamed(session: Session, stmt: CopyJob): Promise<CopyJobRecord> {
  const name = identValue(stmt.name!, session.caseSensitiveIdentifiers);
  const job = await session.manager.lake.directory.copyJob(session.databaseId, name);
  if (job === undefined) throw copyJobMissing(name);
  return job;
}

/** COPY JOB RUN | DROP | ALTER (LIST and SHOW return rows: copyJobRows). */
export async function runCopyJobCommand(
  session: Session,
  stmt: CopyJob,
  sink: ResultSink,
): Promise<CommandResult> {
  const directory = session.manager.lake.directory;
  const job = await jobNamed(session, stmt);
  if (job.ownerUserId !== session.user.userId && !session.user.superuser) {
    throw new LakeshiftError(
      SqlState.insufficientPrivilege,
      `must be the owner of copy job "${job.name}"`,
    );
  }
  switch (stmt.action) {
    case 'drop':
      await directory.dropCopyJob(job.jobId);
      return { tag: 'COPY JOB DROP', rows: 0 };
    case 'alter':
      await directory.alterCopyJob(job.jobId, { auto: stmt.auto ?? true });
      session.manager.copyJobs?.wake();
      return { tag: 'COPY JOB ALTER', rows: 0 };
    case 'run': {
      const runner = session.manager.copyJobs;
      if (runner === undefined) {
        throw new LakeshiftError(
          SqlState.featureNotSupported,
          'copy jobs do not run on this server',
        );
      }
      const outcome = await runner.runJob(job, { force: true, notice: (n) => sink.notice(n) });
      if (outcome.failed.length > 0) {
        sink.notice({
          severity: 'WARNING',
          sqlstate: '01000',
          message: `copy job "${job.name}": ${outcome.failed.length} object(s) could not be loaded: ${outcome.failed
            .slice(0, 5)
            .map((f) => `${f.url} (${f.error})`)
            .join('; ')}`,
        });
      }
      return { tag: `COPY ${outcome.rows}`, rows: outcome.rows };
    }
    default:
      throw new LakeshiftError(SqlState.internalError, `COPY JOB ${stmt.action} returns rows`);
  }
}

/** COPY JOB LIST and COPY JOB SHOW: the columns and rows (as text) they return. */
export async function copyJobRows(
  session: Session,
  stmt: CopyJob,
): Promise<{ columns: string[]; rows: (string | null)[][] }> {
  const directory = session.manager.lake.directory;
  if (stmt.action === 'list') {
    const jobs = await directory.copyJobs(session.databaseId);
    return {
      columns: ['job_id', 'job_name', 'data_source', 'auto', 'owner_id'],
      rows: jobs.map((j) => [
        String(j.jobId),
        j.name,
        j.location,
        j.auto ? 'on' : 'off',
        String(j.ownerUserId),
      ]),
    };
  }
  const job = await jobNamed(session, stmt);
  const files = await directory.copyJobFiles(job.jobId);
  const count = (s: CopyJobFileRecord['status']) =>
    String(files.filter((f) => f.status === s).length);
  return {
    columns: [
      'job_id',
      'job_name',
      'job_text',
      'data_source',
      'auto',
      'files_loaded',
      'files_pending',
      'files_failed',
      'created',
    ],
    rows: [
      [
        String(job.jobId),
        job.name,
        job.copyText,
        job.location,
        job.auto ? 'on' : 'off',
        count('loaded'),
        count('pending'),
        count('failed'),
        job.createdAt.toISOString(),
      ],
    ],
  };
}

/** Errors that say nothing about the object: the warehouse, the catalog or the store. */
function transient(e: unknown): boolean {
  if (!isLakeshiftError(e)) return true;
  const code = e.sqlstate;
  return (
    code === SqlState.cannotConnectNow ||
    code === SqlState.serializationFailure ||
    code === SqlState.ioError ||
    code.startsWith('08') ||
    code === SqlState.adminShutdown ||
    code === SqlState.queryCanceled ||
    code === SqlState.transactionResolutionUnknown
  );
}

export interface JobOutcome {
  loaded: number;
  rows: number;
  failed: { url: string; error: string }[];
  pending: number;
}

export interface CopyJobRunnerOptions {
  /** How often AUTO ON jobs look for new objects. */
  pollMs: number;
  /** First retry delay of a pending object (doubling after each attempt). */
  retryBaseMs?: number;
}

/**
 * Runs the copy jobs of a workgroup: one poll loop for the AUTO ON jobs, and RUN on demand. One
 * job runs at a time per runner (a job's objects load one after the other, in key order).
 */
export class CopyJobRunner {
  private readonly busy = new Map<number, Promise<JobOutcome>>();
  private readonly loop: PollLoop;

  constructor(
    private readonly manager: SessionManager,
    private readonly options: CopyJobRunnerOptions,
  ) {
    this.loop = new PollLoop(
      () => this.pollOnce(),
      options.pollMs,
      manager.options.log,
      'copy job poll failed',
    );
  }

  private get stopped(): boolean {
    return this.loop.stopped;
  }

  start(): void {
    this.loop.start();
  }

  /** Polls soon (a job was created or switched on, or the warehouse reopened). */
  wake(): void {
    this.loop.wake();
  }

  async stop(): Promise<void> {
    await this.loop.stop();
    await Promise.allSettled(this.busy.values());
  }

  /** One pass over every AUTO ON job (skipped while the warehouse takes no writes). */
  async pollOnce(): Promise<void> {
    if (!this.manager.availability.isWritable()) return;
    let jobs: CopyJobRecord[];
    try {
      jobs = await this.manager.lake.directory.copyJobs();
    } catch (e) {
      this.manager.options.log.warn({ err: e }, 'copy jobs: the catalog is unreachable');
      return;
    }
    for (const job of jobs) {
      if (this.stopped || !job.auto) continue;
      if (!this.manager.availability.isWritable()) return;
      await this.runJob(job, { force: false });
    }
  }

  /**
   * Loads the job's objects that are new, or pending and due (all pending ones when forced, as
   * RUN does). Never throws for an object; the outcome says what happened.
   */
  runJob(
    job: CopyJobRecord,
    opts: { force: boolean; notice?: (n: NoticeFields) => void },
  ): Promise<JobOutcome> {
    const previous = this.busy.get(job.jobId) ?? Promise.resolve(undefined);
    const next = previous.then(() => this.runJobNow(job, opts));
    this.busy.set(job.jobId, next);
    void next.finally(() => {
      if (this.busy.get(job.jobId) === next) this.busy.delete(job.jobId);
    });
    return next;
  }

  private async runJobNow(
    job: CopyJobRecord,
    opts: { force: boolean; notice?: (n: NoticeFields) => void },
  ): Promise<JobOutcome> {
    const outcome: JobOutcome = { loaded: 0, rows: 0, failed: [], pending: 0 };
    const directory = this.manager.lake.directory;
    const known = new Map((await directory.copyJobFiles(job.jobId)).map((f) => [f.url, f]));
    const objects = await this.listObjects(job);
    if (objects === undefined) return outcome;
    const now = Date.now();
    // One session of the job's owner serves the whole pass (each object is a COPY of its own).
    let session: Session | undefined;
    try {
      for (const object of objects) {
        if (this.stopped) break;
        const state = known.get(object.url);
        if (state?.status === 'loaded') continue;
        if (state?.status === 'failed' && !opts.force) continue;
        if (
          !opts.force &&
          state?.status === 'pending' &&
          state.nextAttemptAt !== null &&
          state.nextAttemptAt.getTime() > now
        ) {
          outcome.pending++;
          continue;
        }
        if (!this.manager.availability.isWritable()) {
          outcome.pending++;
          continue;
        }
        const attempts = (state?.attempts ?? 0) + 1;
        try {
          session ??= await this.manager.openInternalSession(job.ownerUserId, job.databaseId);
          const rows = await loadObject(session, job, object, opts.notice);
          outcome.loaded++;
          outcome.rows += rows;
        } catch (e) {
          const error = messageOf(e);
          const isTransient = transient(e);
          // Loaded meanwhile (another server, or a commit whose reply was lost): nothing to do.
          const after = await directory.copyJobFiles(job.jobId).catch(() => undefined);
          if (after?.find((f) => f.url === object.url)?.status === 'loaded') continue;
          const permanent = !isTransient && attempts >= MAX_DATA_ATTEMPTS;
          const base = this.options.retryBaseMs ?? this.options.pollMs;
          const delay = Math.min(base * 2 ** (attempts - 1), MAX_BACKOFF_MS);
          if (permanent) outcome.failed.push({ url: object.url, error });
          else outcome.pending++;
          this.manager.options.log.warn(
            { job: job.name, object: object.url, attempts, permanent, err: e },
            'copy job: object not loaded',
          );
          try {
            await directory.setCopyJobFileState(job.jobId, object.url, {
              status: permanent ? 'failed' : 'pending',
              attempts,
              lastError: error.slice(0, 1000),
              nextAttemptAt: permanent ? null : new Date(Date.now() + delay),
              size: object.size,
              modified: object.lastModified,
            });
          } catch {
            // The catalog is unreachable: the object stays unloaded and is tried again next poll.
          }
          // Without the warehouse or the catalog nothing else can load either: stop this pass.
          if (isTransient) break;
        }
      }
    } finally {
      await session?.close();
    }
    return outcome;
  }

  /** The objects under the job's location, or undefined (logged) when it cannot be listed. */
  private async listObjects(job: CopyJobRecord): Promise<SourceObject[] | undefined> {
    // The job's own access parameters; a COPY that no longer parses lists with the server's.
    let options: LoadOptions | undefined;
    try {
      const [stmt] = parseStatements(job.copyText);
      if (stmt?.kind === 'Copy') options = loadOptions(stmt.options);
    } catch {
      options = undefined;
    }
    const locations = this.manager.locations({
      credentials: options?.credentials ?? {},
      region: options?.region,
      endpoint: options?.endpoint,
    });
    try {
      return await locations.list(job.location);
    } catch (e) {
      // An empty prefix is the normal state of a job waiting for its first object.
      if (!(isLakeshiftError(e) && e.sqlstate === SqlState.undefinedFile)) {
        this.manager.options.log.warn({ job: job.name, err: e }, 'copy job: cannot list');
      }
      return undefined;
    } finally {
      await locations.close();
    }
  }
}

/** One object in one COPY of the job, in a session of its owner; resolves to the rows loaded. */
async function loadObject(
  session: Session,
  job: CopyJobRecord,
  object: SourceObject,
  notice?: (n: NoticeFields) => void,
): Promise<number> {
  try {
    session.copyJobContext = { jobId: job.jobId, objects: [object] };
    await session.simpleQuery(job.copyText, internalSink(notice ?? (() => undefined)));
    return session.lastCopy?.rows ?? 0;
  } finally {
    session.copyJobContext = undefined;
  }
}
