// The two engines the TPC suites compare: a real Lakeshift server (test/support/server.ts) whose
// tables are created with Redshift DDL and loaded with COPY ... FROM STDIN, and a plain in-memory
// DuckDB holding the same rows, loaded from the same CSV. Answers of both come as text, ready for
// compare.ts.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import pg from 'pg';
import { startTarget, type Target } from '../server.js';
import { copyFrom } from '../../../src/cli/pg-copy-in.js';
import type { Cell, Result } from './compare.js';

/** A generated table: its columns' types as DuckDB reads them, and its rows as CSV. */
export interface TpcTable {
  readonly name: string;
  readonly columns: readonly { readonly name: string; readonly sqlType: string }[];
  readonly rowCount: number;
  csv(): Iterable<string>;
}

export interface TpcEngines {
  readonly target: Target;
  /** Returns every value as the text the server sent. */
  readonly client: pg.Client;
  readonly duck: DuckDBConnection;
  /** Lakeshift's answers to the SELECTs of `text` (sent as one simple query). */
  lakeshift(text: string): Promise<Result[]>;
  /** DuckDB's answers to each statement of `text`, values as strings. */
  reference(text: string): Promise<Result[]>;
  close(): Promise<void>;
}

/** DuckDB's answers to each statement of `text`, values as strings (compare.ts's form). */
export async function duckdbResults(duck: DuckDBConnection, text: string): Promise<Result[]> {
  const statements = await duck.extractStatements(text);
  const results: Result[] = [];
  for (let i = 0; i < statements.count; i++) {
    const reader = await (await statements.prepare(i)).runAndReadAll();
    results.push({
      columns: reader.columnNames(),
      rows: reader.getRows().map((r) => r.map((v) => (v === null ? null : String(v)))),
    });
  }
  return results;
}

/** Answers of node-postgres (rowMode 'array', values as text) to a simple query's SELECTs. */
export function selectResults(results: pg.QueryResult | pg.QueryResult[]): Result[] {
  return ([] as pg.QueryResult[])
    .concat(results)
    .filter((r) => r.command === 'SELECT')
    .map((r) => ({ columns: r.fields.map((f) => f.name), rows: r.rows as Cell[][] }));
}

/** node-postgres type parsers that keep every value as the text the server sent. */
export const TEXT_TYPES = {
  getTypeParser: () => (v: string) => v,
} as unknown as pg.CustomTypesConfig;

export async function startTpcEngines(opts: {
  /** Redshift DDL creating the tables on Lakeshift. */
  schema: string;
  tables: readonly TpcTable[];
  /** Statements run on the DuckDB connection before anything else (settings). */
  duckSetup?: readonly string[];
}): Promise<TpcEngines> {
  const csvDir = await mkdtemp(join(tmpdir(), 'lakeshift-tpc-'));
  const target = await startTarget();
  const client = new pg.Client({
    ...target.config(),
    types: TEXT_TYPES,
  });
  client.on('error', () => {});
  const instance = await DuckDBInstance.create(':memory:');
  const duck = await instance.connect();
  const close = async () => {
    await client.end().catch(() => {});
    duck.closeSync();
    instance.closeSync();
    await target.dispose();
    await rm(csvDir, { recursive: true, force: true });
  };
  try {
    await client.connect();
    await client.query(opts.schema);
    for (const sql of opts.duckSetup ?? []) await duck.run(sql);
    for (const table of opts.tables) {
      const csv = [...table.csv()];
      const copied = await copyFrom(client, `copy ${table.name} from stdin with csv`, csv);
      assert.equal(copied, table.rowCount, `rows copied into ${table.name}`);

      const columns = table.columns.map((c) => `${c.name} ${c.sqlType}`).join(', ');
      await duck.run(`CREATE TABLE ${table.name} (${columns})`);
      const file = join(csvDir, `${table.name}.csv`);
      await writeFile(file, csv.join(''));
      await duck.run(`COPY ${table.name} FROM '${file}' (FORMAT csv, HEADER false)`);
    }
  } catch (e) {
    await close();
    throw e;
  }
  return {
    target,
    client,
    duck,
    async lakeshift(text) {
      return selectResults(await client.query({ text, rowMode: 'array' }));
    },
    reference: (text) => duckdbResults(duck, text),
    close,
  };
}
