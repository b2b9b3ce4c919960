// The catalog's tables, after the DuckLake specification's catalog design (snapshots; schemas,
// tables, columns and views valid from begin_snapshot until end_snapshot, NULL = still current;
// data and delete files; inlined rows; files scheduled for deletion). Written in the SQL subset
// that SQLite and PostgreSQL share. Every read of a versioned table repeats the filter
//   begin_snapshot <= S AND (end_snapshot IS NULL OR end_snapshot > S)
// for its pinned snapshot S (see queries.ts).
import { LakeshiftError, SqlState } from '../../common/errors.js';
import type { CatalogDb } from './db.js';

/**
 * Bumped whenever the catalog layout changes; a catalog written by a newer version is refused,
 * and an older one is upgraded in place when opened (see MIGRATIONS).
 *   1: the first layout.
 *   2: lake_schema, lake_table and lake_view gain `annotation` (free text for the SQL layer);
 *      lake_table_stats gains the row count and time of the last ANALYZE.
 *   3: lake_schema gains `database_id` (schemas belong to one database of the namespace; rows
 *      of older catalogs belong to the first, 1); lake_database gains `attributes`.
 *   4: auto-copy jobs: lake_copy_job and lake_copy_job_file (COPY_JOB_DDL).
 *   5: stored procedures: lake_procedure (PROCEDURE_DDL).
 *   6: materialized views: lake_mv_state (MV_STATE_DDL).
 */
export const CATALOG_FORMAT_VERSION = 6;

