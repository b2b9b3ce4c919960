// The ways lineitem gets into an empty table, one LoadPath each: Lakeshift's COPY FROM STDIN
// (node-postgres, psql's \copy) and Redshift's COPY from a file (.tbl and Parquet); DuckDB's
// INSERT … SELECT from read_csv and read_parquet into a native table; PostgreSQL's COPY FROM
// STDIN without and with the primary key, and psql's \copy. Each path creates its table anew
// (reset), loads it (the timed part), reports what the table then holds (checksum) and drops it.
import { basename } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import type pg from 'pg';
import { copyFrom } from '../../../src/cli/pg-copy-in.js';
import { elapsedMs, nowNs } from '../../lib/timing.js';
import { fileChunks, tableDdl } from '../../lib/tpch-load.js';
import { readTblSql, type TpchDataTable } from '../../lib/tpch-dataset.js';
import { psql } from '../wire/load.js';
import type { Endpoint } from '../wire/servers.js';
import { duckdbChecksum, wireChecksum, type Checksum } from './checksum.js';

export type Engine = 'Lakeshift' | 'DuckDB' | 'PostgreSQL';

/** Where the time of a COPY FROM STDIN went, as the client sees it. */
export interface Phases {
  /** From sending the statement until the socket took the file's last byte. */
  streamMs: number;
  /** From then (CopyDone) until the server's CommandComplete. */
  finishMs: number;
}

export interface LoadRun {
  /** The row count the server reported (COPY n), when it reports one. */
  rows?: number;
  phases?: Phases;
}

export interface LoadPath {
  id: string;
  engine: Engine;
  label: string;
  /** For the chart (≤ 45 characters). */
  short: string;
  /** The statement or command, for the method text. */
  how: string;
  /** The table's DDL, for the method text. */
  ddl: string;
  reset(): Promise<void>;
  load(): Promise<LoadRun>;
  checksum(): Promise<Checksum>;
  drop(): Promise<void>;
}

const TABLE = 'lineitem';

/** Redshift's lineitem: schema.sql's distribution and sort keys (its foreign keys need orders). */
export function redshiftLineitemDdl(def: TpchDataTable): string {
  return `${tableDdl(def)} DISTKEY (l_orderkey) SORTKEY (l_shipdate)`;
}

/** COPY FROM STDIN of a file through node-postgres, timing the streaming and the finish apart. */
async function copyStdin(client: pg.Client, file: string): Promise<LoadRun> {
  const start = nowNs();
  let sent = start;
  function* chunks(): Generator<Buffer> {
    yield* fileChunks(file);
    sent = nowNs();
  }
  const rows = await copyFrom(client, `COPY ${TABLE} FROM STDIN WITH (DELIMITER '|')`, chunks());
  const finishMs = elapsedMs(sent);
  return { rows, phases: { streamMs: elapsedMs(start) - finishMs, finishMs } };
}

const psqlCopy = (file: string) => `\\copy ${TABLE} from '${file}' with (delimiter '|')`;

/** A path over a wire endpoint (Lakeshift or PostgreSQL): DDL, load, checksum through `client`. */
function wirePath(
  client: pg.Client,
  p: Omit<LoadPath, 'reset' | 'checksum' | 'drop' | 'engine'> & { engine: Engine },
): LoadPath {
  return {
    ...p,
    reset: async () => {
      await client.query(`DROP TABLE IF EXISTS ${TABLE}`);
      await client.query(p.ddl);
    },
    checksum: () => wireChecksum(client, TABLE),
    drop: async () => {
      await client.query(`DROP TABLE IF EXISTS ${TABLE}`);
    },
  };
}

export function lakeshiftPaths(
  client: pg.Client,
  endpoint: Endpoint,
  table: TpchDataTable,
): LoadPath[] {
  const ddl = redshiftLineitemDdl(table);
  // Redshift's COPY from a location: the server reads the file itself.
  const fromFile = (
    p: Pick<LoadPath, 'id' | 'label' | 'short'>,
    file: string,
    statement: string,
  ): LoadPath =>
    wirePath(client, {
      ...p,
      engine: 'Lakeshift',
      how: `Redshift's \`${statement.replace(file, `…/${basename(file)}`)}\` (the server reads the file)`,
      ddl,
      load: async () => {
        const r = await client.query(statement);
        return r.rowCount === null ? {} : { rows: r.rowCount };
      },
    });
  return [
    wirePath(client, {
      id: 'lakeshift-stdin',
      engine: 'Lakeshift',
      label: 'Lakeshift: COPY FROM STDIN (node-postgres)',
      short: 'Lakeshift STDIN (node-postgres)',
      how: `\`COPY ${TABLE} FROM STDIN WITH (DELIMITER '|')\`, the .tbl file sent in 1 MiB CopyData messages by node-postgres`,
      ddl,
      load: () => copyStdin(client, table.tbl),
    }),
    wirePath(client, {
      id: 'lakeshift-psql',
      engine: 'Lakeshift',
      label: "Lakeshift: psql \\copy … with (delimiter '|')",
      short: 'Lakeshift psql \\copy',
      how: `\`psql -c "${psqlCopy('…/lineitem.tbl')}"\` (a new psql process per run)`,
      ddl,
      load: async () => {
        await psql(endpoint, psqlCopy(table.tbl));
        return {};
      },
    }),
    fromFile(
      {
        id: 'lakeshift-file-tbl',
        label: "Lakeshift: COPY FROM 'file:///…/lineitem.tbl' DELIMITER '|'",
        short: 'Lakeshift COPY FROM file .tbl',
      },
      table.tbl,
      `COPY ${TABLE} FROM 'file://${table.tbl}' DELIMITER '|'`,
    ),
    fromFile(
      {
        id: 'lakeshift-file-parquet',
        label: "Lakeshift: COPY FROM 'file:///…/lineitem.parquet' FORMAT AS PARQUET",
        short: 'Lakeshift COPY FROM file Parquet',
      },
      table.parquet,
      `COPY ${TABLE} FROM 'file://${table.parquet}' FORMAT AS PARQUET`,
    ),
    wirePath(client, {
      id: 'lakeshift-stdin-nosort',
      engine: 'Lakeshift',
      label: 'Lakeshift: COPY FROM STDIN (node-postgres), table without sort key',
      short: 'Lakeshift STDIN, no sort key',
      how: 'as the first path, into a table declared without DISTKEY and SORTKEY',
      ddl: tableDdl(table),
      load: () => copyStdin(client, table.tbl),
    }),
  ];
}

