// What the system relations read: a typed snapshot of the catalog and of the server's sessions and
// logs, which the session room implements (SystemCatalogSource). Every method returns plain data;
// nothing here knows SQL text. OIDs are assigned by src/system/oids.ts from the ids carried here,
// so the session passes catalog ids, never OIDs.

/** Ids are the catalog's own ids (stable across restarts); oids.ts turns them into OIDs. */
export interface DatabaseInfo {
  id: number;
  name: string;
  ownerUserId: number;
  /** -1 = UNLIMITED. */
  connectionLimit: number;
  isolation: 'serializable' | 'snapshot';
}

export interface SchemaInfo {
  id: number;
  name: string;
  ownerUserId: number;
  /** Access privileges as aclitem text ("user=UC/owner"), or null for the default. */
  acl: string[] | null;
}

export interface ColumnInfo {
  /** 1-based position. */
  attnum: number;
  name: string;
  /** PostgreSQL type OID of the column as clients see it (23 int4, 1043 varchar, 1700 numeric ...). */
  typeOid: number;
  /** pg_attribute.atttypmod: varchar(n) → n + 4, numeric(p,s) → ((p << 16) | s) + 4, -1 for none. */
  typmod: number;
  notNull: boolean;
  /** Default expression as SQL text, or null. */
  defaultExpr: string | null;
  /** The declared Redshift type text, e.g. "character varying(256)", "numeric(12,2)". */
  redshiftType: string;
  /** Redshift compression encoding (raw, az64, lzo, zstd, bytedict, runlength, none ...). */
  encoding: string;
  /** True for the table's DISTKEY column. */
  distkey: boolean;
  /** 1-based position in a compound sort key, negative in an interleaved one, 0 when none. */
  sortkeyPosition: number;
}

export type DistStyle = 'EVEN' | 'KEY' | 'ALL' | 'AUTO(EVEN)' | 'AUTO(ALL)' | 'AUTO(KEY)';

/** An informational constraint (Redshift does not enforce primary, unique or foreign keys). */
export interface ConstraintInfo {
  id: number;
  name: string;
  kind: 'p' | 'u' | 'f';
  /** attnums of the constrained columns. */
  columns: number[];
  /** For foreign keys: the referenced relation id and its attnums. */
  references?: { relationId: number; columns: number[] };
}

export interface RelationInfo {
  id: number;
  schemaId: number;
  schemaName: string;
  name: string;
  /**
   * 'r' ordinary table, 'v' view. Temporary tables are 'r' with temporary = true and belong to
   * the session's temporary schema (pg_temp_<n>), which schemas() lists.
   */
  kind: 'r' | 'v';
  temporary: boolean;
  ownerUserId: number;
  columns: ColumnInfo[];
  /** Tables: DISTSTYLE, sort key column names in order, row estimate, size in bytes. */
  table?: {
    diststyle: DistStyle;
    sortkey: string[];
    /**
     * 'compound' | 'interleaved', 'auto' for SORTKEY AUTO (with or without a key chosen),
     * null when there is no sort key.
     */
    sortkeyType: 'compound' | 'interleaved' | 'auto' | null;
    /** ENCODE AUTO: Redshift manages the encodings. */
    encodeAuto?: boolean;
    /** Live rows the last ANALYZE saw (null: never analyzed). */
    analyzedRows?: number | null;
    /** Rows stored, deleted ones not yet vacuumed included (rowCount when absent). */
    storedRows?: number;
    /** When the table was created, when known. */
    createTime?: Date | null;
    rowCount: number;
    sizeBytes: number;
    /** Number of Parquet data files (for svv_table_info-like statistics). */
    fileCount?: number;
  };
  /** Views: the definition text (the SELECT). */
  view?: { definition: string };
  constraints?: ConstraintInfo[];
  acl?: string[] | null;
}