export const CATALOG_DDL = `
-- key/value facts about the namespace: format_version, namespace_id, created_at,
-- next_catalog_id, and identity:<column id> (the next index an IDENTITY column hands out, like
-- a sequence: reserved outside transactions, so a rolled-back insert leaves a gap).
CREATE TABLE IF NOT EXISTS lake_metadata (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

-- One row per committed snapshot. The primary key is the commit lock of last resort: two
-- commits can never create the same snapshot id. Ids for new files are handed out from
-- next_file_id of the newest snapshot. (Ids of schemas, tables, views and columns are reserved
-- when the DDL runs, from lake_metadata.next_catalog_id, so staged files can carry them.)
CREATE TABLE IF NOT EXISTS lake_snapshot (
  snapshot_id BIGINT PRIMARY KEY,
  snapshot_time BIGINT NOT NULL,        -- epoch milliseconds
  schema_version BIGINT NOT NULL,       -- bumped by every commit that changes DDL
  next_file_id BIGINT NOT NULL,
  changes TEXT NOT NULL,                -- human-readable summary, e.g. "inserted_into_table:4"
  author TEXT,
  commit_id TEXT                        -- random per commit: finds a commit whose reply was lost
);
CREATE INDEX IF NOT EXISTS lake_snapshot_commit ON lake_snapshot (commit_id);

-- What each snapshot changed, one row per (object, kind): the input of conflict detection and
-- of per-table caches. kind: created, altered, dropped, inserted, deleted, compacted.
CREATE TABLE IF NOT EXISTS lake_snapshot_change (
  snapshot_id BIGINT NOT NULL,
  object_id BIGINT NOT NULL,
  kind TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS lake_snapshot_change_object ON lake_snapshot_change (object_id, snapshot_id);
CREATE INDEX IF NOT EXISTS lake_snapshot_change_kind ON lake_snapshot_change (object_id, kind, snapshot_id);
CREATE INDEX IF NOT EXISTS lake_snapshot_change_snapshot ON lake_snapshot_change (snapshot_id);

-- annotation (here, in lake_table and in lake_view): free text the SQL layer keeps with the
-- object (Redshift attributes such as DISTSTYLE, owner, comment), never read by storage.
-- database_id: the lake_database the schema belongs to (names are unique per database).
CREATE TABLE IF NOT EXISTS lake_schema (
  schema_id BIGINT NOT NULL,
  begin_snapshot BIGINT NOT NULL,
  end_snapshot BIGINT,
  schema_name TEXT NOT NULL,
  annotation TEXT,
  database_id BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX IF NOT EXISTS lake_schema_id ON lake_schema (schema_id);

-- sort_key: JSON array of column ids (Redshift SORTKEY), kept by compaction.
CREATE TABLE IF NOT EXISTS lake_table (
  table_id BIGINT NOT NULL,
  table_uuid TEXT NOT NULL,
  begin_snapshot BIGINT NOT NULL,
  end_snapshot BIGINT,
  schema_id BIGINT NOT NULL,
  table_name TEXT NOT NULL,
  sort_key TEXT,
  annotation TEXT
);
CREATE INDEX IF NOT EXISTS lake_table_id ON lake_table (table_id);
CREATE INDEX IF NOT EXISTS lake_table_name ON lake_table (schema_id, table_name);

-- column_type is a DuckDB logical type (INTEGER, DECIMAL(18,2), VARCHAR ...), and type_annotation
-- is free text for the SQL layer (the declared Redshift type, e.g. VARCHAR(256)).
CREATE TABLE IF NOT EXISTS lake_column (
  column_id BIGINT NOT NULL,
  begin_snapshot BIGINT NOT NULL,
  end_snapshot BIGINT,
  table_id BIGINT NOT NULL,
  column_order BIGINT NOT NULL,
  column_name TEXT NOT NULL,
  column_type TEXT NOT NULL,
  type_annotation TEXT,
  nulls_allowed INTEGER NOT NULL,
  default_value TEXT
);
CREATE INDEX IF NOT EXISTS lake_column_table ON lake_column (table_id);

CREATE TABLE IF NOT EXISTS lake_view (
  view_id BIGINT NOT NULL,
  begin_snapshot BIGINT NOT NULL,
  end_snapshot BIGINT,
  schema_id BIGINT NOT NULL,
  view_name TEXT NOT NULL,
  dialect TEXT NOT NULL,
  sql TEXT NOT NULL,
  column_aliases TEXT,
  annotation TEXT
);
CREATE INDEX IF NOT EXISTS lake_view_name ON lake_view (schema_id, view_name);

-- Parquet data files. Row ids of a file are row_id_start .. row_id_start + record_count - 1.
-- path is relative to the namespace's object store unless path_is_relative = 0 (a clone's
-- files still living in the store of the namespace it was cloned from). The file's columns
-- carry Parquet field ids equal to lake_column.column_id.
CREATE TABLE IF NOT EXISTS lake_data_file (
  data_file_id BIGINT PRIMARY KEY,
  table_id BIGINT NOT NULL,
  begin_snapshot BIGINT NOT NULL,
  end_snapshot BIGINT,
  path TEXT NOT NULL,
  path_is_relative INTEGER NOT NULL,
  record_count BIGINT NOT NULL,
  file_size_bytes BIGINT NOT NULL,
  row_id_start BIGINT NOT NULL,
  checksum TEXT                         -- 'crc32:xxxxxxxx' of the whole file
);
CREATE INDEX IF NOT EXISTS lake_data_file_table ON lake_data_file (table_id, begin_snapshot);

-- Per data file and column: min/max as DuckDB's text form of the value, for file pruning.
CREATE TABLE IF NOT EXISTS lake_file_column_stats (
  data_file_id BIGINT NOT NULL,
  table_id BIGINT NOT NULL,
  column_id BIGINT NOT NULL,
  value_count BIGINT NOT NULL,
  null_count BIGINT NOT NULL,
  min_value TEXT,
  max_value TEXT
);
CREATE INDEX IF NOT EXISTS lake_file_column_stats_file ON lake_file_column_stats (data_file_id);
CREATE INDEX IF NOT EXISTS lake_file_column_stats_table ON lake_file_column_stats (table_id);

-- Positional deletes: a Parquet file (file_path, pos) naming rows of one data file. Each newer
-- delete file of a data file holds all of its deleted positions and ends the previous one.
CREATE TABLE IF NOT EXISTS lake_delete_file (
  delete_file_id BIGINT PRIMARY KEY,
  table_id BIGINT NOT NULL,
  begin_snapshot BIGINT NOT NULL,
  end_snapshot BIGINT,
  data_file_id BIGINT NOT NULL,
  path TEXT NOT NULL,
  path_is_relative INTEGER NOT NULL,
  delete_count BIGINT NOT NULL,
  file_size_bytes BIGINT NOT NULL,
  checksum TEXT
);
CREATE INDEX IF NOT EXISTS lake_delete_file_table ON lake_delete_file (table_id, begin_snapshot);

-- Small writes live here instead of in a Parquet file per statement. row_data is a JSON
-- object from column id to DuckDB's text form of the value (null for NULL), and a column added
-- later is absent and reads as NULL. Flushed into Parquet when a table has many of them.
CREATE TABLE IF NOT EXISTS lake_inlined_row (
  table_id BIGINT NOT NULL,
  row_id BIGINT NOT NULL,
  begin_snapshot BIGINT NOT NULL,
  end_snapshot BIGINT,
  row_data TEXT NOT NULL,
  PRIMARY KEY (table_id, row_id)
);

-- Current (not versioned) per-table counters: the next row id to hand out, how many inlined
-- rows are live (when to flush them into a file), and the live row count and time (epoch ms)
-- of the last ANALYZE (NULL: never analyzed).
CREATE TABLE IF NOT EXISTS lake_table_stats (
  table_id BIGINT PRIMARY KEY,
  next_row_id BIGINT NOT NULL,
  inlined_rows BIGINT NOT NULL,
  analyzed_rows BIGINT,
  analyzed_at BIGINT
);

-- Files no live snapshot reads any more, removed from the object store once no pinned
-- snapshot can read them either. removed_snapshot: the snapshot that ended the file.
CREATE TABLE IF NOT EXISTS lake_file_scheduled_for_deletion (
  path TEXT NOT NULL,
  path_is_relative INTEGER NOT NULL,
  removed_snapshot BIGINT NOT NULL,
  scheduled_at BIGINT NOT NULL
);

-- Snapshots that garbage collection must keep readable: named snapshots, clones made from this
-- namespace, and the oldest snapshot each live process still reads (refreshed by a heartbeat:
-- a pin whose expires_at has passed belongs to a dead process and is ignored).
CREATE TABLE IF NOT EXISTS lake_pin (
  pin_id TEXT PRIMARY KEY,
  snapshot_id BIGINT NOT NULL,
  kind TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  expires_at BIGINT
);
`;

