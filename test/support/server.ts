// The server an end-to-end test talks to, through real clients (psql, pg, psycopg2, JDBC).
//
// LAKESHIFT_E2E_TARGET picks it:
//   lakeshift (default)  `node --import tsx src/cli/main.ts start --data-dir <dir> --host
//                        127.0.0.1 --port 0` with LAKESHIFT_ADMIN_PASSWORD set; ready once it
//                        prints `lakeshift: listening on 127.0.0.1:<port>`. Superuser `admin`,
//                        database `dev`.
//   postgres             the reference: a real PostgreSQL 15 from test/support/postgres.ts,
//                        reconfigured to look like a fresh Lakeshift from a client's side: a
//                        superuser `admin` with a password, a database `dev`, password auth on
//                        TCP (so a wrong password really fails), ssl=on with a self-signed
//                        certificate, max_connections raised for the 200-connection test.
//
// The handle's host and port can change across restart() (the server listens on port 0): read
// them again after a restart.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, statSync, writeFileSync, chownSync, chmodSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Socket } from 'node:net';
import pg from 'pg';
import { startPostgres } from './postgres.js';
import { writeSelfSignedCertificate } from '../../src/security/certificate.js';

export type TargetKind = 'lakeshift' | 'postgres';

export interface StartOptions {
  /** Reuse this data directory (it is then not removed by dispose()). */
  dataDir?: string;
  /** lakeshift: start with --tls-self-signed. The postgres reference always has ssl=on. */
  tls?: boolean;
  /** lakeshift: extra environment of the server process (LAKESHIFT_* settings, AWS_*). */
  env?: Record<string, string>;
}

export interface Target {
  readonly target: TargetKind;
  host: string;
  port: number;
  readonly user: string;
  readonly password: string;
  readonly database: string;
  readonly dataDir: string;
  /** lakeshift: the port of the admin HTTP endpoint (/health). */
  adminPort?: number;
  /** lakeshift: the server process, for tests that signal it themselves. */
  readonly pid?: number;
  /** Connection settings for pg.Client (the admin user unless overridden). */
  config(overrides?: Partial<pg.ClientConfig>): pg.ClientConfig;
  /** libpq environment (PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE) for psql and friends. */
  env(overrides?: Record<string, string>): NodeJS.ProcessEnv;
  /** Graceful stop (SIGTERM for lakeshift, fast shutdown for postgres); the data stays. */
  stop(): Promise<void>;
  /** Hard stop: SIGKILL for lakeshift, immediate shutdown (SIGQUIT) for postgres. */
  kill(): Promise<void>;
  /** Start again on the same data directory (stopping first if it is running). */
  restart(): Promise<void>;
  /** Stop and remove everything this handle created. */
  dispose(): Promise<void>;
}

export const TARGET: TargetKind = parseTarget(process.env.LAKESHIFT_E2E_TARGET);

function parseTarget(value: string | undefined): TargetKind {
  if (value === undefined || value === '' || value === 'lakeshift') return 'lakeshift';
  if (value === 'postgres') return 'postgres';
  throw new Error(`LAKESHIFT_E2E_TARGET must be lakeshift or postgres, not ${value}`);
}

export const REPO = join(import.meta.dirname, '..', '..');
const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 30_000;
const PG_BIN = '/usr/lib/postgresql/15/bin';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function startTarget(opts: StartOptions = {}): Promise<Target> {
  return TARGET === 'postgres' ? startReference(opts) : startLakeshift(opts);
}

// ---------------------------------------------------------------------------------------------
// Process bookkeeping: a crashed test run must not leave servers behind.

const livePids = new Set<number>();
let exitHookInstalled = false;