export function postgresPaths(
  client: pg.Client,
  endpoint: Endpoint,
  table: TpchDataTable,
): LoadPath[] {
  const noKey = tableDdl(table, { primaryKey: false });
  return [
    wirePath(client, {
      id: 'postgres-stdin',
      engine: 'PostgreSQL',
      label: 'PostgreSQL 15: COPY FROM STDIN (node-postgres), no index',
      short: 'PostgreSQL STDIN, no index',
      how: `as Lakeshift's first path`,
      ddl: noKey,
      load: () => copyStdin(client, table.tbl),
    }),
    wirePath(client, {
      id: 'postgres-stdin-pk',
      engine: 'PostgreSQL',
      label: 'PostgreSQL 15: COPY FROM STDIN (node-postgres), primary key',
      short: 'PostgreSQL STDIN, primary key',
      how: `as Lakeshift's first path, into a table with its primary key (l_orderkey, l_linenumber): the index is built row by row during the COPY`,
      ddl: tableDdl(table),
      load: () => copyStdin(client, table.tbl),
    }),
    wirePath(client, {
      id: 'postgres-psql',
      engine: 'PostgreSQL',
      label: "PostgreSQL 15: psql \\copy … with (delimiter '|'), no index",
      short: 'PostgreSQL psql \\copy, no index',
      how: `as Lakeshift's psql path`,
      ddl: noKey,
      load: async () => {
        await psql(endpoint, psqlCopy(table.tbl));
        return {};
      },
    }),
  ];
}

export function duckdbPaths(duck: DuckDBConnection, table: TpchDataTable): LoadPath[] {
  const ddl = tableDdl(table, { primaryKey: false });
  const path = (
    p: Pick<LoadPath, 'id' | 'label' | 'short'>,
    source: string,
    shown: string,
  ): LoadPath => ({
    ...p,
    engine: 'DuckDB',
    how: `\`INSERT INTO ${TABLE} SELECT * FROM ${shown}\`, then \`CHECKPOINT\` (in process, a database file in the work directory)`,
    ddl,
    reset: async () => {
      await duck.run(`DROP TABLE IF EXISTS ${TABLE}`);
      await duck.run(ddl);
    },
    load: async () => {
      const r = await duck.run(`INSERT INTO ${TABLE} SELECT * FROM ${source}`);
      await duck.run('CHECKPOINT');
      return { rows: r.rowsChanged };
    },
    checksum: () => duckdbChecksum(duck, TABLE),
    drop: async () => {
      await duck.run(`DROP TABLE IF EXISTS ${TABLE}`);
      await duck.run('CHECKPOINT');
    },
  });
  return [
    path(
      {
        id: 'duckdb-csv',
        label: 'DuckDB: INSERT … SELECT FROM read_csv',
        short: 'DuckDB read_csv',
      },
      readTblSql(table, table.tbl),
      `read_csv('…/lineitem.tbl', delim = '|', header = false, quote = '', escape = '', columns = {typed as the schema})`,
    ),
    path(
      {
        id: 'duckdb-parquet',
        label: 'DuckDB: INSERT … SELECT FROM read_parquet',
        short: 'DuckDB read_parquet',
      },
      `read_parquet('${table.parquet}')`,
      `read_parquet('…/lineitem.parquet')`,
    ),
  ];
}

/**
 * Why a server refused a load, when it did with an SQLSTATE ("not supported yet: 0A000 …" for
 * feature_not_supported); undefined for any other failure (a bug of the suite or a crash).
 */
export function refusal(e: unknown): string | undefined {
  const err = e as { code?: unknown; message?: unknown };
  const message = String(err.message ?? e).split('\n')[0]!;
  if (typeof err.code === 'string' && /^[0-9A-Z]{5}$/.test(err.code))
    return `${err.code === '0A000' ? 'not supported yet' : 'refused'}: ${err.code} ${message}`;
  if (/^psql exited with \d+: /.test(message)) return `failed: ${message}`;
  return undefined;
}