/** A stored procedure (pg_proc rows with prokind 'p', information_schema.routines ...). */
export interface RoutineInfo {
  id: number;
  schemaId: number;
  schemaName: string;
  name: string;
  ownerUserId: number;
  /** Every argument in order. */
  arguments: {
    name: string | null;
    mode: 'in' | 'out' | 'inout';
    /** PostgreSQL type OID of its type (1790 refcursor ...). */
    typeOid: number;
    /** The DEFAULT expression as SQL text, or null. */
    default: string | null;
  }[];
  /** The body as written. */
  source: string;
  language: 'plpgsql';
  securityDefiner: boolean;
  /** SET clauses, as pg_proc.proconfig holds them: `name=value`. */
  config: string[];
}

export interface UserInfo {
  usesysid: number;
  name: string;
  superuser: boolean;
  createdb: boolean;
  passwordSet: boolean;
  /** Password expiry, or null for never. */
  validUntil: Date | null;
  /** -1 for unlimited. */
  connectionLimit: number;
  /** Redshift SYSLOG ACCESS: 'RESTRICTED' | 'UNRESTRICTED'. */
  syslogAccess: 'RESTRICTED' | 'UNRESTRICTED';
  /** Redshift session timeout in seconds, 0 for none. */
  sessionTimeout?: number;
}

/** What a comment is attached to, with the id the catalog uses for it. */
export interface CommentInfo {
  object:
    | {
        kind: 'relation';
        relationId: number;
        /** 0 for the relation, attnum for a column. */ attnum: number;
      }
    | { kind: 'schema'; schemaId: number }
    | { kind: 'database'; databaseId: number };
  description: string;
}

export interface SettingInfo {
  name: string;
  value: string;
  unit: string | null;
  category: string;
  shortDesc: string;
  extraDesc?: string | null;
  /** internal | postmaster | sighup | superuser-backend | backend | superuser | user */
  context: string;
  /** bool | integer | real | string | enum */
  vartype: string;
  /** default | configuration file | session | client | override ... */
  source: string;
  minVal?: string | null;
  maxVal?: string | null;
  enumVals?: string[] | null;
  bootVal?: string | null;
  resetVal?: string | null;
  pendingRestart?: boolean;
}

export interface SessionActivity {
  pid: number;
  userId: number;
  userName: string;
  databaseName: string;
  startTime: Date;
  applicationName: string;
  remoteHost: string | null;
  remotePort: number | null;
  /** 'active' | 'idle' | 'idle in transaction' ... */
  state: string;
  /** The current or last statement. */
  query: string;
  queryStart: Date | null;
  stateChange: Date | null;
  transactionStart: Date | null;
}

/** One statement of SYS_QUERY_HISTORY / STL_QUERY. */
export interface QueryHistoryRow {
  userId: number;
  queryId: number;
  transactionId: number;
  sessionId: number;
  databaseName: string;
  /** SELECT | INSERT | UPDATE | DELETE | COPY | UNLOAD | DDL | UTILITY | CTAS | COMMAND */
  queryType: string;
  /** planning | queued | running | returning | failed | canceled | success */
  status: string;
  resultCacheHit: boolean;
  startTime: Date;
  endTime: Date | null;
  /** Microseconds. */
  queueTime: number;
  executionTime: number;
  elapsedTime: number;
  errorMessage: string | null;
  returnedRows: number;
  returnedBytes: number;
  queryText: string;
  queryLabel: string;
  /** Lakeshift's version string as stored in the redshift_version column. */
  serverVersion: string;
  userQueryHash?: string;
  genericQueryHash?: string;
}

export interface ConnectionLogRow {
  event:
    'initiating session' | 'authenticated' | 'authentication failure' | 'disconnecting session';
  recordTime: Date;
  remoteHost: string;
  remotePort: number;
  pid: number;
  databaseName: string;
  userName: string;
  /** password | md5 | scram-sha-256 | trust | IAM ... */
  authMethod: string;
  /** Microseconds, for 'disconnecting session'. */
  duration: number;
  sslVersion: string;
  sslCipher: string;
  applicationName: string;
  osVersion: string;
  driverVersion: string;
  pluginName?: string;
  protocolVersion?: number;
  sessionId?: string;
  compression?: string;
}

