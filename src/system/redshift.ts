// Redshift's own system views (PG_TABLE_DEF, SVV_*, STV_*, STL_*, SYS_*), with the column names
// and types the Amazon Redshift Database Developer Guide lists (each def links its page). Like
// in Redshift they live in pg_catalog, so unqualified names resolve to them. Timestamps are UTC
// TIMESTAMP (without time zone), as Redshift's system tables store them; character(n) columns
// are VARCHAR here (not blank-padded).
import type { DatabaseInfo, RelationInfo, SystemCatalogSource } from './input.js';
import { columnTypeFacts } from './information-schema.js';
import { relationOid } from './oids.js';
import { formatType } from './format-type.js';
import { procRows, REDSHIFT_EXTRA_COLUMNS } from './pg-catalog.js';
import { PG15_RELATIONS } from './pg-data.generated.js';
import { routineInputTypes, routineResultType } from './routines.js';
import { columnsOf, defineRelation, type Row, type SystemRelationDef } from './sql.js';

const DOC = 'https://docs.aws.amazon.com/redshift/latest/dg/';

export function redshiftView(
  name: string,
  page: string,
  columns: readonly (readonly [string, string])[],
  rows: (source: SystemCatalogSource) => Promise<Row[]> | Row[],
): SystemRelationDef {
  return defineRelation('pg_catalog', name, 'v', DOC + page, columnsOf(columns), rows);
}

export const TS = 'timestamp without time zone';

/** How SVV_REDSHIFT_DATABASES and STV_DB_ISOLATION_LEVEL name a database's isolation level. */
function isolationText(d: DatabaseInfo): string {
  return d.isolation === 'snapshot' ? 'Snapshot Isolation' : 'Serializable';
}

/** Redshift's DISTSTYLE text for SVV_TABLE_INFO: EVEN, KEY(col), ALL, AUTO(KEY(col)) ... */
function diststyleText(r: RelationInfo): string | null {
  const style = r.table?.diststyle;
  if (!style) return null;
  const key = r.columns.find((c) => c.distkey)?.name;
  if (style === 'KEY') return `KEY(${key ?? ''})`;
  if (style === 'AUTO(KEY)') return `AUTO(KEY(${key ?? ''}))`;
  return style;
}

/** SVV_TABLE_INFO.sortkey1: the key's first column, AUTO(SORTKEY) or AUTO(SORTKEY(column)). */
function sortkey1Text(
  type: NonNullable<RelationInfo['table']>['sortkeyType'],
  firstColumn: string | undefined,
): string | null {
  if (type === 'auto') return firstColumn ? `AUTO(SORTKEY(${firstColumn}))` : 'AUTO(SORTKEY)';
  return firstColumn ?? null;
}

/**
 * SVV_TABLE_INFO.stats_off: how stale the statistics are, 0 (current) to 100 (out of date or
 * never analyzed): the share of rows that changed since the last ANALYZE.
 */
function statsOff(rows: number, analyzed: number | null | undefined): number {
  if (analyzed === null || analyzed === undefined) return 100;
  if (rows === analyzed) return 0;
  return Math.min(100, Math.round((Math.abs(rows - analyzed) / Math.max(rows, 1)) * 10000) / 100);
}

async function commentsByRelation(source: SystemCatalogSource): Promise<Map<string, string>> {
  const map = new Map<string, string>();
  for (const c of await source.comments()) {
    if (c.object.kind === 'relation') {
      map.set(`${c.object.relationId}:${c.object.attnum}`, c.description);
    }
  }
  return map;
}

/** Every column of every relation with the facts SVV_COLUMNS and SVV_ALL_COLUMNS share. */
async function columnRows(source: SystemCatalogSource) {
  const db = (await source.session()).databaseName;
  const comments = await commentsByRelation(source);
  return (await source.relations()).flatMap((r) =>
    r.columns.map((c) => {
      const f = columnTypeFacts(c.typeOid, c.typmod);
      return {
        database: db,
        schema: r.schemaName,
        table: r.name,
        radix: f.numeric_precision_radix,
        datetimePrecision: f.datetime_precision,
        facts: {
          column_name: c.name,
          ordinal_position: c.attnum,
          column_default: c.defaultExpr,
          is_nullable: c.notNull ? 'NO' : 'YES',
          data_type: f.data_type,
          character_maximum_length: f.character_maximum_length,
          numeric_precision: f.numeric_precision,
          numeric_scale: f.numeric_scale,
          remarks: comments.get(`${r.id}:${c.attnum}`) ?? null,
        },
      };
    }),
  );
}

