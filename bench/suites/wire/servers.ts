// The two servers of the wire suite, as endpoints a client connects to: Lakeshift started from a
// checkout (`node --import tsx src/cli/main.ts start … --port 0` in effect, ready when it prints
// `lakeshift: listening on HOST:PORT`, stopped with SIGTERM) and a throwaway PostgreSQL 15
// (test/support/postgres.ts: trust auth for user `lakeshift`). Both listen on 127.0.0.1.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { startPostgres } from '../../../test/support/postgres.js';

const READY = /lakeshift: listening on ([\w.:-]+):(\d+)/;
const START_TIMEOUT_MS = 120_000;
const STOP_TIMEOUT_MS = 15_000;

export interface Endpoint {
  /** 'Lakeshift' or 'PostgreSQL'. */
  system: 'Lakeshift' | 'PostgreSQL';
  host: string;
  port: number;
  user: string;
  password: string | undefined;
  database: string;
  /** Why the server exited before stop() was called (its last output), if it did. */
  exitedEarly(): string | undefined;
  stop(): Promise<void>;
}

/** Thrown when the Lakeshift server does not start; the smoke test skips on its message. */
export class LakeshiftStartError extends Error {
  constructor(reason: string) {
    super(`lakeshift server could not start: ${reason}`);
    this.name = 'LakeshiftStartError';
  }
}

export function clientConfig(e: Endpoint): pg.ClientConfig {
  return {
    host: e.host,
    port: e.port,
    user: e.user,
    password: e.password,
    database: e.database,
    ssl: false,
    application_name: 'lakeshift-bench-wire',
    // Every query runs: Lakeshift's result cache (as Redshift's, on by default) would otherwise
    // answer repeated point queries without running them. PostgreSQL has no such setting.
    ...(e.system === 'Lakeshift' ? { options: '-c enable_result_cache_for_session=off' } : {}),
  };
}

/**
 * A connected client whose asynchronous errors (server gone while idle) are logged, not thrown.
 * `overrides` replace parts of clientConfig (e.g. `options` to turn the result cache on).
 */
export async function connect(
  e: Endpoint,
  log: (m: string) => void,
  overrides: pg.ClientConfig = {},
): Promise<pg.Client> {
  const client = new pg.Client({ ...clientConfig(e), ...overrides });
  client.on('error', (err) => log(`${e.system} client error: ${err.message}`));
  await client.connect();
  return client;
}

/** What `SELECT version()` says. */
export async function serverVersion(client: pg.Client): Promise<string> {
  const r = await client.query<{ v: string }>('SELECT version() AS v');
  return String(r.rows[0]?.v ?? 'unknown');
}

/** Environment for psql against the endpoint (password, no TLS, no ~/.psqlrc via -X). */
export function psqlEnv(e: Endpoint): NodeJS.ProcessEnv {
  return {
    ...process.env,
    PGHOST: e.host,
    PGPORT: String(e.port),
    PGUSER: e.user,
    PGDATABASE: e.database,
    PGSSLMODE: 'disable',
    PGAPPNAME: 'lakeshift-bench-wire',
    ...(e.password === undefined ? {} : { PGPASSWORD: e.password }),
  };
}

/** Servers started by this process and not yet stopped, killed if the process exits early. */
const children = new Set<ChildProcess>();
let exitHookInstalled = false;

function killChildrenSync(): void {
  for (const child of children) {
    try {
      child.kill('SIGKILL');
    } catch {
      // Already gone.
    }
  }
}

/**
 * Starts Lakeshift from the checkout at `root` (cwd = root) with its data in `dataDir`. Rejects
 * with LakeshiftStartError when the process exits or stays silent for START_TIMEOUT_MS.
 */