/** The session that runs the query: session-level values the functions answer from. */
export interface SessionContext {
  userId: number;
  userName: string;
  /** session_user (differs from current_user under SET SESSION AUTHORIZATION). */
  sessionUserName: string;
  superuser: boolean;
  databaseId: number;
  databaseName: string;
  /** The search path resolved to existing schemas, in order (without pg_catalog). */
  searchPath: string[];
  /** Backend process id the client sees (pg_backend_pid()). */
  pid: number;
  /** Server start time (pg_postmaster_start_time()). */
  serverStartTime: Date;
  /** Lakeshift version, e.g. "0.1.0". */
  serverVersion: string;
  /** The current transaction's id (txid_current()), when one is assigned. */
  transactionId?: number;
  /** The query id of the session's last finished statement (pg_last_query_id()), -1 for none. */
  lastQueryId?: number;
  /** The session's last COPY: its query id and rows loaded (pg_last_copy_id/count()), -1/0 for none. */
  lastCopyId?: number;
  lastCopyCount?: number;
}

// ---- loads (COPY), for SYS_LOAD_HISTORY, STL_LOAD_COMMITS, STL_LOAD_ERRORS and kin ----

/** Which COPY a load record belongs to: its statement, session, table and copy job. */
export interface LoadIdentity {
  queryId: number;
  userId: number;
  sessionId: number;
  transactionId: number;
  databaseName: string;
  tableId: number;
  copyJobId: number | null;
}

/** One COPY (SYS_LOAD_HISTORY, STV_LOAD_STATE while it runs). */
export interface LoadRecord extends LoadIdentity {
  tableName: string;
  status: 'running' | 'completed' | 'failed';
  startTime: Date;
  endTime: Date | null;
  /** The FROM location (or manifest). */
  dataSource: string;
  fileFormat: string;
  loadedRows: number;
  loadedBytes: number;
  sourceFileCount: number;
  sourceFileBytes: number;
  fileCountScanned: number;
  fileBytesScanned: number;
  linesScanned: number;
  errorCount: number;
  currentFile: string;
}

/** One file of a COPY (STL_LOAD_COMMITS, SYS_LOAD_DETAIL). */
export interface LoadFileRecord {
  queryId: number;
  userId: number;
  fileName: string;
  fileFormat: string;
  linesScanned: number;
  bytesScanned: number;
  errors: number;
  startTime: Date;
  recordTime: Date;
  copyJobId: number | null;
}

/** What COPY reports about one rejected field or line (STL_LOAD_ERRORS' own columns). */
export interface LoadErrorFields {
  fileName: string;
  lineNumber: number;
  colname: string;
  type: string;
  colLength: string;
  /** 1-based column position of the field (0 for a line error). */
  position: number;
  rawLine: string;
  rawFieldValue: string;
  errCode: number;
  errReason: string;
}

/** One rejected field or line (STL_LOAD_ERRORS, SYS_LOAD_ERROR_DETAIL) of a COPY. */
export interface LoadErrorRecord extends LoadErrorFields, LoadIdentity {
  startTime: Date;
}

/** One materialized view refresh (SYS_MV_REFRESH_HISTORY). */
export interface MvRefreshRecord {
  userId: number;
  sessionId: number;
  transactionId: number;
  databaseName: string;
  schemaName: string;
  mvId: number;
  mvName: string;
  refreshType: 'Manual' | 'Auto';
  status: string;
  /** What the refresh did to the rows: null when it failed or found nothing to do. */
  refreshMode?: 'Incremental' | 'Full' | null;
  startTime: Date;
  endTime: Date;
}