/**
 * Auto-copy jobs (Redshift's COPY ... JOB CREATE, r_COPY-JOB.html): current rows, not versioned
 * by snapshots, changed at once like the directory (see copy-jobs.ts) -- except that an object's
 * 'loaded' row is written by the commit that loads its rows, in the same catalog transaction as
 * the snapshot, which is what makes each object load exactly once. (No semicolons in these
 * comments: the script is split on them.)
 */
export const COPY_JOB_DDL = `
-- One row per job. job_id comes from lake_metadata.next_catalog_id (never reused), names are
-- unique per database. copy_text: the COPY statement as the user wrote it, without its JOB
-- clause. location: its FROM string (the S3 prefix the job watches). auto: 1 = AUTO ON.
-- table_id: the table loaded, as resolved when the job was created (dropping the table does
-- not drop the job: its runs fail). created_at: epoch ms.
CREATE TABLE IF NOT EXISTS lake_copy_job (
  job_id BIGINT PRIMARY KEY,
  job_name TEXT NOT NULL,
  database_id BIGINT NOT NULL,
  owner_user_id BIGINT NOT NULL,
  table_id BIGINT NOT NULL,
  copy_text TEXT NOT NULL,
  location TEXT NOT NULL,
  auto INTEGER NOT NULL,
  created_at BIGINT NOT NULL,
  UNIQUE (database_id, job_name)
);

-- What a job knows of each object of its prefix. status: 'loaded' (written only by the commit
-- that loaded the object's rows, snapshot_id being that commit's snapshot, and never changed
-- afterwards), 'pending' (seen, not loaded yet) or 'failed' (its last attempt failed:
-- last_error). attempts: load attempts made so far, the successful one included.
-- next_attempt_at: epoch ms before which the object is not tried again (NULL = now).
-- object_size (bytes) and object_modified (epoch ms): the object as listed when last recorded.
-- loaded_at: epoch ms of the loading commit, rows_loaded: the rows it added, query_id: the
-- query history id of the COPY that loaded it (NULL when unknown).
CREATE TABLE IF NOT EXISTS lake_copy_job_file (
  job_id BIGINT NOT NULL,
  object_url TEXT NOT NULL,
  object_size BIGINT NOT NULL,
  object_modified BIGINT NOT NULL,
  status TEXT NOT NULL,
  attempts BIGINT NOT NULL,
  last_error TEXT,
  next_attempt_at BIGINT,
  snapshot_id BIGINT,
  loaded_at BIGINT,
  rows_loaded BIGINT,
  query_id BIGINT,
  PRIMARY KEY (job_id, object_url)
);
`;

/**
 * Stored procedures (CREATE PROCEDURE, r_CREATE_PROCEDURE.html), versioned by snapshots like
 * views. (No semicolons in these comments: the script is split on them.)
 */