export async function startLakeshift(
  root: string,
  dataDir: string,
  log: (m: string) => void,
  /** Extra environment of the server (LAKESHIFT_* settings). */
  env: Record<string, string> = {},
): Promise<Endpoint> {
  mkdirSync(dataDir, { recursive: true });
  const password = `bench-${randomBytes(9).toString('base64url')}`;
  // `node --import tsx src/cli/main.ts start …`, but through a one-line launcher in the data
  // directory that imports src/cli/main.ts: the same module, arguments and cwd, while the command
  // line does not say "src/cli/main.ts start", so a `pkill -f` aimed at other engineers' dev
  // servers on this shared machine does not stop this one in the middle of a run (it happened).
  const launcher = join(dataDir, 'wire-bench-server.mjs');
  writeFileSync(
    launcher,
    `await import(${JSON.stringify(pathToFileURL(join(root, 'src/cli/main.ts')).href)});\n`,
  );
  const child = spawn(
    process.execPath,
    [
      ...['--import', 'tsx', launcher, 'start', '--data-dir', dataDir],
      ...['--host', '127.0.0.1', '--port', '0', '--admin-port', '0'],
    ],
    {
      cwd: root,
      env: { ...process.env, ...env, LAKESHIFT_ADMIN_PASSWORD: password },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  children.add(child);
  if (!exitHookInstalled) {
    process.on('exit', killChildrenSync);
    exitHookInstalled = true;
  }
  const exited = new Promise<void>((res) => child.once('exit', () => res()));
  exited.then(() => children.delete(child)).catch(() => undefined);

  const tail: string[] = [];
  let stopRequested = false;
  let earlyExit: string | undefined;
  const { host, port } = await new Promise<{ host: string; port: number }>((res, rej) => {
    let ready = false;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      rej(new LakeshiftStartError(`not ready after ${START_TIMEOUT_MS} ms\n${tail.join('\n')}`));
    }, START_TIMEOUT_MS);
    const onLine = (line: string) => {
      tail.push(line);
      if (tail.length > 30) tail.shift();
      const m = READY.exec(line);
      if (m && !ready) {
        ready = true;
        clearTimeout(timer);
        res({ host: m[1]!, port: Number(m[2]) });
      }
    };
    for (const stream of [child.stdout, child.stderr]) {
      let buffered = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => {
        buffered += chunk;
        const lines = buffered.split('\n');
        buffered = lines.pop()!;
        lines.forEach(onLine);
      });
    }
    child.once('error', (e) => {
      clearTimeout(timer);
      rej(new LakeshiftStartError(e.message));
    });
    child.once('exit', (code, signal) => {
      if (ready) {
        if (!stopRequested) {
          earlyExit = `code ${code}, signal ${signal}; its last output:\n${tail.slice(-10).join('\n')}`;
          log(`lakeshift exited before the suite stopped it (${earlyExit})`);
        }
        return;
      }
      clearTimeout(timer);
      rej(
        new LakeshiftStartError(
          `exited with code ${code}${signal ? `, signal ${signal}` : ''}\n${tail.join('\n')}`,
        ),
      );
    });
  });

  let stopping: Promise<void> | undefined;
  return {
    system: 'Lakeshift',
    host,
    port,
    user: 'admin',
    password,
    database: 'dev',
    exitedEarly: () => earlyExit,
    stop: () =>
      (stopping ??= (async () => {
        stopRequested = true;
        if (child.exitCode !== null || child.signalCode !== null) return;
        child.kill('SIGTERM');
        let timer: NodeJS.Timeout | undefined;
        const timedOut = await Promise.race([
          exited.then(() => false),
          new Promise<boolean>((res) => (timer = setTimeout(() => res(true), STOP_TIMEOUT_MS))),
        ]);
        clearTimeout(timer);
        if (timedOut) {
          log(`lakeshift did not stop within ${STOP_TIMEOUT_MS} ms of SIGTERM; killing it`);
          child.kill('SIGKILL');
          await exited;
        }
      })()),
  };
}

/** A throwaway PostgreSQL 15 with database `dev`, trust auth for user `lakeshift`. */
export async function startPostgresEndpoint(): Promise<Endpoint> {
  const server = await startPostgres({ database: 'dev' });
  return {
    system: 'PostgreSQL',
    host: '127.0.0.1',
    port: server.port,
    user: 'lakeshift',
    password: undefined,
    database: 'dev',
    exitedEarly: () => undefined,
    stop: () => server.stop(),
  };
}

/** Stops the servers a suite started, the last started first; a failure to stop is logged. */
export async function stopEndpoints(started: Endpoint[], log: (m: string) => void): Promise<void> {
  for (const e of [...started].reverse()) {
    log(`stopping ${e.system}`);
    await e.stop().catch((err: unknown) => log(`stopping ${e.system}: ${String(err)}`));
  }
}
