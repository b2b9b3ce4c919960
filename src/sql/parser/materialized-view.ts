// CREATE / REFRESH / ALTER MATERIALIZED VIEW (DROP MATERIALIZED VIEW is parsed with DROP).
// https://docs.aws.amazon.com/redshift/latest/dg/materialized-view-create-sql-command.html
import type {
  AlterMaterializedView,
  CreateExternalSchema,
  CreateMaterializedView,
  RefreshMaterializedView,
  TableAttributes,
} from '../ast/index.js';
import type { Parser } from './core.js';
import { parseTableAttributes } from './ddl.js';
import { parseQuery } from './select.js';

function yesNo(p: Parser): boolean {
  const v = p.eatOneOf('yes', 'no');
  if (v === undefined) throw p.errorAt();
  return v === 'yes';
}

/** After CREATE: MATERIALIZED VIEW name [attributes] [AUTO REFRESH YES|NO] AS query. */
export function parseCreateMaterializedView(p: Parser, pos: number): CreateMaterializedView {
  p.expectWord('materialized');
  p.expectWord('view');
  const name = p.parseQualifiedName();
  const attributes: TableAttributes = {};
  let autoRefresh: boolean | undefined;
  // Redshift takes the table attributes and AUTO REFRESH in any order.
  for (;;) {
    const before = p.i;
    Object.assign(attributes, parseTableAttributes(p));
    if (p.eatWords('auto', 'refresh')) {
      if (autoRefresh !== undefined) throw p.errorAt(p.tokens[p.i - 1]);
      autoRefresh = yesNo(p);
    }
    if (p.i === before) break;
  }
  if (attributes.encodeAuto) throw p.unsupported('ENCODE in CREATE MATERIALIZED VIEW');
  p.expectWord('as');
  const query = parseQuery(p);
  const mv: CreateMaterializedView = {
    kind: 'CreateMaterializedView',
    name,
    attributes,
    query,
    pos,
  };
  if (autoRefresh !== undefined) mv.autoRefresh = autoRefresh;
  return mv;
}

/** REFRESH MATERIALIZED VIEW name [RESTRICT]. */
export function parseRefreshMaterializedView(p: Parser): RefreshMaterializedView {
  const pos = p.expectWord('refresh').pos;
  p.expectWord('materialized');
  p.expectWord('view');
  const stmt: RefreshMaterializedView = {
    kind: 'RefreshMaterializedView',
    name: p.parseQualifiedName(),
    pos,
  };
  if (p.eatWord('restrict')) stmt.restrict = true;
  return stmt;
}

/** After ALTER: MATERIALIZED VIEW name { AUTO REFRESH YES|NO | RENAME TO new }. */
export function parseAlterMaterializedView(p: Parser, pos: number): AlterMaterializedView {
  p.expectWord('materialized');
  p.expectWord('view');
  const name = p.parseQualifiedName();
  if (p.eatWords('auto', 'refresh')) {
    return {
      kind: 'AlterMaterializedView',
      name,
      action: { kind: 'AutoRefresh', enabled: yesNo(p) },
      pos,
    };
  }
  if (p.eatWords('rename', 'to')) {
    return {
      kind: 'AlterMaterializedView',
      name,
      action: { kind: 'RenameMaterializedView', to: p.parseIdent() },
      pos,
    };
  }
  if (
    p.isWords('alter', 'distkey') ||
    p.isWords('alter', 'sortkey') ||
    p.isWords('alter', 'diststyle')
  ) {
    throw p.unsupported('ALTER MATERIALIZED VIEW ... ALTER DISTKEY/SORTKEY/DISTSTYLE');
  }
  throw p.errorAt();
}

/**
 * After CREATE: EXTERNAL SCHEMA [IF NOT EXISTS] name FROM KINESIS | MSK | KAFKA with IAM_ROLE,
 * AUTHENTICATION, AUTHENTICATION_ARN, SECRET_ARN, URI and CLUSTER_ARN in any order (Redshift's
 * order is the documented one; each at most once).
 */
export function parseCreateExternalSchema(p: Parser, pos: number): CreateExternalSchema {
  p.expectWord('external');
  p.expectWord('schema');
  const ifNotExists = p.eatWords('if', 'not', 'exists');
  const name = p.parseIdent();
  p.expectWord('from');
  const at = p.peek();
  const source = p.eatOneOf('kinesis', 'msk', 'kafka');
  if (source === undefined) {
    if (at.type === 'word')
      throw p.unsupported(`CREATE EXTERNAL SCHEMA ... FROM ${at.raw.toUpperCase()}`, at);
    throw p.errorAt(at);
  }
  const stmt: CreateExternalSchema = {
    kind: 'CreateExternalSchema',
    ifNotExists,
    name,
    source,
    pos,
  };
  const once = (key: keyof CreateExternalSchema) => {
    if (stmt[key] !== undefined) throw p.errorAt(p.tokens[p.i - 1]);
  };
  for (;;) {
    if (p.eatWord('iam_role')) {
      once('iamRole');
      stmt.iamRole = p.eatWord('default') ? 'default' : p.parseStringValue();
    } else if (p.eatWord('authentication')) {
      once('authentication');
      const v = p.eatOneOf('none', 'iam', 'mtls');
      if (v === undefined) throw p.errorAt();
      stmt.authentication = v;
    } else if (p.eatWord('authentication_arn')) {
      once('authenticationArn');
      stmt.authenticationArn = p.parseStringValue();
    } else if (p.eatWord('secret_arn')) {
      once('secretArn');
      stmt.secretArn = p.parseStringValue();
    } else if (p.eatWord('uri')) {
      once('uri');
      stmt.uri = p.parseStringValue();
    } else if (p.eatWord('cluster_arn')) {
      once('clusterArn');
      stmt.clusterArn = p.parseStringValue();
    } else break;
  }
  return stmt;
}
