// The workgroup's sessions: authenticates connections against the namespace's users, opens a
// Session per connection, keeps the registry behind STV_SESSIONS, and records the connection
// log and query history. This is what the wire protocol room talks to (WireBackend).
import { randomInt, timingSafeEqual } from 'node:crypto';
import { registerRedshiftUdfs, registerRowScan, type Engine } from '../engine/index.js';
import { installFunctionMacros } from '../sql/index.js';
import { installSystemMacros } from '../system/index.js';
import type { Logger } from 'pino';
import { LakeshiftError, SqlState } from '../common/errors.js';
import { Availability } from '../ops/availability.js';
import { md5PasswordHash } from '../security/md5.js';
import { scramVerifierMatches } from '../security/scram.js';
import type { DatabaseRecord, Lake, UserRecord } from '../storage/index.js';
import type { History } from './history.js';
import type { PendingConnection, StartupRequest, WireBackend, WireSession } from './wire.js';
import { Session } from './session.js';
import { ResultCache } from './result-cache.js';
import { CopyJobRunner } from './copy-jobs.js';
import { MvAutoRefresher } from './mv-auto-refresh.js';
import { StreamReaders, type StreamSettings } from '../ingest/stream/readers.js';
import { Locations, type AwsSettings, type LocationAccess } from '../ingest/location.js';
import { tmpdir } from 'node:os';

export interface SessionManagerOptions {
  lake: Lake;
  engine: Engine;
  history: History;
  log: Logger;
  /** Connections beyond this many wait for none; they fail with 53300. */
  maxConnections: number;
  /** S3 settings of COPY and UNLOAD (the SDK's defaults when absent). */
  aws?: AwsSettings;
  /** Where COPY and UNLOAD keep downloads and files being written; the OS temp dir when absent. */
  ingestDir?: string;
  /** Paused or in the maintenance window (default: always open). */
  availability?: Availability;
  /** How often AUTO ON copy jobs look for new objects; no runner when absent. */
  copyJobPollMs?: number;
  /** How often AUTO REFRESH materialized views are checked; no refresher when absent. */
  mvAutoRefreshMs?: number;
  /** Where external stream schemas connect (Kafka clusters, Kinesis endpoint and credentials). */
  streams?: StreamSettings;
}

export interface SessionInfo {
  processId: number;
  userName: string;
  userId: number;
  databaseName: string;
  startTime: Date;
  applicationName: string;
  remoteHost: string;
  remotePort: number;
  /** The statement running now, if any. */
  currentQuery: string | null;
}

export class SessionManager implements WireBackend {
  private readonly sessions = new Map<number, Session>();
  private shuttingDown = false;
  /** Redshift's result cache, shared by every session of the workgroup. */
  readonly resultCache = new ResultCache();
  /** Whether connections, statements and writes are admitted now (pause, maintenance window). */
  readonly availability: Availability;

  /** The copy job runner (started by start(); undefined when copy jobs do not run). */
  copyJobs: CopyJobRunner | undefined;
  /** Readers of the external stream schemas, kept open between refreshes. */
  readonly streams: StreamReaders;
  /** The AUTO REFRESH loop (started by startCopyJobs with the copy job runner). */
  mvAutoRefresh: MvAutoRefresher | undefined;

  /** Where a COPY, UNLOAD or copy job reads and writes, with the server's S3 settings. */
  locations(access: LocationAccess): Locations {
    return new Locations(access, this.options.aws ?? {}, this.options.ingestDir ?? tmpdir());
  }

  constructor(readonly options: SessionManagerOptions) {
    this.availability = options.availability ?? new Availability();
    this.streams = new StreamReaders(options.streams ?? {});
  }

  /** Creates what generated SQL calls (catalog and Redshift function macros, UDFs) once per instance. */
  async prepareEngine(): Promise<void> {
    const c = await this.options.engine.instance.connect();
    try {
      await installSystemMacros(c);
      await installFunctionMacros(c);
      registerRedshiftUdfs(c);
      registerRowScan(c);
      // Parquet footers are read once per file, not once per query: lake files never change.
      await c.run('SET GLOBAL enable_object_cache = true');
    } finally {
      c.closeSync();
    }
    await this.options.engine.loadFunctionNames();
  }

  get lake(): Lake {
    return this.options.lake;
  }