export const PROCEDURE_DDL = `
-- One row per version of a procedure. A schema may hold several procedures of one name
-- (overloads) as long as their input_types differ: the JSON array of the canonical type texts
-- of the IN and INOUT arguments in order, which is what identifies a procedure among its
-- overloads (OUT arguments do not). arguments: JSON array of every argument in order, each
-- {name (null when unnamed), mode ('in', 'out' or 'inout'), type (canonical type text without
-- modifiers, e.g. 'character varying'), declared (the type as written, e.g. 'varchar(20)'),
-- default (the DEFAULT expression as SQL text, or null)}. body: the source text between its
-- quotes, as written. language: 'plpgsql'. security: 'invoker' or 'definer'. nonatomic: 1 for
-- NONATOMIC. config: JSON array of {name, value} of its SET clauses (NULL for none), value
-- being the setting's text. owner_user_id: the owning lake_user. annotation: free text of the
-- SQL layer, as in lake_view.
CREATE TABLE IF NOT EXISTS lake_procedure (
  procedure_id BIGINT NOT NULL,
  begin_snapshot BIGINT NOT NULL,
  end_snapshot BIGINT,
  schema_id BIGINT NOT NULL,
  procedure_name TEXT NOT NULL,
  input_types TEXT NOT NULL,
  arguments TEXT NOT NULL,
  body TEXT NOT NULL,
  language TEXT NOT NULL,
  security TEXT NOT NULL,
  nonatomic INTEGER NOT NULL,
  config TEXT,
  owner_user_id BIGINT NOT NULL,
  annotation TEXT
);
CREATE INDEX IF NOT EXISTS lake_procedure_id ON lake_procedure (procedure_id);
CREATE INDEX IF NOT EXISTS lake_procedure_name ON lake_procedure (schema_id, procedure_name);
`;

/**
 * What a materialized view's last refresh left behind, versioned by snapshots like the view
 * itself and written by the commit that stores the refreshed rows, so that the rows and what
 * they were computed from (the snapshot the refresh read, a stream's positions) can never
 * disagree, whatever crashes. state: free text of the SQL layer (JSON), never read by storage.
 * A commit that writes a view's state records the change 'refreshed' on the view, so two
 * refreshes of one view conflict (40001) instead of both appending.
 */
export const MV_STATE_DDL = `
CREATE TABLE IF NOT EXISTS lake_mv_state (
  view_id BIGINT NOT NULL,
  begin_snapshot BIGINT NOT NULL,
  end_snapshot BIGINT,
  state TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS lake_mv_state_view ON lake_mv_state (view_id, begin_snapshot);
`;

/** The statements of a DDL script (split on ';', blank parts dropped). */
function statementsOf(script: string): string[] {
  return script.split(';').filter((s) => s.trim() !== '');
}

/**
 * The namespace's directory: databases and users. Not versioned by snapshots (Redshift applies
 * user changes at once). Created with IF NOT EXISTS on every open, so catalogs made before these
 * tables existed gain them.
 */
export const DIRECTORY_DDL = `
-- attributes: JSON object of the SQL layer's database options (connection limit, ...).
CREATE TABLE IF NOT EXISTS lake_database (
  database_id BIGINT PRIMARY KEY,
  database_name TEXT NOT NULL UNIQUE,
  owner_id BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  attributes TEXT
);

-- password: a SCRAM-SHA-256 verifier or an md5 hash, never clear text (NULL = PASSWORD DISABLE).
-- connection_limit NULL = UNLIMITED, valid_until epoch ms or NULL, settings: JSON object of
-- ALTER USER ... SET values.
CREATE TABLE IF NOT EXISTS lake_user (
  user_id BIGINT PRIMARY KEY,
  user_name TEXT NOT NULL UNIQUE,
  password TEXT,
  superuser INTEGER NOT NULL,
  create_db INTEGER NOT NULL,
  connection_limit BIGINT,
  valid_until BIGINT,
  syslog_unrestricted INTEGER NOT NULL,
  session_timeout BIGINT,
  settings TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
`;

/**
 * Upgrades from each older format to the next, run in order inside one catalog transaction.
 * Each step only adds (columns, tables), so what an older catalog recorded reads the same.
 */
const MIGRATIONS: Record<number, string[]> = {
  1: [
    'ALTER TABLE lake_schema ADD COLUMN annotation TEXT',
    'ALTER TABLE lake_table ADD COLUMN annotation TEXT',
    'ALTER TABLE lake_view ADD COLUMN annotation TEXT',
    'ALTER TABLE lake_table_stats ADD COLUMN analyzed_rows BIGINT',
    'ALTER TABLE lake_table_stats ADD COLUMN analyzed_at BIGINT',
  ],
  // lake_database's new column is added with the directory (see upgradeDirectory).
  2: ['ALTER TABLE lake_schema ADD COLUMN database_id BIGINT NOT NULL DEFAULT 1'],
  3: statementsOf(COPY_JOB_DDL),
  4: statementsOf(PROCEDURE_DDL),
  5: statementsOf(MV_STATE_DDL),
};

