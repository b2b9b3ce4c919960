// Redshift's views of materialized views: STV_MV_INFO and SVV_MV_INFO (one row per view: stale
// or not, what its next refresh does, auto refresh) and SYS_MV_REFRESH_HISTORY (one row per
// refresh). Columns and types as the Amazon Redshift Database Developer Guide lists them.
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
      })),
  ),
];