  async startup(request: StartupRequest): Promise<PendingConnection> {
    if (this.shuttingDown) {
      throw new LakeshiftError(SqlState.cannotConnectNow, 'the database system is shutting down', {
        severity: 'FATAL',
      });
    }
    const { lake, history } = this.options;
    const database = await lake.directory.database(request.database);
    const user = await lake.directory.user(request.user);
    const base = {
      recordTime: new Date(),
      remoteHost: request.remoteAddress,
      remotePort: request.remotePort,
      sessionId: 0,
      databaseName: request.database,
      userName: request.user,
      authMethod: '',
      duration: 0,
      sslVersion: request.ssl ? 'TLSv1.3' : '',
      applicationName: request.parameters['application_name'] ?? '',
      reason: '',
    };
    if (user === undefined) {
      history.connection({ ...base, event: 'authentication failure', reason: 'no such user' });
      throw new LakeshiftError(
        SqlState.invalidAuthorizationSpecification,
        `user "${request.user}" does not exist`,
        { severity: 'FATAL' },
      );
    }
    if (database === undefined) {
      history.connection({ ...base, event: 'authentication failure', reason: 'no such database' });
      throw new LakeshiftError(
        SqlState.invalidCatalogName,
        `database "${request.database}" does not exist`,
        { severity: 'FATAL' },
      );
    }
    const method = authMethodOf(user);
    const authMethod = method.kind === 'scram-sha-256' ? 'SCRAM-SHA-256' : method.kind;
    history.connection({ ...base, event: 'initiating session', authMethod });
    return {
      method,
      accept: async () => {
        history.connection({ ...base, recordTime: new Date(), event: 'authenticated', authMethod });
        return this.open(request, user, database);
      },
      reject: (reason) => {
        history.connection({
          ...base,
          recordTime: new Date(),
          event: 'authentication failure',
          authMethod,
          reason,
        });
        this.options.log.info(
          { user: request.user, remote: request.remoteAddress, reason },
          'authentication failure',
        );
      },
    };
  }

  /**
   * The admin endpoint's password check (HTTP Basic): 'ok' for a superuser's own password,
   * 'not superuser' for another user's, 'invalid' for anything else (no such user, wrong or
   * expired password) without saying which.
   */
  async checkSuperuserPassword(
    name: string,
    password: string,
  ): Promise<'ok' | 'not superuser' | 'invalid'> {
    const user = await this.options.lake.directory.user(name);
    const secret = user?.password ?? null;
    if (user === undefined || secret === null) return 'invalid';
    if (user.validUntil !== null && user.validUntil.getTime() < Date.now()) return 'invalid';
    const matches = secret.startsWith('SCRAM-SHA-256$')
      ? scramVerifierMatches(secret, password)
      : secret.startsWith('md5') && sameText(md5PasswordHash(password, user.name), secret);
    if (!matches) return 'invalid';
    return user.superuser ? 'ok' : 'not superuser';
  }

  connectionFailed(remoteAddress: string, remotePort: number, reason: string): void {
    this.options.log.info({ remote: remoteAddress, port: remotePort, reason }, 'connection failed');
  }

  private async open(
    request: StartupRequest,
    user: UserRecord,
    database: DatabaseRecord,
    opts: { internal?: boolean } = {},
  ): Promise<WireSession> {
    // Paused: only superusers get in (after authenticating, so the pause says nothing to others).
    if (!opts.internal) this.availability.checkConnect(user);
    if (!opts.internal && this.sessions.size >= this.options.maxConnections) {
      throw new LakeshiftError(SqlState.tooManyConnections, 'sorry, too many clients already', {
        severity: 'FATAL',
      });
    }
    if (database.connectionLimit !== null && !user.superuser) {
      if (this.sessionsOf(database.databaseId).length >= database.connectionLimit) {
        throw new LakeshiftError(
          SqlState.tooManyConnections,
          `too many connections for database "${database.name}"`,
          { severity: 'FATAL' },
        );
      }
    }
    if (user.connectionLimit !== null) {
      const mine = [...this.sessions.values()].filter((s) => s.user.userId === user.userId);
      if (mine.length >= user.connectionLimit) {
        throw new LakeshiftError(
          SqlState.tooManyConnections,
          `too many connections for role "${user.name}"`,
          { severity: 'FATAL' },
        );
      }
    }
    let processId: number;
    do processId = randomInt(1000, 2 ** 30);
    while (this.sessions.has(processId));
    const engine = await this.options.engine.connect();
    // Redshift divides integers as integers (5 / 2 = 2), and sorts NULLs as larger than any
    // value (last ascending, first descending), as PostgreSQL does.
    await engine.duckdb.run('SET integer_division = true');
    await engine.duckdb.run("SET default_null_order = 'nulls_last_on_asc_first_on_desc'");
    const session = new Session(this, {
      processId,
      secretKey: randomInt(0, 2 ** 31),
      user,
      databaseId: database.databaseId,
      databaseName: database.name,
      startupParameters: request.parameters,
      remoteHost: request.remoteAddress,
      remotePort: request.remotePort,
      ssl: request.ssl,
      engine,
      internal: opts.internal === true,
    });
    this.sessions.set(processId, session);
    this.options.log.info(
      { pid: processId, user: user.name, db: request.database, remote: request.remoteAddress },
      'session started',
    );
    return session;
  }

