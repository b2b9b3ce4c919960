// Materialized views: CREATE / REFRESH / ALTER MATERIALIZED VIEW (DROP is a Drop).
// https://docs.aws.amazon.com/redshift/latest/dg/materialized-view-create-sql-command.html
// https://docs.aws.amazon.com/redshift/latest/dg/materialized-view-refresh-sql-command.html
// https://docs.aws.amazon.com/redshift/latest/dg/r_ALTER_MATERIALIZED_VIEW.html
import type { TableAttributes } from './ddl.js';
import type { Query } from './query.js';
import type { Ident, StatementBase } from './types.js';

export interface CreateMaterializedView extends StatementBase {
  kind: 'CreateMaterializedView';
  name: Ident[];
  /** BACKUP, DISTSTYLE, DISTKEY and SORTKEY, as for a table. */
  attributes: TableAttributes;
  /** AUTO REFRESH YES | NO; absent = NO. */
  autoRefresh?: boolean;
  query: Query;
}

export interface RefreshMaterializedView extends StatementBase {
  kind: 'RefreshMaterializedView';
  name: Ident[];
  /** REFRESH MATERIALIZED VIEW ... RESTRICT (Redshift: do not cascade to nested views). */
  restrict?: boolean;
}

export type AlterMaterializedViewAction =
  { kind: 'AutoRefresh'; enabled: boolean } | { kind: 'RenameMaterializedView'; to: Ident };

export interface AlterMaterializedView extends StatementBase {
  kind: 'AlterMaterializedView';
  name: Ident[];
  action: AlterMaterializedViewAction;
}

/**
 * CREATE EXTERNAL SCHEMA over a stream, the source of streaming materialized views.
 * https://docs.aws.amazon.com/redshift/latest/dg/r_CREATE_EXTERNAL_SCHEMA.html
 */
export interface CreateExternalSchema extends StatementBase {
  kind: 'CreateExternalSchema';
  ifNotExists: boolean;
  name: Ident;
  source: 'kinesis' | 'msk' | 'kafka';
  /** IAM_ROLE default, or a role ARN (a comma-separated chain of them). */
  iamRole?: 'default' | string;
  authentication?: 'none' | 'iam' | 'mtls';
  /** AUTHENTICATION_ARN (mTLS certificate) or SECRET_ARN. */
  authenticationArn?: string;
  secretArn?: string;
  /** URI 'host:port,...' (Kafka bootstrap brokers). */
  uri?: string;
  clusterArn?: string;
}
