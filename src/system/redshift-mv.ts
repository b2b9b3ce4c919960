// Redshift's views of materialized views: STV_MV_INFO and SVV_MV_INFO (one row per view: stale
// or not, what its next refresh does, auto refresh), SYS_MV_REFRESH_HISTORY (one row per
// refresh), and of streaming ingestion: SYS_STREAM_SCAN_STATES (what each refresh read per
// partition or shard) and SYS_STREAM_SCAN_ERRORS (records it skipped). Columns and types as the Amazon Redshift Database Developer Guide lists them.
import { redshiftView as view, TS } from './redshift.js';
import type { SystemRelationDef } from './sql.js';

const flag = (b: boolean) => (b ? 't' : 'f');

export const MV_RELATIONS: readonly SystemRelationDef[] = [
  view(
    'stv_mv_info',
    'r_STV_MV_INFO.html',
    [
      ['db_name', 'character(128)'],
      ['schema', 'character(128)'],
      ['name', 'character(128)'],
      ['updated_upto_xid', 'bigint'],
      ['is_stale', 'character(1)'],
      ['owner_user_name', 'character(128)'],
      ['state', 'integer'],
      ['autorewrite', 'character(1)'],
      ['autorefresh', 'character(1)'],
    ],
    async (source) =>
      (await source.materializedViews()).map((m) => ({
        db_name: m.databaseName,
        schema: m.schemaName,
        name: m.name,
        updated_upto_xid: null,
        is_stale: flag(m.isStale),
        owner_user_name: m.ownerName,
        state: m.state,
        autorewrite: 'f',
        autorefresh: flag(m.autoRefresh),
      })),
  ),
  view(
    'svv_mv_info',
    'r_SVV_MV_INFO.html',
    [
      ['database_name', 'character(128)'],
      ['schema_name', 'character(128)'],
      ['user_name', 'character(128)'],
      ['name', 'character(128)'],
      ['is_stale', 'character(1)'],
      ['state', 'integer'],
      ['autorefresh', 'character(1)'],
      ['autorewrite', 'character(1)'],
    ],
    async (source) =>
      (await source.materializedViews()).map((m) => ({
        database_name: m.databaseName,
        schema_name: m.schemaName,
        user_name: m.ownerName,
        name: m.name,
        is_stale: flag(m.isStale),
        state: m.state,
        autorefresh: flag(m.autoRefresh),
        autorewrite: 'f',
      })),
  ),
  view(
    'sys_mv_refresh_history',
    'SYS_MV_REFRESH_HISTORY.html',
    [
      ['user_id', 'integer'],
      ['session_id', 'integer'],
      ['transaction_id', 'bigint'],
      ['database_name', 'character(128)'],
      ['schema_name', 'character(128)'],
      ['mv_id', 'bigint'],
      ['mv_name', 'character(128)'],
      ['refresh_type', 'character(32)'],
      ['status', 'text'],
      ['start_time', TS],
      ['end_time', TS],
      ['duration', 'bigint'],
      // Not Redshift's (its status text says it): whether the rows were updated incrementally
      // or recomputed, as a column to filter on.
      ['refresh_mode', 'character(32)'],
    ],
    async (source) =>
      (await source.mvRefreshes()).map((r) => ({
        user_id: r.userId,
        session_id: r.sessionId,
        transaction_id: r.transactionId,
        database_name: r.databaseName,
        schema_name: r.schemaName,
        mv_id: r.mvId,
        mv_name: r.mvName,
        refresh_type: r.refreshType,
        status: r.status,
        start_time: r.startTime,
        end_time: r.endTime,
        duration: (r.endTime.getTime() - r.startTime.getTime()) * 1000,
        refresh_mode: r.refreshMode ?? null,
      })),
  ),
  view(
    'sys_stream_scan_states',
    'r_SYS_STREAM_SCAN_STATES.html',
    [
      ['mv_name', 'character(128)'],
      ['external_schema_name', 'character(128)'],
      ['stream_name', 'character(255)'],
      ['partition_id', 'character(128)'],
      ['query_id', 'bigint'],
      ['transaction_id', 'bigint'],
      ['record_time', TS],
      ['scanned_rows', 'bigint'],
      ['scanned_bytes', 'bigint'],
      ['skipped_rows', 'bigint'],
      ['latest_position', 'character(128)'],
      ['stream_record_time_min', TS],
      ['stream_record_time_max', TS],
    ],
    async (source) =>
      (await source.streamScanStates()).map((r) => ({
        mv_name: r.mvName,
        external_schema_name: r.externalSchemaName,
        stream_name: r.streamName,
        partition_id: r.partitionId,
        query_id: r.queryId,
        transaction_id: r.transactionId,
        record_time: r.recordTime,
        scanned_rows: r.scannedRows,
        scanned_bytes: r.scannedBytes,
        skipped_rows: r.skippedRows,
        latest_position: r.latestPosition,
        stream_record_time_min: r.streamRecordTimeMin,
        stream_record_time_max: r.streamRecordTimeMax,
      })),
  ),
  view(
    'sys_stream_scan_errors',
    'r_SYS_STREAM_SCAN_ERRORS.html',
    [
      ['external_schema_name', 'character(128)'],
      ['stream_name', 'character(255)'],
      ['mv_name', 'character(128)'],
      ['transaction_id', 'bigint'],
      ['query_id', 'bigint'],
      ['stream_timestamp_type', 'character(1)'],
      ['stream_timestamp', TS],
      ['record_time', TS],
      ['partition_id', 'character(128)'],
      ['position', 'character(128)'],
      ['error_code', 'integer'],
      ['error_reason', 'character(128)'],
    ],
    async (source) =>
      (await source.streamScanErrors()).map((r) => ({
        external_schema_name: r.externalSchemaName,
        stream_name: r.streamName,
        mv_name: r.mvName,
        transaction_id: r.transactionId,
        query_id: r.queryId,
        stream_timestamp_type: r.streamTimestampType,
        stream_timestamp: r.streamTimestamp,
        record_time: r.recordTime,
        partition_id: r.partitionId,
        position: r.position,
        error_code: r.errorCode,
        error_reason: r.errorReason,
      })),
  ),
];
