// Shared helpers of the end-to-end suite: connecting with pg, expecting SQLSTATEs, running
// psql and Debian's python3 as real clients.
import { spawn } from 'node:child_process';
import assert from 'node:assert/strict';
import pg from 'pg';
import type { Target } from '../support/server.js';

/** Debian's python3, which has psycopg2 and SQLAlchemy (the first python3 on PATH has not). */
export const PYTHON = '/usr/bin/python3';
export const PSQL = '/usr/bin/psql';

export async function connect(
  target: Target,
  overrides: Partial<pg.ClientConfig> = {},
): Promise<pg.Client> {
  const client = new pg.Client(target.config(overrides));
  // A server that drops the connection must fail the test, not crash the runner.
  client.on('error', () => {});
  await client.connect();
  return client;
}

/** A pg error with its SQLSTATE and the fields node-postgres exposes. */
export interface PgError extends Error {
  code?: string;
  position?: string;
  severity?: string;
}

/** Awaits `work`, expects it to fail with SQLSTATE `code`, and returns the error. */
export async function expectSqlState(
  work: Promise<unknown> | (() => Promise<unknown>),
  code: string,
): Promise<PgError> {
  try {
    await (typeof work === 'function' ? work() : work);
  } catch (e) {
    const err = e as PgError;
    assert.equal(err.code, code, `expected SQLSTATE ${code}, got ${err.code}: ${err.message}`);
    return err;
  }
  assert.fail(`expected SQLSTATE ${code}, but it succeeded`);
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion (stdin optional); never rejects on a non-zero exit. */
export function run(
  command: string,
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; input?: string; cwd?: string; timeoutMs?: number } = {},
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      env: opts.env ?? process.env,
      cwd: opts.cwd,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 120_000);
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(opts.input ?? '');
  });
}

/** Runs psql with -X -v ON_ERROR_STOP=1 and the target's connection environment. */
export function psql(
  target: Target,
  args: string[],
  opts: { input?: string; cwd?: string; env?: Record<string, string> } = {},
): Promise<RunResult> {
  return run(PSQL, ['-X', '-v', 'ON_ERROR_STOP=1', ...args], {
    env: target.env(opts.env),
    ...(opts.input === undefined ? {} : { input: opts.input }),
    ...(opts.cwd === undefined ? {} : { cwd: opts.cwd }),
  });
}

/**
 * Runs a Python script with Debian's python3. The script finds the connection in the DSN
 * environment variable (a libpq keyword string) and the pieces in PGHOST, PGPORT, ...; it must
 * print one JSON document as its last line of output, which is returned parsed.
 */
export async function python<T>(target: Target, script: string): Promise<T> {
  const dsn =
    `host=${target.host} port=${target.port} user=${target.user} ` +
    `password=${target.password} dbname=${target.database} sslmode=disable`;
  const result = await run(PYTHON, ['-c', script], { env: target.env({ DSN: dsn }) });
  const lines = result.stdout.trim().split('\n');
  if (result.code !== 0 || lines.length === 0) {
    assert.fail(`python exited with ${result.code}\n${result.stdout}\n${result.stderr}`);
  }
  return JSON.parse(lines.at(-1) as string) as T;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs `sql` on `busy` and cancels it with CancelRequests (pg's Client#cancel: a new connection
 * sends CancelRequest(processID, secretKey) of the busy client), retrying until the statement
 * ends; resolves with its error, or undefined when it completed instead.
 */
export async function cancelWhileRunning(
  target: Target,
  busy: pg.Client,
  sql: string,
): Promise<{ code?: string; message: string } | undefined> {
  const query = new pg.Query(sql);
  const outcome = new Promise<{ code?: string; message: string } | undefined>((resolve) => {
    query.on('error', (e: Error & { code?: string }) => resolve(e));
    query.on('end', () => resolve(undefined));
  });
  void busy.query(query);
  await sleep(500);
  let settled = false;
  void outcome.then(() => (settled = true));
  for (let attempt = 0; attempt < 30 && !settled; attempt++) {
    const canceller = new pg.Client(target.config()) as unknown as {
      cancel(client: pg.Client, query: pg.Query): void;
    };
    canceller.cancel(busy, query);
    await Promise.race([outcome, sleep(2000)]);
  }
  return within(outcome, 60_000, 'the statement after CancelRequests');
}

/** Resolves like `work`, or rejects after `ms` with `what` in the message; the timer never lingers. */
export async function within<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      work,
      new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => reject(new Error(`${what}: not done after ${ms / 1000} s`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
