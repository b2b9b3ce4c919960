// The anchor of the super suite: DuckDB itself, in this process (@duckdb/node-api), on a database
// file in the scratch directory, with DuckDB's default settings (threads = cores), as the
// Lakeshift server's engine runs. It reads the same CSV file the server loaded.
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { superMacroSql } from '../../../src/sql/bind/super-macros.js';
import { DUCKDB } from './queries.js';

/** Schema of the product's SUPER macros in the anchor database (for the profile). */
export const MACRO_SCHEMA = 'lakeshift_fn';

export interface Anchor {
  connection: DuckDBConnection;
  version: string;
  /** Runs a statement and returns its first row (values as JavaScript values). */
  row(sql: string): Promise<unknown[]>;
  run(sql: string): Promise<void>;
  close(): void;
}

export async function openAnchor(file: string, csv: string): Promise<Anchor> {
  // Typed macro parameters (json_text(x BLOB)) need a database file of storage version ≥ 1.4.
  const instance = await DuckDBInstance.create(file, { storage_compatibility_version: 'v1.4.0' });
  const connection = await instance.connect();
  const row = async (sql: string) => {
    const reader = await connection.runAndReadAll(sql);
    return reader.getRowsJS()[0] ?? [];
  };
  await connection.run(DUCKDB.loadText(csv));
  await connection.run(`CREATE SCHEMA ${MACRO_SCHEMA}`);
  for (const sql of superMacroSql(MACRO_SCHEMA)) await connection.run(sql);
  const [version] = await row('SELECT version()');
  return {
    connection,
    version: String(version),
    row,
    run: async (sql) => {
      await connection.run(sql);
    },
    close: () => {
      connection.closeSync();
      instance.closeSync();
    },
  };
}