/** A materialized view of the current database (STV_MV_INFO, SVV_MV_INFO). */
export interface MaterializedViewInfo {
  databaseName: string;
  schemaName: string;
  name: string;
  ownerId: number;
  ownerName: string;
  isStale: boolean;
  /** STV_MV_INFO.state: 1 = the next refresh can be incremental, 0 = it recomputes. */
  state: number;
  autoRefresh: boolean;
  /** A streaming materialized view (reads a Kinesis stream or a Kafka topic). */
  streaming: boolean;
}

/** What one refresh read from one partition or shard (SYS_STREAM_SCAN_STATES). */
export interface StreamScanStateRecord {
  mvName: string;
  externalSchemaName: string;
  streamName: string;
  partitionId: string;
  queryId: number;
  transactionId: number;
  recordTime: Date;
  scannedRows: number;
  scannedBytes: number;
  skippedRows: number;
  /** The position of the last record read (a Kafka offset, a Kinesis sequence number). */
  latestPosition: string;
  streamRecordTimeMin: Date | null;
  streamRecordTimeMax: Date | null;
}

/** A record a refresh skipped (SYS_STREAM_SCAN_ERRORS). */
export interface StreamScanErrorRecord {
  mvName: string;
  externalSchemaName: string;
  streamName: string;
  transactionId: number;
  queryId: number;
  /** 'C' create time, 'L' log append time (Kafka), 'A' arrival (Kinesis). */
  streamTimestampType: string;
  streamTimestamp: Date | null;
  recordTime: Date;
  partitionId: string;
  position: string;
  errorCode: number;
  errorReason: string;
}

/**
 * Implemented by the session room. Each relation calls only the methods it needs, so the methods
 * may be lazy (e.g. query history read on demand). Async is allowed everywhere.
 */
export interface SystemCatalogSource {
  session(): SessionContext | Promise<SessionContext>;
  databases(): DatabaseInfo[] | Promise<DatabaseInfo[]>;
  schemas(): SchemaInfo[] | Promise<SchemaInfo[]>;
  relations(): RelationInfo[] | Promise<RelationInfo[]>;
  /** Stored procedures of the current database. */
  procedures(): RoutineInfo[] | Promise<RoutineInfo[]>;
  users(): UserInfo[] | Promise<UserInfo[]>;
  comments(): CommentInfo[] | Promise<CommentInfo[]>;
  settings(): SettingInfo[] | Promise<SettingInfo[]>;
  sessions(): SessionActivity[] | Promise<SessionActivity[]>;
  queryHistory(): QueryHistoryRow[] | Promise<QueryHistoryRow[]>;
  connectionLog(): ConnectionLogRow[] | Promise<ConnectionLogRow[]>;
  loads(): LoadRecord[] | Promise<LoadRecord[]>;
  loadFiles(): LoadFileRecord[] | Promise<LoadFileRecord[]>;
  loadErrors(): LoadErrorRecord[] | Promise<LoadErrorRecord[]>;
  copyJobs(): CopyJobInfo[] | Promise<CopyJobInfo[]>;
  mvRefreshes(): MvRefreshRecord[] | Promise<MvRefreshRecord[]>;
  materializedViews(): MaterializedViewInfo[] | Promise<MaterializedViewInfo[]>;
  streamScanStates(): StreamScanStateRecord[] | Promise<StreamScanStateRecord[]>;
  streamScanErrors(): StreamScanErrorRecord[] | Promise<StreamScanErrorRecord[]>;
}

/** A copy job of the current database, with the state of each object it has seen. */
export interface CopyJobInfo {
  jobId: number;
  name: string;
  copyText: string;
  location: string;
  auto: boolean;
  ownerUserId: number;
  databaseName: string;
  files: {
    url: string;
    status: 'loaded' | 'pending' | 'failed';
    attempts: number;
    lastError: string | null;
    loadedAt: Date | null;
    rowsLoaded: number | null;
    queryId: number | null;
    size: number;
  }[];
}