function track(pid: number, signal: 'KILL' | 'QUIT'): { watchdog: ChildProcess; untrack(): void } {
  livePids.add(pid);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on('exit', () => {
      for (const p of livePids) {
        try {
          process.kill(p, 'SIGKILL');
        } catch {
          // Already gone.
        }
      }
    });
  }
  // For deaths that skip 'exit' (SIGKILL of the test runner): a detached shell whose stdin is a
  // pipe from us kills the server when that pipe reaches end-of-file.
  const watchdog = spawn(
    'sh',
    ['-c', `read _eof; kill -${signal} "$1" 2>/dev/null`, 'e2e-dog', String(pid)],
    {
      stdio: ['pipe', 'ignore', 'ignore'],
      detached: true,
    },
  );
  watchdog.unref();
  (watchdog.stdin as Socket | null)?.unref();
  return {
    watchdog,
    untrack() {
      livePids.delete(pid);
      if (watchdog.pid !== undefined) {
        try {
          process.kill(watchdog.pid, 'SIGKILL');
        } catch {
          // Already gone.
        }
      }
      watchdog.stdin?.destroy();
    },
  };
}

/** Whether a process still exists. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitGone(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!alive(pid)) return true;
    await sleep(25);
  }
  return !alive(pid);
}

function handle(base: Omit<Target, 'config' | 'env'>): Target {
  const t = base as Target;
  t.config = (overrides = {}) => ({
    host: t.host,
    port: t.port,
    user: t.user,
    password: t.password,
    database: t.database,
    connectionTimeoutMillis: 30_000,
    ...overrides,
  });
  t.env = (overrides = {}) => ({
    ...process.env,
    PGHOST: t.host,
    PGPORT: String(t.port),
    PGUSER: t.user,
    PGPASSWORD: t.password,
    PGDATABASE: t.database,
    PGCONNECT_TIMEOUT: '30',
    PGSSLMODE: 'disable',
    ...overrides,
  });
  return t;
}

// ---------------------------------------------------------------------------------------------
// lakeshift

async function startLakeshift(opts: StartOptions): Promise<Target> {
  const ownDir = opts.dataDir === undefined;
  const dataDir = opts.dataDir ?? (await mkdtemp(join(tmpdir(), 'lakeshift-e2e-')));
  const password = `Pw${randomBytes(9).toString('hex')}`;
  let child: ChildProcess | undefined;
  let untrack: (() => void) | undefined;

  const launch = async (): Promise<{ host: string; port: number; adminPort?: number }> => {
    const args = ['--import', 'tsx', join('src', 'cli', 'main.ts'), 'start'];
    args.push('--data-dir', dataDir, '--host', '127.0.0.1', '--port', '0', '--admin-port', '0');
    if (opts.tls === true) args.push('--tls-self-signed');
    const proc = spawn(process.execPath, args, {
      cwd: REPO,
      env: { ...process.env, ...opts.env, LAKESHIFT_ADMIN_PASSWORD: password },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = proc;
    untrack = track(proc.pid ?? -1, 'KILL').untrack;
    let stderr = '';
    let stdout = '';
    proc.stderr?.setEncoding('utf8');
    proc.stdout?.setEncoding('utf8');
    // Keep draining both pipes for the server's whole life, or it would block on a full pipe.
    proc.stderr?.on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-8000);
    });
    return await new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        proc.kill('SIGKILL');
        fail(`did not print "lakeshift: listening on" within ${START_TIMEOUT_MS / 1000} s`);
      }, START_TIMEOUT_MS);
      const fail = (why: string) => {
        clearTimeout(timer);
        reject(
          new Error(
            `lakeshift server did not start: ${why}\n` +
              `command: node ${args.join(' ')}\n--- stdout ---\n${stdout.slice(-2000)}\n` +
              `--- stderr ---\n${stderr.slice(-4000)}`,
          ),
        );
      };
      let ready = false;
      proc.stdout?.on('data', (chunk: string) => {
        if (ready) return;
        stdout += chunk;
        const m = /lakeshift: listening on ([^\s:]+|\[[^\]]+\]):(\d+)/.exec(stdout);
        if (m !== null) {
          ready = true;
          clearTimeout(timer);
          const admin = /admin endpoint http:\/\/[^\s]+:(\d+)\/health/.exec(stdout);
          resolve({
            host: (m[1] as string).replace(/^\[|\]$/g, ''),
            port: Number(m[2]),
            adminPort: admin ? Number(admin[1]) : undefined,
          });
        }
      });
      proc.once('error', (e) => fail(String(e)));
      proc.once('exit', (code, signal) => {
        untrack?.();
        if (!ready) fail(`exited with ${signal ?? `code ${code}`} before listening`);
      });
    });
  };

  const halt = async (signal: NodeJS.Signals): Promise<void> => {
    const proc = child;
    child = undefined;
    if (proc === undefined || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    proc.kill(signal);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([
      exited.then(() => false),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), STOP_TIMEOUT_MS))),
    ]);
    clearTimeout(timer);
    if (timedOut) {
      proc.kill('SIGKILL');
      await exited;
      if (signal === 'SIGTERM') throw new Error('lakeshift did not stop within 30 s of SIGTERM');
    }
    untrack?.();
  };

  let first: { host: string; port: number; adminPort?: number };
  try {
    first = await launch();
  } catch (e) {
    if (ownDir) await rm(dataDir, { recursive: true, force: true, maxRetries: 5 });
    throw e;
  }
  return handle({
    target: 'lakeshift',
    host: first.host,
    port: first.port,
    adminPort: first.adminPort,
    get pid() {
      return child?.pid;
    },
    user: 'admin',
    password,
    database: 'dev',
    dataDir,
    stop: () => halt('SIGTERM'),
    kill: () => halt('SIGKILL'),
    async restart() {
      await halt('SIGTERM');
      const next = await launch();
      this.host = next.host;
      this.port = next.port;
      this.adminPort = next.adminPort;
    },
    async dispose() {
      await halt('SIGTERM').catch(() => halt('SIGKILL'));
      if (ownDir) await rm(dataDir, { recursive: true, force: true, maxRetries: 5 });
    },
  });
}

// ---------------------------------------------------------------------------------------------
// postgres (the reference)

/** Extra settings of the reference server; command-line -c options override postgresql.conf. */
const REFERENCE_SETTINGS = [
  'listen_addresses=127.0.0.1',
  // 200 concurrent clients in concurrency.test.ts plus the test's own connections.
  'max_connections=300',
  'ssl=on',
  'ssl_cert_file=server.crt',
  'ssl_key_file=server.key',
  // The crash test kills processes, not the machine: the OS page cache survives a kill.
  'fsync=off',
];