const micros = (start: Date, end: Date | null): number =>
  end === null ? 0 : Math.max(0, Math.round((end.getTime() - start.getTime()) * 1000));

/** PG_PROC_INFO's columns: PG_PROC's, with `oid` called `prooid` (r_PG_PROC_INFO). */
const PROC_INFO_COLUMNS = [
  ...PG15_RELATIONS['pg_catalog.pg_proc']!.columns.map(([name, type]) => [name, type] as const),
  ...(REDSHIFT_EXTRA_COLUMNS['pg_catalog.pg_proc'] ?? []),
].map(([name, type]) => [name === 'oid' ? 'prooid' : name, type] as const);

export const REDSHIFT_RELATIONS: readonly SystemRelationDef[] = [
  redshiftView('pg_proc_info', 'r_PG_PROC_INFO.html', PROC_INFO_COLUMNS, async (source) =>
    (await procRows(source)).map(({ oid, ...rest }) => ({ prooid: oid, ...rest })),
  ),
  redshiftView(
    'svv_redshift_functions',
    'r_SVV_REDSHIFT_FUNCTIONS.html',
    [
      ['database_name', 'character varying(128)'],
      ['schema_name', 'character varying(128)'],
      ['function_name', 'character varying(128)'],
      ['function_type', 'character varying(128)'],
      ['argument_type', 'character varying(512)'],
      ['result_type', 'character varying(128)'],
    ],
    // The lake's own routines (stored procedures); built-in functions are not listed.
    async (source) => {
      const database = (await source.session()).databaseName;
      return (await source.procedures()).map((r) => ({
        database_name: database,
        schema_name: r.schemaName,
        function_name: r.name,
        function_type: 'STORED PROCEDURE',
        argument_type: routineInputTypes(r),
        result_type: formatType(routineResultType(r), null),
      }));
    },
  ),
  redshiftView(
    'pg_table_def',
    'r_PG_TABLE_DEF.html',
    [
      ['schemaname', 'name'],
      ['tablename', 'name'],
      ['column', 'name'],
      ['type', 'text'],
      ['encoding', 'character(32)'],
      ['distkey', 'boolean'],
      ['sortkey', 'integer'],
      ['notnull', 'boolean'],
    ],
    async (source) => {
      // Only tables in schemas on the search path (as Redshift documents).
      const path = new Set((await source.session()).searchPath);
      return (await source.relations())
        .filter((r) => r.kind === 'r' && path.has(r.schemaName))
        .flatMap((r) =>
          r.columns.map((c) => ({
            schemaname: r.schemaName,
            tablename: r.name,
            column: c.name,
            type: formatType(c.typeOid, c.typmod),
            encoding: c.encoding,
            distkey: c.distkey,
            sortkey: c.sortkeyPosition,
            notnull: c.notNull,
          })),
        );
    },
  ),
  redshiftView(
    'svv_table_info',
    'r_SVV_TABLE_INFO.html',
    [
      ['database', 'text'],
      ['schema', 'text'],
      ['table_id', 'oid'],
      ['table', 'text'],
      ['encoded', 'text'],
      ['diststyle', 'text'],
      ['sortkey1', 'text'],
      ['max_varchar', 'integer'],
      ['sortkey1_enc', 'character(32)'],
      ['sortkey_num', 'integer'],
      ['size', 'bigint'],
      ['pct_used', 'numeric(10,4)'],
      ['empty', 'bigint'],
      ['unsorted', 'numeric(5,2)'],
      ['stats_off', 'numeric(5,2)'],
      ['tbl_rows', 'numeric(38,0)'],
      ['skew_sortkey1', 'numeric(19,2)'],
      ['skew_rows', 'numeric(19,2)'],
      ['estimated_visible_rows', 'numeric(38,0)'],
      ['risk_event', 'text'],
      ['vacuum_sort_benefit', 'numeric(12,2)'],
      ['create_time', TS],
    ],
    async (source) => {
      const db = (await source.session()).databaseName;
      // "SVV_TABLE_INFO doesn't return any information for empty tables."
      return (await source.relations())
        .filter(
          (r) =>
            r.kind === 'r' &&
            r.table &&
            (r.table.storedRows ?? r.table.rowCount) > 0 &&
            !r.temporary,
        )
        .map((r) => {
          const t = r.table!;
          const sortCols = r.columns
            .filter((c) => c.sortkeyPosition !== 0)
            .sort((a, b) => Math.abs(a.sortkeyPosition) - Math.abs(b.sortkeyPosition));
          const first = sortCols[0];
          const varchars = r.columns.filter((c) => c.typeOid === 1043 && c.typmod >= 4);
          const encoded = r.columns.some((c) => !['raw', 'none'].includes(c.encoding)) ? 'Y' : 'N';
          return {
            database: db,
            schema: r.schemaName,
            table_id: relationOid(r.id),
            table: r.name,
            encoded: t.encodeAuto ? `${encoded}, AUTO(ENCODE)` : encoded,
            diststyle: diststyleText(r),
            sortkey1: sortkey1Text(t.sortkeyType, first?.name),
            max_varchar: varchars.length ? Math.max(...varchars.map((c) => c.typmod - 4)) : 0,
            sortkey1_enc: first?.encoding ?? null,
            sortkey_num: sortCols.length,
            size: Math.ceil(t.sizeBytes / (1024 * 1024)),
            pct_used: 0,
            empty: 0,
            unsorted: sortCols.length ? 0 : null,
            stats_off: statsOff(t.rowCount, t.analyzedRows),
            // Deleted rows count until VACUUM; estimated_visible_rows leaves them out.
            tbl_rows: t.storedRows ?? t.rowCount,
            skew_sortkey1: null,
            skew_rows: null,
            estimated_visible_rows: t.rowCount,
            risk_event: null,
            vacuum_sort_benefit: null,
            create_time: t.createTime ?? null,
          };
        });
    },
  ),
  redshiftView(
    'svv_tables',
    'r_SVV_TABLES.html',
    [
      ['table_catalog', 'text'],
      ['table_schema', 'text'],
      ['table_name', 'text'],
      ['table_type', 'text'],
      ['remarks', 'text'],
    ],
    async (source) => {
      const db = (await source.session()).databaseName;
      const comments = await commentsByRelation(source);
      return (await source.relations()).map((r) => ({
        table_catalog: db,
        table_schema: r.schemaName,
        table_name: r.name,
        table_type: r.kind === 'v' ? 'VIEW' : 'BASE TABLE',
        remarks: comments.get(`${r.id}:0`) ?? null,
      }));
    },
  ),
  redshiftView(
    'svv_all_tables',
    'r_SVV_ALL_TABLES.html',
    [
      ['database_name', 'character varying(128)'],
      ['schema_name', 'character varying(128)'],
      ['table_name', 'character varying(128)'],
      ['table_type', 'character varying(128)'],
      ['table_acl', 'character varying(128)'],
      ['remarks', 'character varying(128)'],
    ],
    async (source) => {
      const db = (await source.session()).databaseName;
      const comments = await commentsByRelation(source);
      return (await source.relations()).map((r) => ({
        database_name: db,
        schema_name: r.schemaName,
        table_name: r.name,
        table_type: r.kind === 'v' ? 'VIEW' : 'TABLE',
        table_acl: r.acl ? r.acl.join(',') : null,
        remarks: comments.get(`${r.id}:0`) ?? null,
      }));
    },
  ),
  redshiftView(
    'svv_columns',
    'r_SVV_COLUMNS.html',
    [
      ['table_catalog', 'text'],
      ['table_schema', 'text'],
      ['table_name', 'text'],
      ['column_name', 'text'],
      ['ordinal_position', 'integer'],
      ['column_default', 'text'],
      ['is_nullable', 'text'],
      ['data_type', 'text'],
      ['character_maximum_length', 'integer'],
      ['numeric_precision', 'integer'],
      ['numeric_precision_radix', 'integer'],
      ['numeric_scale', 'integer'],
      ['datetime_precision', 'integer'],
      ['interval_type', 'text'],
      ['interval_precision', 'text'],
      ['character_set_catalog', 'text'],
      ['character_set_schema', 'text'],
      ['character_set_name', 'text'],
      ['collation_catalog', 'text'],
      ['collation_schema', 'text'],
      ['collation_name', 'text'],
      ['domain_name', 'text'],
      ['remarks', 'text'],
    ],
    async (source) =>
      (await columnRows(source)).map((c) => ({
        table_catalog: c.database,
        table_schema: c.schema,
        table_name: c.table,
        ...c.facts,
        numeric_precision_radix: c.radix,
        datetime_precision: c.datetimePrecision,
      })),
  ),
  redshiftView(
    'svv_all_columns',
    'r_SVV_ALL_COLUMNS.html',
    [
      ['database_name', 'character varying(128)'],
      ['schema_name', 'character varying(128)'],
      ['table_name', 'character varying(128)'],
      ['column_name', 'character varying(128)'],
      ['ordinal_position', 'integer'],
      ['column_default', 'character varying(4000)'],
      ['is_nullable', 'character varying(3)'],
      ['data_type', 'character varying(128)'],
      ['character_maximum_length', 'integer'],
      ['numeric_precision', 'integer'],
      ['numeric_scale', 'integer'],
      ['remarks', 'character varying(256)'],
    ],
    async (source) =>
      (await columnRows(source)).map((c) => ({
        database_name: c.database,
        schema_name: c.schema,
        table_name: c.table,
        ...c.facts,
      })),
  ),
  redshiftView(
    'svv_user_info',
    'r_SVV_USER_INFO.html',
    [
      ['user_name', 'text'],
      ['user_id', 'integer'],
      ['createdb', 'boolean'],
      ['superuser', 'boolean'],
      ['catalog_update', 'boolean'],
      ['connection_limit', 'text'],
      ['syslog_access', 'text'],
      ['last_ddl_timestamp', TS],
      ['session_timeout', 'integer'],
      ['external_user_id', 'text'],
    ],
    async (source) =>
      (await source.users()).map((u) => ({
        user_name: u.name,
        user_id: u.usesysid,
        createdb: u.createdb,
        superuser: u.superuser,
        catalog_update: false,
        connection_limit: u.connectionLimit < 0 ? 'UNLIMITED' : String(u.connectionLimit),
        syslog_access: u.syslogAccess,
        last_ddl_timestamp: null,
        session_timeout: u.sessionTimeout ?? 0,
        external_user_id: null,
      })),
  ),
  redshiftView(
    'svv_redshift_databases',
    'r_SVV_REDSHIFT_DATABASES.html',
    [
      ['database_name', 'character varying(128)'],
      ['database_owner', 'integer'],
      ['database_type', 'character varying(32)'],
      ['database_acl', 'character varying(128)'],
      ['database_options', 'character varying(128)'],
      ['database_isolation_level', 'character varying(128)'],
    ],
    async (source) =>
      (await source.databases()).map((d) => ({
        database_name: d.name,
        database_owner: d.ownerUserId,
        database_type: 'local',
        database_acl: null,
        database_options: null,
        database_isolation_level: isolationText(d),
      })),
  ),
  redshiftView(
    'stv_db_isolation_level',
    'r_STV_DB_ISOLATION_LEVEL.html',
    [
      ['db_name', 'character(128)'],
      ['isolation_level', 'character(20)'],
    ],
    async (source) =>
      (await source.databases()).map((d) => ({
        db_name: d.name,
        isolation_level: isolationText(d),
      })),
  ),
  redshiftView(
    'stv_sessions',
    'r_STV_SESSIONS.html',
    [
      ['starttime', TS],
      ['process', 'integer'],
      ['user_name', 'character(50)'],
      ['db_name', 'character(50)'],
      ['session_timeout', 'integer'],
    ],
    async (source) => {
      const timeouts = new Map((await source.users()).map((u) => [u.usesysid, u.sessionTimeout]));
      return (await source.sessions()).map((s) => ({
        starttime: s.startTime,
        process: s.pid,
        user_name: s.userName,
        db_name: s.databaseName,
        session_timeout: timeouts.get(s.userId) ?? 0,
      }));
    },
  ),
  redshiftView(
    'stv_recents',
    'r_STV_RECENTS.html',
    [
      ['userid', 'integer'],
      ['status', 'character(20)'],
      ['starttime', TS],
      ['duration', 'integer'],
      ['user_name', 'character(50)'],
      ['db_name', 'character(50)'],
      ['query', 'character(600)'],
      ['pid', 'integer'],
    ],
    async (source) => {
      const names = new Map((await source.users()).map((u) => [u.usesysid, u.name]));
      return (await source.queryHistory()).map((q) => ({
        userid: q.userId,
        status: ['running', 'returning', 'planning'].includes(q.status) ? 'Running' : 'Done',
        starttime: q.startTime,
        duration: Math.min(micros(q.startTime, q.endTime ?? new Date()), 2 ** 31 - 1),
        user_name: names.get(q.userId) ?? null,
        db_name: q.databaseName,
        query: q.queryText.slice(0, 600),
        pid: q.sessionId,
      }));
    },
  ),
  redshiftView(
    'sys_query_history',
    'SYS_QUERY_HISTORY.html',
    [
      ['user_id', 'integer'],
      ['query_id', 'bigint'],
      ['query_label', 'character(320)'],
      ['transaction_id', 'bigint'],
      ['session_id', 'integer'],
      ['database_name', 'character(128)'],
      ['query_type', 'character(32)'],
      ['status', 'character(10)'],
      ['result_cache_hit', 'boolean'],
      ['start_time', TS],
      ['end_time', TS],
      ['elapsed_time', 'bigint'],
      ['queue_time', 'bigint'],
      ['execution_time', 'bigint'],
      ['error_message', 'character(512)'],
      ['returned_rows', 'bigint'],
      ['returned_bytes', 'bigint'],
      ['query_text', 'character(4000)'],
      ['redshift_version', 'character(256)'],
      ['usage_limit', 'character(150)'],
      ['compute_type', 'character varying(32)'],
      ['compile_time', 'bigint'],
      ['planning_time', 'bigint'],
      ['lock_wait_time', 'bigint'],
      ['service_class_id', 'integer'],
      ['service_class_name', 'character(64)'],
      ['query_priority', 'character(20)'],
      ['short_query_accelerated', 'character(10)'],
      ['user_query_hash', 'character(40)'],
      ['generic_query_hash', 'character(40)'],
      ['query_hash_version', 'integer'],
      ['result_cache_query_id', 'bigint'],
    ],
    async (source) =>
      (await source.queryHistory()).map((q) => ({
        user_id: q.userId,
        query_id: q.queryId,
        query_label: q.queryLabel,
        transaction_id: q.transactionId,
        session_id: q.sessionId,
        database_name: q.databaseName,
        query_type: q.queryType,
        status: q.status,
        result_cache_hit: q.resultCacheHit,
        start_time: q.startTime,
        end_time: q.endTime,
        elapsed_time: q.elapsedTime,
        queue_time: q.queueTime,
        execution_time: q.executionTime,
        error_message: q.errorMessage,
        returned_rows: q.returnedRows,
        returned_bytes: q.returnedBytes,
        query_text: q.queryText.slice(0, 4000),
        redshift_version: q.serverVersion,
        usage_limit: null,
        compute_type: 'primary',
        compile_time: 0,
        planning_time: null,
        lock_wait_time: null,
        service_class_id: null,
        service_class_name: null,
        query_priority: null,
        short_query_accelerated: null,
        user_query_hash: q.userQueryHash ?? null,
        generic_query_hash: q.genericQueryHash ?? null,
        query_hash_version: q.userQueryHash ? 1 : null,
        result_cache_query_id: null,
      })),
  ),
  redshiftView(
    'stl_query',
    'r_STL_QUERY.html',
    [
      ['userid', 'integer'],
      ['query', 'integer'],
      ['label', 'character(320)'],
      ['xid', 'bigint'],
      ['pid', 'integer'],
      ['database', 'character(32)'],
      ['querytxt', 'character(4000)'],
      ['starttime', TS],
      ['endtime', TS],
      ['aborted', 'integer'],
      ['insert_pristine', 'integer'],
      ['concurrency_scaling_status', 'integer'],
    ],
    async (source) =>
      (await source.queryHistory())
        // STL_QUERY records finished queries (STV_RECENTS has the running ones).
        .filter((q) => ['success', 'failed', 'canceled'].includes(q.status))
        .map((q) => ({
          userid: q.userId,
          query: q.queryId,
          label: q.queryLabel === '' ? 'default' : q.queryLabel,
          xid: q.transactionId,
          pid: q.sessionId,
          database: q.databaseName,
          querytxt: q.queryText.slice(0, 4000),
          starttime: q.startTime,
          endtime: q.endTime,
          aborted: q.status === 'success' ? 0 : 1,
          insert_pristine: 0,
          concurrency_scaling_status: 0,
        })),
  ),
  redshiftView(
    'stl_connection_log',
    'r_STL_CONNECTION_LOG.html',
    [
      ['event', 'character(50)'],
      ['recordtime', TS],
      ['remotehost', 'character(45)'],
      ['remoteport', 'character(32)'],
      ['pid', 'integer'],
      ['dbname', 'character(50)'],
      ['username', 'character(50)'],
      ['authmethod', 'character(32)'],
      ['duration', 'integer'],
      ['sslversion', 'character(50)'],
      ['sslcipher', 'character(128)'],
      ['mtu', 'integer'],
      ['sslcompression', 'character(64)'],
      ['sslexpansion', 'character(64)'],
      ['iamauthguid', 'character(36)'],
      ['application_name', 'character(250)'],
      ['os_version', 'character(64)'],
      ['driver_version', 'character(64)'],
      ['plugin_name', 'character(32)'],
      ['protocol_version', 'integer'],
      ['sessionid', 'character(36)'],
      ['compression', 'character(128)'],
    ],
    async (source) =>
      (await source.connectionLog()).map((c) => ({
        event: c.event,
        recordtime: c.recordTime,
        remotehost: c.remoteHost,
        remoteport: String(c.remotePort),
        pid: c.pid,
        dbname: c.databaseName,
        username: c.userName,
        authmethod: c.authMethod,
        duration: Math.min(c.duration, 2 ** 31 - 1),
        sslversion: c.sslVersion,
        sslcipher: c.sslCipher,
        mtu: 0,
        sslcompression: '',
        sslexpansion: '',
        iamauthguid: '',
        application_name: c.applicationName,
        os_version: c.osVersion,
        driver_version: c.driverVersion,
        plugin_name: c.pluginName ?? '',
        protocol_version: c.protocolVersion ?? 0,
        sessionid: c.sessionId ?? '',
        compression: c.compression ?? '',
      })),
  ),
  redshiftView(
    'sys_connection_log',
    'SYS_CONNECTION_LOG.html',
    [
      ['event', 'character(50)'],
      ['record_time', TS],
      ['remote_host', 'character(45)'],
      ['remote_port', 'character(32)'],
      ['session_id', 'integer'],
      ['database_name', 'character(50)'],
      ['user_name', 'character(50)'],
      ['auth_method', 'character(32)'],
      ['duration', 'integer'],
      ['ssl_version', 'character(50)'],
      ['ssl_cipher', 'character(128)'],
      ['mtu', 'integer'],
      ['ssl_compression', 'character(64)'],
      ['ssl_expansion', 'character(64)'],
      ['iam_auth_guid', 'character(36)'],
      ['application_name', 'character(250)'],
      ['driver_version', 'character(64)'],
      ['os_version', 'character(64)'],
      ['plugin_name', 'character(32)'],
      ['protocol_version', 'integer'],
      ['session_guid', 'character(36)'],
      ['compression', 'character(128)'],
    ],
    async (source) =>
      (await source.connectionLog()).map((c) => ({
        event: c.event,
        record_time: c.recordTime,
        remote_host: c.remoteHost,
        remote_port: String(c.remotePort),
        session_id: c.pid,
        database_name: c.databaseName,
        user_name: c.userName,
        auth_method: c.authMethod,
        duration: Math.min(c.duration, 2 ** 31 - 1),
        ssl_version: c.sslVersion,
        ssl_cipher: c.sslCipher,
        mtu: 0,
        ssl_compression: '',
        ssl_expansion: '',
        iam_auth_guid: '',
        application_name: c.applicationName,
        driver_version: c.driverVersion,
        os_version: c.osVersion,
        plugin_name: c.pluginName ?? '',
        protocol_version: c.protocolVersion ?? 0,
        session_guid: c.sessionId ?? '',
        compression: c.compression ?? '',
      })),
  ),
];