  /**
   * A session without a client, for the server's own work (copy jobs): the user's rights in the
   * database, the same statement path as a client's.
   */
  async openInternalSession(userId: number, databaseId: number): Promise<Session> {
    const user = (await this.options.lake.directory.users()).find((u) => u.userId === userId);
    const database = (await this.options.lake.directory.databases()).find(
      (d) => d.databaseId === databaseId,
    );
    if (user === undefined || database === undefined) {
      throw new LakeshiftError(
        SqlState.undefinedObject,
        `the owner (user ${userId}) or the database (${databaseId}) of the work no longer exists`,
      );
    }
    return (await this.open(
      {
        user: user.name,
        database: database.name,
        parameters: { application_name: 'lakeshift copy job' },
        remoteAddress: 'local',
        remotePort: 0,
        ssl: false,
      } as StartupRequest,
      user,
      database,
      { internal: true },
    )) as Session;
  }

  /** Starts the background work: copy jobs and materialized view auto refresh (as configured). */
  startCopyJobs(): void {
    if (this.options.mvAutoRefreshMs !== undefined && this.mvAutoRefresh === undefined) {
      this.mvAutoRefresh = new MvAutoRefresher(this, this.options.mvAutoRefreshMs);
      this.mvAutoRefresh.start();
    }
    if (this.options.copyJobPollMs === undefined || this.copyJobs !== undefined) return;
    this.copyJobs = new CopyJobRunner(this, { pollMs: this.options.copyJobPollMs });
    this.copyJobs.start();
    // Objects held while paused or in the maintenance window load as soon as it reopens.
    this.availability.onChange((state) => {
      if (state.kind === 'open') this.copyJobs?.wake();
    });
  }

  /** Called by a session when its connection is gone. */
  sessionClosed(session: Session): void {
    if (!this.sessions.delete(session.processId)) return;
    const started = session.info().startTime;
    this.options.history.connection({
      event: 'disconnecting session',
      recordTime: new Date(),
      remoteHost: session.remoteHost,
      remotePort: session.remotePort,
      sessionId: session.processId,
      databaseName: session.databaseName,
      userName: session.user.name,
      authMethod: '',
      duration: (Date.now() - started.getTime()) * 1000,
      sslVersion: '',
      applicationName: session.info().applicationName,
      reason: '',
    });
    this.options.log.info({ pid: session.processId }, 'session ended');
  }

  /**
   * The clients' sessions connected to a database (DROP and ALTER DATABASE check them, and its
   * connection limit counts them); with `internal`, the server's own sessions there instead.
   */
  sessionsOf(databaseId: number, opts: { internal?: boolean } = {}): Session[] {
    const internal = opts.internal === true;
    return [...this.sessions.values()].filter(
      (s) => s.databaseId === databaseId && s.internal === internal,
    );
  }

  liveSessions(): SessionInfo[] {
    return [...this.sessions.values()].map((s) => s.info());
  }

  /** Stops accepting sessions; running ones are closed by the protocol's shutdown. */
  beginShutdown(): void {
    this.shuttingDown = true;
  }

  /** Cancels every running statement (shutdown past its grace period). */
  cancelAll(): void {
    // As a shutdown, not a user's cancel: the client sees 57P01, whichever comes first.
    for (const s of this.sessions.values()) s.terminate();
  }

  get sessionCount(): number {
    return this.sessions.size;
  }
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

function authMethodOf(user: UserRecord): PendingConnection['method'] {
  const secret = user.password;
  if (secret === null) return { kind: 'reject' };
  if (user.validUntil !== null && user.validUntil.getTime() < Date.now()) return { kind: 'reject' };
  if (secret.startsWith('SCRAM-SHA-256$')) return { kind: 'scram-sha-256', verifier: secret };
  if (secret.startsWith('md5')) return { kind: 'md5', hash: secret };
  return { kind: 'reject' };
}