async function startReference(opts: StartOptions): Promise<Target> {
  if (opts.dataDir !== undefined) {
    throw new Error('the postgres reference target always starts on a fresh data dir');
  }
  // initdb, first start and CREATE DATABASE dev through the shared helper (trust auth for its
  // superuser 'lakeshift'); then we add the admin user, switch TCP to password auth, add a
  // certificate and restart the postmaster ourselves with the settings above.
  const pgTest = await startPostgres({ database: 'dev' });
  const dataDir = pgTest.dataDir;
  const socketDir = dirname(dataDir);
  const port = pgTest.port;
  const password = `Pw${randomBytes(9).toString('hex')}`;
  const owner = statSync(dataDir);

  let postmaster: number | undefined;
  let untrack: (() => void) | undefined;
  try {
    const setup = new pg.Client({ host: '127.0.0.1', port, user: 'lakeshift', database: 'dev' });
    await setup.connect();
    try {
      await setup.query(
        `CREATE ROLE admin SUPERUSER CREATEDB CREATEROLE LOGIN PASSWORD ${setup.escapeLiteral(password)}`,
      );
      await setup.query('ALTER DATABASE dev OWNER TO admin');
      await setup.query('ALTER SCHEMA public OWNER TO admin');
    } finally {
      await setup.end();
    }

    // 'md5' rather than 'scram-sha-256': it still does SCRAM for SCRAM-stored passwords (the
    // default), and also lets an MD5-stored password log in (auth.test.ts creates one, as a
    // Redshift user would); a wrong password fails either way. Unix-socket connections (our own
    // set-up user) stay trusted.
    const own = (path: string, mode: number) => {
      chownSync(path, owner.uid, owner.gid);
      chmodSync(path, mode);
    };
    writeFileSync(
      join(dataDir, 'pg_hba.conf'),
      'local all all trust\nhostssl all all 127.0.0.1/32 md5\nhost all all 127.0.0.1/32 md5\n',
    );
    own(join(dataDir, 'pg_hba.conf'), 0o600);
    writeSelfSignedCertificate({
      keyPath: join(dataDir, 'server.key'),
      certPath: join(dataDir, 'server.crt'),
      commonName: '127.0.0.1',
      days: 2,
    });
    own(join(dataDir, 'server.key'), 0o600);
    own(join(dataDir, 'server.crt'), 0o644);

    // Stop the first postmaster (started by startPostgres) with a fast shutdown.
    const firstPid = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    process.kill(firstPid, 'SIGINT');
    if (!(await waitGone(firstPid, STOP_TIMEOUT_MS))) throw new Error('postgres did not stop');
  } catch (e) {
    await pgTest.stop();
    throw e;
  }

  const launch = async (): Promise<void> => {
    const asOwner =
      process.getuid?.() === 0
        ? ['setpriv', `--reuid=${owner.uid}`, `--regid=${owner.gid}`, '--clear-groups', '--']
        : [];
    const argv = [...asOwner, join(PG_BIN, 'postgres'), '-D', dataDir, '-p', String(port)];
    argv.push('-k', socketDir, ...REFERENCE_SETTINGS.flatMap((s) => ['-c', s]));
    const logPath = join(socketDir, 'postgres.log');
    const proc = spawn(argv[0] as string, argv.slice(1), {
      cwd: socketDir,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    proc.stderr?.setEncoding('utf8');
    proc.stderr?.on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-8000)));
    const deadline = Date.now() + START_TIMEOUT_MS;
    while (Date.now() < deadline) {
      if (proc.exitCode !== null || proc.signalCode !== null) break;
      const lines = existsSync(join(dataDir, 'postmaster.pid'))
        ? readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')
        : [];
      if (Number(lines[0]) === proc.pid && lines[7]?.trim() === 'ready') {
        postmaster = proc.pid;
        untrack = track(proc.pid, 'QUIT').untrack;
        return;
      }
      await sleep(25);
    }
    proc.kill('SIGQUIT');
    throw new Error(`reference postgres did not start (log ${logPath}):\n${stderr}`);
  };

  const halt = async (signal: NodeJS.Signals): Promise<void> => {
    const pid = postmaster;
    postmaster = undefined;
    if (pid === undefined) return;
    try {
      process.kill(pid, signal);
    } catch {
      // Already gone.
    }
    if (!(await waitGone(pid, STOP_TIMEOUT_MS))) {
      process.kill(pid, 'SIGQUIT');
      await waitGone(pid, STOP_TIMEOUT_MS);
    }
    untrack?.();
  };

  try {
    await launch();
  } catch (e) {
    await pgTest.stop();
    throw e;
  }
  return handle({
    target: 'postgres',
    host: '127.0.0.1',
    port,
    user: 'admin',
    password,
    database: 'dev',
    dataDir,
    // SIGINT is PostgreSQL's fast shutdown: roll back sessions, checkpoint, exit.
    stop: () => halt('SIGINT'),
    // SIGQUIT is the immediate shutdown (pg_ctl stop -m immediate): no checkpoint, crash
    // recovery at the next start. A SIGKILL of the postmaster alone would leave its backends
    // holding the shared memory, and a new postmaster would refuse to start.
    kill: () => halt('SIGQUIT'),
    async restart() {
      await halt('SIGINT');
      await launch();
    },
    async dispose() {
      await halt('SIGINT');
      await pgTest.stop();
    },
  });
}