/** Whether a query runs: tells which tables and columns an older catalog already has. */
function runs(db: CatalogDb, sql: string): Promise<boolean> {
  return db
    .get(sql)
    .then(() => true)
    .catch(() => false);
}

/**
 * Catalogs made before the directory tables existed gain them once, and directories made
 * before lake_database had `attributes` gain the column; opening a current catalog writes
 * nothing.
 */
async function upgradeDirectory(db: CatalogDb): Promise<void> {
  if (!(await runs(db, `SELECT 1 AS x FROM lake_user WHERE 1 = 0`))) {
    await db.write(async (tx) => {
      for (const statement of DIRECTORY_DDL.split(';')) {
        if (statement.trim() !== '') await tx.run(statement);
      }
    });
  }
  if (!(await runs(db, `SELECT attributes FROM lake_database WHERE 1 = 0`))) {
    await db.write((tx) => tx.run(`ALTER TABLE lake_database ADD COLUMN attributes TEXT`));
  }
}

/** Brings a catalog of an older format up to CATALOG_FORMAT_VERSION. */
async function migrateCatalog(db: CatalogDb): Promise<void> {
  await db.write(async (tx) => {
    // Read again under the commit lock: another process may have upgraded it meanwhile.
    const row = await tx.get<{ value: string }>(
      `SELECT value FROM lake_metadata WHERE key = 'format_version'`,
    );
    let version = Number(row?.value);
    while (version < CATALOG_FORMAT_VERSION) {
      for (const statement of MIGRATIONS[version] ?? []) await tx.run(statement);
      version++;
    }
    await tx.run(`UPDATE lake_metadata SET value = ? WHERE key = 'format_version'`, [
      String(version),
    ]);
  });
}

/**
 * Creates the catalog tables and the first snapshot in an empty catalog, or checks that an
 * existing one has a format this build can read.
 */
export async function initCatalog(db: CatalogDb, namespaceId: string): Promise<void> {
  // A catalog of another format is refused before anything is written to it.
  const existing = await db
    .get<{ value: string }>(`SELECT value FROM lake_metadata WHERE key = 'format_version'`)
    .catch(() => undefined);
  if (existing !== undefined) {
    await checkCatalogFormat(db);
    if (Number(existing.value) < CATALOG_FORMAT_VERSION) await migrateCatalog(db);
    await upgradeDirectory(db);
    return;
  }
  await db.write(async (tx) => {
    // Inside the commit lock, so processes opening a new catalog at once do not race.
    const script = `${CATALOG_DDL};${COPY_JOB_DDL};${PROCEDURE_DDL};${MV_STATE_DDL};${DIRECTORY_DDL}`;
    for (const statement of statementsOf(script)) {
      await tx.run(statement);
    }
    const row = await tx.get<{ value: string }>(
      `SELECT value FROM lake_metadata WHERE key = 'format_version'`,
    );
    if (row !== undefined) return;
    const now = Date.now();
    const facts: [string, string][] = [
      ['format_version', String(CATALOG_FORMAT_VERSION)],
      ['namespace_id', namespaceId],
      ['created_at', String(now)],
      ['next_catalog_id', '1'],
    ];
    for (const [key, value] of facts) {
      await tx.run(`INSERT INTO lake_metadata (key, value) VALUES (?, ?)`, [key, value]);
    }
    await tx.run(
      `INSERT INTO lake_snapshot (snapshot_id, snapshot_time, schema_version, next_file_id,
         changes, author) VALUES (0, ?, 0, 1, 'created_namespace', NULL)`,
      [now],
    );
  });
  await checkCatalogFormat(db);
}

export async function checkCatalogFormat(db: CatalogDb): Promise<void> {
  const row = await db.get<{ value: string }>(
    `SELECT value FROM lake_metadata WHERE key = 'format_version'`,
  );
  const version = Number(row?.value);
  if (!Number.isInteger(version)) {
    throw new LakeshiftError(
      SqlState.dataCorrupted,
      `the catalog at ${db.location} has no readable format_version in lake_metadata`,
      { hint: 'Point --catalog at a Lakeshift catalog, or at an empty database to create one.' },
    );
  }
  if (version > CATALOG_FORMAT_VERSION) {
    throw new LakeshiftError(
      SqlState.featureNotSupported,
      `the catalog at ${db.location} has format version ${version}, newer than this Lakeshift reads (${CATALOG_FORMAT_VERSION})`,
      {
        hint: 'Upgrade Lakeshift to a release that reads this catalog format; do not write to it with this one.',
      },
    );
  }
}
