// `lakeshift start`: one namespace + one workgroup. Opens (or creates) the lake, bootstraps the
// namespace on first use, starts DuckDB, the PostgreSQL wire endpoint, the admin HTTP endpoint
// and background maintenance; shuts all of it down in order on SIGTERM or SIGINT. The
// workgroup's availability (src/ops/availability.ts) ties the maintenance window and pauses to
// them: a maintenance round when the window opens (or at a start inside it), none while paused.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import { Engine } from '../engine/index.js';
import { Availability, type AvailabilityState } from '../ops/availability.js';
import { writeSelfSignedCertificate } from '../security/certificate.js';
import { startAdminServer, type AdminServer } from '../server/admin/http.js';
import { startPgServer } from '../server/pgwire/index.js';
import { bootstrapNamespace, ADMIN_USER, DEFAULT_DATABASE } from '../session/bootstrap.js';
import { History } from '../session/history.js';
import { SessionManager } from '../session/manager.js';
import { LAKESHIFT_VERSION } from '../session/system-source.js';
import { Lake, startMaintenance } from '../storage/index.js';
import type { ServerConfig } from './config.js';

export interface RunningServer {
  host: string;
  port: number;
  adminPort: number;
  /** Paused or in the maintenance window; what auto-copy jobs and other background work ask. */
  availability: Availability;
  stop(): Promise<void>;
}

/** Test hooks of startServer. */
export interface StartHooks {
  /** The clock the maintenance window is read on (tests move it); the real one by default. */
  now?: () => Date;
}

/** A self-signed certificate under the data directory, made with openssl on first use. */
function selfSignedCertificate(dataDir: string): { key: string; cert: string } {
  const dir = join(dataDir, 'tls');
  const keyPath = join(dir, 'server.key');
  const certPath = join(dir, 'server.crt');
  if (!existsSync(keyPath) || !existsSync(certPath)) {
    mkdirSync(dir, { recursive: true });
    writeSelfSignedCertificate({ keyPath, certPath, commonName: 'localhost', days: 3650 });
  }
  return { key: readFileSync(keyPath, 'utf8'), cert: readFileSync(certPath, 'utf8') };
}

