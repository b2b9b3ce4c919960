// What the numbers were measured on: the machine (cores, memory, CPU model, OS) and the versions
// of the runtime and engines, so results from different machines are never compared blindly.
import { DuckDBInstance } from '@duckdb/node-api';
import Database from 'better-sqlite3';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import os from 'node:os';

export interface MachineInfo {
  hostname: string;
  os: string;
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  node: string;
  duckdb: string;
  duckdbNodeApi: string;
  sqlite: string;
  gitCommit: string | undefined;
}

async function duckdbVersion(): Promise<string> {
  const instance = await DuckDBInstance.create(':memory:');
  try {
    const conn = await instance.connect();
    const reader = await conn.runAndReadAll(
      `SELECT version() AS v, source_id AS s FROM pragma_version()`,
    );
    const row = reader.getRowObjectsJS()[0] as { v: string; s: string } | undefined;
    conn.closeSync();
    return row ? `${row.v} (${row.s})` : 'unknown';
  } finally {
    instance.closeSync();
  }
}

function sqliteVersion(): string {
  const db = new Database(':memory:');
  try {
    return (db.prepare('SELECT sqlite_version() AS v').get() as { v: string }).v;
  } finally {
    db.close();
  }
}

function packageVersion(name: string): string {
  try {
    const require = createRequire(import.meta.url);
    return (require(`${name}/package.json`) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

function gitCommit(): string | undefined {
  try {
    const out = execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    return out.toString().trim() || undefined;
  } catch {
    return undefined;
  }
}

export async function machineInfo(): Promise<MachineInfo> {
  const cpus = os.cpus();
  return {
    hostname: os.hostname(),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cores: os.availableParallelism?.() ?? cpus.length,
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    duckdb: await duckdbVersion(),
    duckdbNodeApi: packageVersion('@duckdb/node-api'),
    sqlite: `${sqliteVersion()} (better-sqlite3 ${packageVersion('better-sqlite3')})`,
    gitCommit: gitCommit(),
  };
}