export async function startServer(
  config: ServerConfig,
  say: (line: string) => void = (l) => console.log(l),
  hooks: StartHooks = {},
): Promise<RunningServer> {
  mkdirSync(config.dataDir, { recursive: true });
  const logDir = join(config.dataDir, 'logs');
  mkdirSync(logDir, { recursive: true });
  const log = pino(
    { level: config.logLevel, base: { service: 'lakeshift' } },
    pino.destination({ dest: join(logDir, 'lakeshift.log'), sync: false, mkdir: true }),
  );
  const tls = config.tlsSelfSigned
    ? selfSignedCertificate(config.dataDir)
    : config.tlsCert && config.tlsKey
      ? { cert: readFileSync(config.tlsCert, 'utf8'), key: readFileSync(config.tlsKey, 'utf8') }
      : undefined;

  // Before anything else opens: a bad window or an unreadable pause file stops the start.
  const availability = new Availability({
    dataDir: config.dataDir,
    maintenanceWindow: config.maintenanceWindow,
    now: hooks.now,
    onError: (e) => log.error({ err: e }, 'availability listener failed'),
  });
  const engine = await Engine.create({
    threads: config.duckdbThreads,
    memoryLimit: config.duckdbMemoryLimit,
    tempDirectory: join(config.dataDir, 'tmp'),
  });
  const lake = await Lake.open({
    catalog: config.catalogLocation,
    storage: config.storageLocation,
    duckdb: engine.instance,
    author: `lakeshift ${LAKESHIFT_VERSION}`,
    onBackgroundError: (e) => log.error({ err: e }, 'background work failed'),
  });
  const boot = await bootstrapNamespace(lake, process.env['LAKESHIFT_ADMIN_PASSWORD']);
  if (boot.generatedPassword) {
    say(`lakeshift: created superuser ${ADMIN_USER} with password ${boot.generatedPassword}`);
    say(
      'lakeshift: this password is shown only once; change it with ALTER USER admin PASSWORD ...',
    );
  }
  const history = new History(join(logDir, 'query-history.jsonl'));
  // Lakeshift's own AWS keys, when set, for S3 and Kinesis alike; else the SDK's chain.
  const awsCredentials =
    config.awsAccessKeyId !== undefined && config.awsSecretAccessKey !== undefined
      ? { accessKeyId: config.awsAccessKeyId, secretAccessKey: config.awsSecretAccessKey }
      : undefined;
  const manager = new SessionManager({
    lake,
    engine,
    history,
    log,
    maxConnections: config.maxConnections,
    aws: {
      s3Endpoint: config.awsS3Endpoint,
      region: config.awsRegion,
      credentials: awsCredentials,
      roles: config.awsRoles,
    },
    ingestDir: join(config.dataDir, 'tmp', 'ingest'),
    copyJobPollMs: config.copyJobPollSeconds * 1000,
    mvAutoRefreshMs: config.mvAutoRefreshSeconds * 1000,
    streams: {
      kafkaClusters: config.kafkaClusters,
      kinesisEndpoint: config.awsKinesisEndpoint,
      region: config.awsRegion,
      credentials: awsCredentials,
    },
    availability,
  });
  await manager.prepareEngine();
  manager.startCopyJobs();
  const maintenance = startMaintenance(lake, {
    intervalMs: 60_000,
    // Paused means the data stays as it is: no compaction or GC commits either.
    allowed: () => availability.current().kind !== 'paused',
  });
  const describe = (s: AvailabilityState) =>
    s.kind === 'paused'
      ? `paused by ${s.by}`
      : s.kind === 'maintenance'
        ? `in its maintenance window ${s.window} until ${s.until.toISOString()}`
        : 'open';
  availability.onChange((state, previous) => {
    log.info({ availability: state.kind, previous: previous.kind }, 'availability changed');
    say(`lakeshift: the warehouse is ${describe(state)}`);
    if (state.kind === 'maintenance' && previous.kind !== 'maintenance') {
      void maintenance.runOnce('maintenance window');
    }
  });
  const initial = availability.current();
  if (initial.kind === 'maintenance') void maintenance.runOnce('maintenance window');
  const wire = await startPgServer({
    host: config.host,
    port: config.port,
    backend: manager,
    tls,
    maxConnections: config.maxConnections,
    log: (event) => log.info(event, 'pgwire'),
  });

  const started = Date.now();
  let stopping = false;
  const admin: AdminServer = await startAdminServer({
    host: config.host,
    port: config.adminPort,
    health: async () => ({
      status: stopping ? 'shutting down' : 'ok',
      version: LAKESHIFT_VERSION,
      uptimeSeconds: Math.round((Date.now() - started) / 1000),
      sessions: manager.sessionCount,
      wire: { host: wire.host, port: wire.port },
      catalog: lake.db.location,
      storage: lake.store.url,
      snapshot: await lake.latestSnapshotId(),
      availability: availability.report(),
      maintenance: {
        lastRound: maintenance.lastRound
          ? {
              trigger: maintenance.lastRound.trigger,
              startedAt: maintenance.lastRound.startedAt.toISOString(),
              finishedAt: maintenance.lastRound.finishedAt.toISOString(),
              ...(maintenance.lastRound.error ? { error: maintenance.lastRound.error } : {}),
            }
          : null,
      },
    }),
    controls: {
      checkPassword: (user, password) => manager.checkSuperuserPassword(user, password),
      pause: (by) => {
        availability.pause(by);
        return availability.report();
      },
      resume: () => {
        availability.resume();
        return availability.report();
      },
    },
  });
  say(`lakeshift: admin endpoint http://${admin.host}:${admin.port}/health`);
  say(`lakeshift: listening on ${wire.host}:${wire.port}${tls ? ' (TLS available)' : ''}`);
  say(
    `lakeshift: connect with: psql -h ${wire.host} -p ${wire.port} -U ${ADMIN_USER} ${DEFAULT_DATABASE}`,
  );
  if (initial.kind !== 'open') say(`lakeshift: the warehouse is ${describe(initial)}`);
  log.info({ port: wire.port, adminPort: admin.port }, 'server started');

  return {
    host: wire.host,
    port: wire.port,
    adminPort: admin.port,
    availability,
    async stop() {
      if (stopping) return;
      stopping = true;
      manager.beginShutdown();
      await manager.copyJobs?.stop();
      await manager.mvAutoRefresh?.stop();
      await manager.streams.close();
      log.info('shutting down');
      // Running statements get the grace period; what is still running then is canceled and its
      // transaction rolled back (the sessions' close), so nothing half-done is committed.
      const cancelTimer = setTimeout(() => manager.cancelAll(), config.shutdownGraceMs);
      await wire.close({ graceMs: config.shutdownGraceMs });
      clearTimeout(cancelTimer);
      await admin.close();
      availability.close();
      await maintenance.stop();
      await lake.close();
      engine.close();
      history.flushSync();
      log.info('stopped');
      log.flush();
    },
  };
}
