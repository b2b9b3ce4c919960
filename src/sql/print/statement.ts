// The statement printer: queries and every statement kind, in Redshift SQL. The Redshift
// printer is this class as is; the DuckDB printer overrides the parts whose syntax differs.
import type {
  Alias,
  Assignment,
  AlterTableAction,
  ColumnConstraint,
  ColumnDef,
  CopyOption,
  CreateProcedure,
  Expr,
  GroupingElement,
  Ident,
  ProcedureArg,
  ProcedureRef,
  Query,
  Select,
  SelectItem,
  SetExpr,
  SchemaQuota,
  DatabaseOption,
  SortKey,
  Statement,
  TableAttributes,
  TableConstraint,
  TableRef,
  TransactionModes,
  TypeName,
  UnloadOption,
  UserOption,
} from '../ast/index.js';
import { ExprPrinter } from './expr.js';

/** Where a table name that is not a FROM item appears. */
export type TableNameContext =
  'insert' | 'update' | 'delete' | 'merge' | 'truncate' | 'create' | 'drop' | 'alter';

export class StatementPrinter extends ExprPrinter {
  override query(q: Query): string {
    const parts: string[] = [];
    if (q.with) {
      const ctes = q.with.ctes.map((c) => {
        const cols = c.columns.length > 0 ? ` (${this.identList(c.columns)})` : '';
        const mat =
          c.materialized === undefined
            ? ''
            : c.materialized
              ? 'MATERIALIZED '
              : 'NOT MATERIALIZED ';
        return `${this.ident(c.name)}${cols} AS ${mat}(${this.query(c.query)})`;
      });
      parts.push(`WITH ${q.with.recursive ? 'RECURSIVE ' : ''}${ctes.join(', ')}`);
    }
    parts.push(this.setExpr(q.body, 0));
    parts.push(...this.queryTail(q));
    return parts.join(' ');
  }

  queryTail(q: Query): string[] {
    const parts: string[] = [];
    if (q.orderBy.length > 0) parts.push(`ORDER BY ${this.orderItems(q.orderBy)}`);
    if (q.limitAll) parts.push('LIMIT ALL');
    if (q.limit) parts.push(`LIMIT ${this.expr(q.limit)}`);
    if (q.offset) parts.push(`OFFSET ${this.expr(q.offset)}`);
    if (q.fetch) parts.push(`FETCH FIRST ${this.operand(q.fetch, 80)} ROWS ONLY`);
    return parts;
  }

  /** `level`: 0 top, 1 operand of UNION/EXCEPT, 2 operand of INTERSECT; right operands +1. */
  setExpr(s: SetExpr, level: number): string {
    switch (s.kind) {
      case 'Select':
        return this.select(s);
      case 'Values':
        return this.values(s.rows);
      case 'Query':
        return `(${this.query(s)})`;
      case 'SetOperation': {
        const myLevel = s.op === 'intersect' ? 2 : 1;
        const text = `${this.setExpr(s.left, myLevel)} ${this.setOpName(s.op)}${s.all ? ' ALL' : ''} ${this.setExpr(s.right, myLevel + 1)}`;
        return level > myLevel ? `(${text})` : text;
      }
    }
  }

  setOpName(op: 'union' | 'intersect' | 'except' | 'minus'): string {
    return op.toUpperCase();
  }

  values(rows: Expr[][]): string {
    return `VALUES ${rows.map((r) => `(${this.exprs(r)})`).join(', ')}`;
  }

  select(s: Select): string {
    let out = 'SELECT';
    if (s.quantifier === 'all') out += ' ALL';
    if (s.quantifier === 'distinct') {
      out += s.distinctOn ? ` DISTINCT ON (${this.exprs(s.distinctOn)})` : ' DISTINCT';
    }
    if (s.top) out += this.selectTop(s.top);
    if (s.items.length > 0) out += ` ${s.items.map((i) => this.selectItem(i)).join(', ')}`;
    if (s.into) out += ` INTO ${s.into.temporary ? 'TEMP ' : ''}${this.name(s.into.table)}`;
    if (s.from.length > 0) out += ` FROM ${s.from.map((t) => this.tableRef(t)).join(', ')}`;
    if (s.where) out += ` WHERE ${this.expr(s.where)}`;
    if (s.groupBy) {
      out += s.groupBy.all
        ? ' GROUP BY ALL'
        : ` GROUP BY ${s.groupBy.items.map((g) => this.groupingElement(g)).join(', ')}`;
    }
    if (s.having) out += ` HAVING ${this.expr(s.having)}`;
    if (s.windows.length > 0) {
      out += ` WINDOW ${s.windows.map((w) => `${this.ident(w.name)} AS ${this.windowSpec(w.spec)}`).join(', ')}`;
    }
    if (s.qualify) out += ` QUALIFY ${this.expr(s.qualify)}`;
    return out;
  }

  selectTop(top: Expr): string {
    return ` TOP ${this.operand(top, 140)}`;
  }

  selectItem(i: SelectItem): string {
    const e = this.expr(i.expr);
    return i.alias ? `${e} AS ${this.label(i.alias)}` : e;
  }

  groupingElement(g: GroupingElement): string {
    switch (g.kind) {
      case 'Rollup':
        return `ROLLUP (${this.exprs(g.items)})`;
      case 'Cube':
        return `CUBE (${this.exprs(g.items)})`;
      case 'GroupingSets':
        return `GROUPING SETS (${g.sets.map((x) => this.groupingElement(x)).join(', ')})`;
      case 'RowExpr':
        if (!g.explicit && g.fields.length === 0) return '()';
        return this.expr(g);
      default:
        return this.expr(g);
    }
  }

  alias(a: Alias | undefined): string {
    if (!a) return '';
    const cols = a.columns.length > 0 ? ` (${this.identList(a.columns)})` : '';
    return ` AS ${this.label(a.name)}${cols}`;
  }

  tableRef(t: TableRef): string {
    switch (t.kind) {
      case 'TableName':
        return `${t.only ? 'ONLY ' : ''}${t.unpivot ? 'UNPIVOT ' : ''}${this.name(t.name)}${this.alias(t.alias)}${t.at ? ` AT ${this.ident(t.at)}` : ''}`;
      case 'DerivedTable':
        return `${t.lateral ? 'LATERAL ' : ''}(${this.query(t.query)})${this.alias(t.alias)}`;
      case 'TableFunction':
        return `${t.lateral ? 'LATERAL ' : ''}${this.functionCall(t.call)}${t.withOrdinality ? ' WITH ORDINALITY' : ''}${this.alias(t.alias)}`;
      case 'Join': {
        const right =
          t.right.kind === 'Join' ? `(${this.tableRef(t.right)})` : this.tableRef(t.right);
        const type =
          t.type === 'inner'
            ? 'JOIN'
            : t.type === 'cross'
              ? 'CROSS JOIN'
              : `${t.type.toUpperCase()} JOIN`;
        let s = `${this.tableRef(t.left)} ${t.natural ? 'NATURAL ' : ''}${type} ${right}`;
        if (t.on) s += ` ON ${this.expr(t.on)}`;
        if (t.using) s += ` USING (${this.identList(t.using)})`;
        return s;
      }
    }
  }

  /** A table named by DML/DDL (not a FROM item); the DuckDB printer lets hooks substitute it. */
  targetName(parts: Ident[], _context: TableNameContext): string {
    return this.name(parts);
  }

  identList(ids: Ident[]): string {
    return ids.map((i) => this.ident(i)).join(', ');
  }

  assignments(list: Assignment[]): string {
    return list
      .map((a) =>
        a.tuple
          ? `(${this.identList(a.targets)}) = ${this.expr(a.value)}`
          : `${this.ident(a.targets[0] as Ident)} = ${this.expr(a.value)}`,
      )
      .join(', ');
  }

  returning(items: SelectItem[] | undefined): string {
    return items ? ` RETURNING ${items.map((i) => this.selectItem(i)).join(', ')}` : '';
  }

  statement(s: Statement): string {
    switch (s.kind) {
      case 'Query':
        return this.query(s);
      case 'Insert': {
        let out = `INSERT INTO ${this.targetName(s.table, 'insert')}`;
        if (s.alias) out += ` AS ${this.ident(s.alias)}`;
        if (s.columns.length > 0) out += ` (${this.identList(s.columns)})`;
        out += s.defaultValues ? ' DEFAULT VALUES' : ` ${this.query(s.source as Query)}`;
        return out + this.returning(s.returning);
      }
      case 'Update': {
        let out = `UPDATE ${this.targetName(s.table, 'update')}${s.alias ? ` AS ${this.ident(s.alias)}` : ''} SET `;
        out += this.assignments(s.assignments);
        if (s.from.length > 0) out += ` FROM ${s.from.map((t) => this.tableRef(t)).join(', ')}`;
        if (s.where) out += ` WHERE ${this.expr(s.where)}`;
        return out + this.returning(s.returning);
      }
      case 'Delete': {
        let out = `DELETE FROM ${this.targetName(s.table, 'delete')}${s.alias ? ` AS ${this.ident(s.alias)}` : ''}`;
        if (s.using.length > 0) out += ` USING ${s.using.map((t) => this.tableRef(t)).join(', ')}`;
        if (s.where) out += ` WHERE ${this.expr(s.where)}`;
        return out + this.returning(s.returning);
      }
      case 'Merge': {
        let out = `MERGE INTO ${this.targetName(s.table, 'merge')}${s.alias ? ` AS ${this.ident(s.alias)}` : ''}`;
        out += ` USING ${this.tableRef(s.source)} ON ${this.expr(s.on)}`;
        if (s.removeDuplicates) return `${out} REMOVE DUPLICATES`;
        if (s.matched) {
          out +=
            s.matched.kind === 'delete'
              ? ' WHEN MATCHED THEN DELETE'
              : ` WHEN MATCHED THEN UPDATE SET ${this.assignments(s.matched.assignments)}`;
        }
        if (s.notMatched) {
          const cols = s.notMatched.columns;
          out += ` WHEN NOT MATCHED THEN INSERT${cols.length > 0 ? ` (${this.identList(cols)})` : ''}`;
          out += ` VALUES (${s.notMatched.values.map((v) => this.expr(v)).join(', ')})`;
        }
        return out;
      }
      case 'Truncate':
        return `TRUNCATE TABLE ${s.tables.map((t) => this.targetName(t, 'truncate')).join(', ')}`;
      case 'Copy': {
        let out = 'COPY ';
        out += s.query ? `(${this.query(s.query)})` : this.name(s.table ?? []);
        if (s.columns.length > 0) out += ` (${this.identList(s.columns)})`;
        out += ` ${s.direction.toUpperCase()} `;
        out += s.target === 'location' ? this.string(s.location ?? '') : s.target.toUpperCase();
        if (s.target === 'location') {
          for (const o of s.options) out += ` ${this.redshiftCopyOption(o)}`;
        } else if (s.options.length > 0) {
          out += ` WITH (${s.options.map((o) => this.copyOption(o)).join(', ')})`;
        }
        if (s.job) out += ` JOB CREATE ${this.ident(s.job.name)} AUTO ${s.job.auto ? 'ON' : 'OFF'}`;
        return out;
      }
      case 'CopyJob': {
        let out = `COPY JOB ${s.action.toUpperCase()}`;
        if (s.name) out += ` ${this.ident(s.name)}`;
        if (s.auto !== undefined) out += ` AUTO ${s.auto ? 'ON' : 'OFF'}`;
        return out;
      }
      case 'Unload': {
        let out = `UNLOAD (${this.string(this.query(s.query))}) TO ${this.string(s.location)}`;
        for (const o of s.options) out += ` ${this.unloadOption(o)}`;
        if (s.partitionBy) {
          out += ` PARTITION BY (${this.identList(s.partitionBy.columns)})`;
          if (s.partitionBy.include) out += ' INCLUDE';
        }
        return out;
      }
      case 'CreateTable':
        return this.createTable(s);
      case 'CreateView': {
        const cols = s.columns.length > 0 ? ` (${this.identList(s.columns)})` : '';
        const nsb = s.noSchemaBinding ? ' WITH NO SCHEMA BINDING' : '';
        return `CREATE ${s.orReplace ? 'OR REPLACE ' : ''}VIEW ${this.name(s.name)}${cols} AS ${this.query(s.query)}${nsb}`;
      }
      case 'CreateSchema': {
        let out = `CREATE SCHEMA ${s.ifNotExists ? 'IF NOT EXISTS ' : ''}`;
        if (s.name) out += this.ident(s.name);
        if (s.authorization)
          out += `${s.name ? ' ' : ''}AUTHORIZATION ${this.ident(s.authorization)}`;
        if (s.quota !== undefined) out += ` QUOTA ${this.quota(s.quota)}`;
        return out;
      }
      case 'Drop':
        return `DROP ${s.objectType.toUpperCase()} ${s.ifExists ? 'IF EXISTS ' : ''}${s.names.map((n) => this.name(n)).join(', ')}${s.behavior ? ` ${s.behavior.toUpperCase()}` : ''}${s.force ? ' FORCE' : ''}`;
      case 'CreateMaterializedView': {
        const auto =
          s.autoRefresh === undefined ? '' : ` AUTO REFRESH ${s.autoRefresh ? 'YES' : 'NO'}`;
        return `CREATE MATERIALIZED VIEW ${this.name(s.name)}${this.tableAttributes(s.attributes)}${auto} AS ${this.query(s.query)}`;
      }
      case 'CreateExternalSchema': {
        let out = `CREATE EXTERNAL SCHEMA ${s.ifNotExists ? 'IF NOT EXISTS ' : ''}${this.ident(s.name)} FROM ${s.source.toUpperCase()}`;
        if (s.iamRole !== undefined)
          out += ` IAM_ROLE ${s.iamRole === 'default' ? 'default' : this.string(s.iamRole)}`;
        if (s.authentication) out += ` AUTHENTICATION ${s.authentication}`;
        if (s.authenticationArn) out += ` AUTHENTICATION_ARN ${this.string(s.authenticationArn)}`;
        if (s.secretArn) out += ` SECRET_ARN ${this.string(s.secretArn)}`;
        if (s.uri) out += ` URI ${this.string(s.uri)}`;
        if (s.clusterArn) out += ` CLUSTER_ARN ${this.string(s.clusterArn)}`;
        return out;
      }
      case 'RefreshMaterializedView':
        return `REFRESH MATERIALIZED VIEW ${this.name(s.name)}${s.restrict ? ' RESTRICT' : ''}`;
      case 'AlterMaterializedView': {
        const a = s.action;
        const action =
          a.kind === 'AutoRefresh'
            ? `AUTO REFRESH ${a.enabled ? 'YES' : 'NO'}`
            : `RENAME TO ${this.ident(a.to)}`;
        return `ALTER MATERIALIZED VIEW ${this.name(s.name)} ${action}`;
      }
      case 'CreateProcedure':
        return this.createProcedure(s);
      case 'DropProcedure':
        return `DROP PROCEDURE ${s.ifExists ? 'IF EXISTS ' : ''}${s.procedures.map((r) => this.procedureRef(r)).join(', ')}${s.behavior ? ` ${s.behavior.toUpperCase()}` : ''}`;
      case 'AlterProcedure': {
        const head = `ALTER PROCEDURE ${this.procedureRef(s.procedure)}`;
        const a = s.action;
        if (a.kind === 'RenameProcedure') return `${head} RENAME TO ${this.ident(a.to)}`;
        const owner = typeof a.owner === 'string' ? a.owner.toUpperCase() : this.ident(a.owner);
        return `${head} OWNER TO ${owner}`;
      }
      case 'ShowProcedure':
        return `SHOW PROCEDURE ${this.procedureRef(s.procedure)}`;
      case 'CreateDatabase':
        return `CREATE DATABASE ${this.ident(s.name)}${s.with ? ' WITH' : ''}${s.options.map((o) => ` ${this.databaseOption(o)}`).join('')}`;
      case 'AlterDatabase': {
        const a = s.action;
        const head = `ALTER DATABASE ${this.ident(s.name)}`;
        switch (a.kind) {
          case 'RenameDatabase':
            return `${head} RENAME TO ${this.ident(a.to)}`;
          case 'DatabaseOwnerTo':
            return `${head} OWNER TO ${this.ident(a.owner)}`;
          case 'DatabaseConnectionLimit':
            return `${head} CONNECTION LIMIT ${connectionLimit(a.limit)}`;
        }
        break;
      }
      case 'AlterTable':
        return `ALTER TABLE ${s.ifExists ? 'IF EXISTS ' : ''}${this.name(s.name)} ${s.actions.map((a) => this.alterAction(a)).join(', ')}`;
      case 'AlterSchema': {
        const a = s.action;
        const head = `ALTER SCHEMA ${this.ident(s.name)}`;
        switch (a.kind) {
          case 'RenameSchema':
            return `${head} RENAME TO ${this.ident(a.to)}`;
          case 'SchemaOwnerTo':
            return `${head} OWNER TO ${this.ident(a.owner)}`;
          case 'SchemaQuota':
            return `${head} QUOTA ${this.quota(a.quota)}`;
        }
        break;
      }
      case 'CommentOn':
        return `COMMENT ON ${s.objectType.toUpperCase()} ${this.name(s.name)} IS ${s.comment === null ? 'NULL' : this.string(s.comment)}`;
      case 'CreateUser':
        return `CREATE USER ${this.ident(s.name)}${s.options.map((o) => ` ${this.userOption(o)}`).join('')}`;
      case 'AlterUser': {
        const a = s.action;
        const head = `ALTER USER ${this.ident(s.name)}`;
        switch (a.kind) {
          case 'UserOptions':
            return `${head}${a.options.map((o) => ` ${this.userOption(o)}`).join('')}`;
          case 'UserRename':
            return `${head} RENAME TO ${this.ident(a.to)}`;
          case 'UserSet':
            return `${head} SET ${this.settingName(a.param)} TO ${a.isDefault ? 'DEFAULT' : this.setValues(a.values)}`;
          case 'UserReset':
            return `${head} RESET ${a.all ? 'ALL' : this.settingName(a.param)}`;
        }
        break;
      }
      case 'Begin':
        return `BEGIN${this.transactionModes(s.modes)}`;
      case 'Commit':
        return 'COMMIT';
      case 'Rollback':
        return 'ROLLBACK';
      case 'Savepoint':
        return `SAVEPOINT ${this.ident(s.name)}`;
      case 'ReleaseSavepoint':
        return `RELEASE SAVEPOINT ${this.ident(s.name)}`;
      case 'RollbackToSavepoint':
        return `ROLLBACK TO SAVEPOINT ${this.ident(s.name)}`;
      case 'SetTransaction':
        return `SET ${s.session ? 'SESSION CHARACTERISTICS AS ' : ''}TRANSACTION${this.transactionModes(s.modes)}`;
      case 'SetVariable': {
        const scope = s.scope ? `${s.scope.toUpperCase()} ` : '';
        return `SET ${scope}${this.settingName(s.name)} TO ${s.isDefault ? 'DEFAULT' : this.setValues(s.values)}`;
      }
      case 'SetTimeZone': {
        const scope = s.scope ? `${s.scope.toUpperCase()} ` : '';
        const v = s.special ? s.special.toUpperCase() : this.setValues([s.value as Expr]);
        return `SET ${scope}TIME ZONE ${v}`;
      }
      case 'SetSessionAuthorization': {
        if (s.user === undefined) return 'SET SESSION AUTHORIZATION DEFAULT';
        return `SET SESSION AUTHORIZATION ${typeof s.user === 'string' ? this.string(s.user) : this.ident(s.user)}`;
      }
      case 'Reset':
        return `RESET ${s.all ? 'ALL' : this.settingName(s.name)}`;
      case 'Show':
        return `SHOW ${s.all ? 'ALL' : this.settingName(s.name)}`;
      case 'Discard':
        return `DISCARD ${s.target.toUpperCase()}`;
      case 'Explain':
        return `EXPLAIN ${s.analyze ? 'ANALYZE ' : ''}${s.verbose ? 'VERBOSE ' : ''}${this.statement(s.statement)}`;
      case 'Prepare': {
        const types = s.types.length > 0 ? ` (${s.types.map((t) => this.type(t)).join(', ')})` : '';
        return `PREPARE ${this.ident(s.name)}${types} AS ${this.statement(s.statement)}`;
      }
      case 'Execute':
        return `EXECUTE ${this.ident(s.name)}${s.args.length > 0 ? ` (${this.exprs(s.args)})` : ''}`;
      case 'Deallocate':
        return `DEALLOCATE ${s.name ? this.ident(s.name) : 'ALL'}`;
      case 'Call':
        return `CALL ${this.functionName(s.name)}(${this.exprs(s.args)})`;
      case 'Analyze': {
        let out = `ANALYZE${s.verbose ? ' VERBOSE' : ''}`;
        if (s.table) out += ` ${this.name(s.table)}`;
        if (s.columns.length > 0) out += ` (${this.identList(s.columns)})`;
        return out;
      }
      case 'Vacuum': {
        let out = 'VACUUM';
        if (s.mode) out += ` ${s.mode.toUpperCase()}`;
        if (s.table) out += ` ${this.name(s.table)}`;
        if (s.toPercent !== undefined) out += ` TO ${s.toPercent} PERCENT`;
        if (s.boost) out += ' BOOST';
        return out;
      }
      case 'AlterSystem':
        return `ALTER SYSTEM ${s.action.toUpperCase()}`;
      case 'Lock':
        return `LOCK TABLE ${s.tables.map((t) => this.name(t)).join(', ')}`;
      case 'DeclareCursor':
        return `DECLARE ${this.ident(s.name)}${s.binary ? ' BINARY' : ''} CURSOR${s.hold ? ' WITH HOLD' : ''} FOR ${this.query(s.query)}`;
      case 'Fetch':
        return `${s.move ? 'MOVE' : 'FETCH'} ${s.count === 'all' ? 'ALL' : `FORWARD ${s.count}`} FROM ${this.ident(s.cursor)}`;
      case 'CloseCursor':
        return s.name ? `CLOSE ${this.ident(s.name)}` : 'CLOSE ALL';
    }
  }

  settingName(parts: Ident[]): string {
    return parts.map((p) => this.label(p)).join('.');
  }

  /** SET values: words print bare (keywords included), strings quoted. */
  setValues(values: Expr[]): string {
    return values
      .map((v) =>
        v.kind === 'ColumnRef' ? v.parts.map((p) => this.label(p)).join('.') : this.expr(v),
      )
      .join(', ');
  }

  transactionModes(m: TransactionModes): string {
    const parts: string[] = [];
    if (m.isolationLevel) parts.push(`ISOLATION LEVEL ${m.isolationLevel.toUpperCase()}`);
    if (m.readOnly !== undefined) parts.push(m.readOnly ? 'READ ONLY' : 'READ WRITE');
    if (m.deferrable !== undefined) parts.push(m.deferrable ? 'DEFERRABLE' : 'NOT DEFERRABLE');
    return parts.length > 0 ? ` ${parts.join(', ')}` : '';
  }

  copyOption(o: CopyOption): string {
    const name = o.name.toUpperCase();
    const v = o.value;
    if (v === undefined) return name;
    switch (v.kind) {
      case 'string':
        return `${name} ${this.string(v.value)}`;
      case 'number':
        return `${name} ${v.value}`;
      case 'boolean':
        return `${name} ${v.value ? 'true' : 'false'}`;
      case 'word':
        return `${name} ${v.value === '*' ? '*' : this.label({ value: v.value, quoted: false })}`;
      case 'list':
        return `${name} (${this.identList(v.value)})`;
    }
  }

  redshiftCopyOption(o: CopyOption): string {
    const formats = ['csv', 'json', 'avro', 'parquet', 'orc', 'shapefile'];
    const name = formats.includes(o.name)
      ? `FORMAT AS ${o.name.toUpperCase()}`
      : o.name.toUpperCase();
    const v = o.value;
    if (v === undefined) return name;
    if (v.kind === 'string') return `${name} ${this.string(v.value)}`;
    if (v.kind === 'number' || v.kind === 'word') return `${name} ${v.value}`;
    return `${name} ${this.copyOption({ name: '', value: v }).trim()}`;
  }

  unloadOption(o: UnloadOption): string {
    const v = o.value;
    if (o.name === 'parallel' && v?.kind === 'boolean') return `PARALLEL ${v.value ? 'ON' : 'OFF'}`;
    if (v?.kind === 'number' && o.unit !== undefined) {
      return `${o.name.toUpperCase()} ${v.value} ${o.unit.toUpperCase()}`;
    }
    if (v?.kind === 'word') return `${o.name.toUpperCase()} ${v.value.toUpperCase()}`;
    return this.redshiftCopyOption(o);
  }

  userOption(o: UserOption): string {
    switch (o.kind) {
      case 'Password':
        return o.value === null ? 'PASSWORD DISABLE' : `PASSWORD ${this.string(o.value)}`;
      case 'CreateDb':
        return o.value ? 'CREATEDB' : 'NOCREATEDB';
      case 'CreateUserPrivilege':
        return o.value ? 'CREATEUSER' : 'NOCREATEUSER';
      case 'SyslogAccess':
        return `SYSLOG ACCESS ${o.value.toUpperCase()}`;
      case 'InGroup':
        return `IN GROUP ${this.identList(o.groups)}`;
      case 'ValidUntil':
        return `VALID UNTIL ${this.string(o.value)}`;
      case 'ConnectionLimit':
        return `CONNECTION LIMIT ${o.value === 'unlimited' ? 'UNLIMITED' : o.value}`;
      case 'SessionTimeout':
        return `SESSION TIMEOUT ${o.value}`;
      case 'ResetSessionTimeout':
        return 'RESET SESSION TIMEOUT';
    }
  }

  createProcedure(s: CreateProcedure): string {
    let out = `CREATE ${s.orReplace ? 'OR REPLACE ' : ''}PROCEDURE ${this.name(s.name)}(${s.args.map((a) => this.procedureArg(a)).join(', ')})`;
    if (s.nonatomic) out += ' NONATOMIC';
    out += ` AS ${dollarQuoted(s.body.text)}`;
    if (s.language) out += ` LANGUAGE ${this.label(s.language)}`;
    if (s.security) out += ` SECURITY ${s.security.toUpperCase()}`;
    for (const set of s.settings) {
      out += ` SET ${this.settingName(set.name)} TO ${this.setValues(set.values)}`;
    }
    return out;
  }

  /** `[mode] [name] type [DEFAULT expr]`: the mode first, as PostgreSQL prints it. */
  procedureArg(a: ProcedureArg): string {
    const parts = [];
    if (a.mode) parts.push(a.mode.toUpperCase());
    if (a.name) parts.push(this.ident(a.name));
    parts.push(this.type(a.type));
    if (a.default) parts.push(`DEFAULT ${this.operand(a.default, 40)}`);
    return parts.join(' ');
  }

  procedureRef(r: ProcedureRef): string {
    const args = r.args ? `(${r.args.map((a) => this.procedureArg(a)).join(', ')})` : '';
    return `${this.name(r.name)}${args}`;
  }

  createTable(s: Extract<Statement, { kind: 'CreateTable' }>): string {
    let out = `CREATE ${s.temporary ? 'TEMP ' : ''}TABLE ${s.ifNotExists ? 'IF NOT EXISTS ' : ''}${this.name(s.name)}`;
    const elements: string[] = [];
    if (s.like) {
      const inc =
        s.like.includingDefaults === undefined
          ? ''
          : s.like.includingDefaults
            ? ' INCLUDING DEFAULTS'
            : ' EXCLUDING DEFAULTS';
      elements.push(`LIKE ${this.name(s.like.table)}${inc}`);
    }
    for (const c of s.columns) elements.push(this.columnDef(c));
    for (const c of s.constraints) elements.push(this.tableConstraint(c));
    if (s.columnNames) out += ` (${this.identList(s.columnNames)})`;
    else if (!s.as || elements.length > 0) out += ` (${elements.join(', ')})`;
    out += this.tableAttributes(s.attributes);
    if (s.as) out += ` AS ${this.query(s.as)}`;
    return out;
  }

  columnDef(c: ColumnDef): string {
    return [
      this.ident(c.name),
      this.type(c.type),
      ...c.constraints.map((k) => this.columnConstraint(k)),
    ].join(' ');
  }

  constraintName(name: Ident | undefined): string {
    return name ? `CONSTRAINT ${this.ident(name)} ` : '';
  }

  columnConstraint(k: ColumnConstraint): string {
    switch (k.kind) {
      case 'NotNull':
        return `${this.constraintName(k.name)}NOT NULL`;
      case 'Null':
        return `${this.constraintName(k.name)}NULL`;
      case 'DefaultValue':
        return `${this.constraintName(k.name)}DEFAULT ${this.operand(k.expr, 40)}`;
      case 'PrimaryKey':
        return `${this.constraintName(k.name)}PRIMARY KEY`;
      case 'Unique':
        return `${this.constraintName(k.name)}UNIQUE`;
      case 'References':
        return `${this.constraintName(k.name)}REFERENCES ${this.name(k.table)}${k.columns.length > 0 ? ` (${this.identList(k.columns)})` : ''}`;
      case 'Check':
        return `${this.constraintName(k.name)}CHECK (${this.expr(k.expr)})`;
      case 'Identity':
        return `IDENTITY(${k.seed}, ${k.step})`;
      case 'GeneratedIdentity': {
        const args = k.seed === undefined ? '' : `(${k.seed}, ${k.step ?? '1'})`;
        return `GENERATED ${k.always ? 'ALWAYS' : 'BY DEFAULT'} AS IDENTITY${args}`;
      }
      case 'Encode':
        return `ENCODE ${k.encoding}`;
      case 'DistKey':
        return 'DISTKEY';
      case 'SortKey':
        return 'SORTKEY';
      case 'Collate':
        return `COLLATE ${this.name(k.collation)}`;
    }
  }

  tableConstraint(c: TableConstraint): string {
    const n = this.constraintName(c.name);
    switch (c.kind) {
      case 'PrimaryKeyConstraint':
        return `${n}PRIMARY KEY (${this.identList(c.columns)})`;
      case 'UniqueConstraint':
        return `${n}UNIQUE (${this.identList(c.columns)})`;
      case 'ForeignKeyConstraint': {
        const ref = c.refColumns.length > 0 ? ` (${this.identList(c.refColumns)})` : '';
        return `${n}FOREIGN KEY (${this.identList(c.columns)}) REFERENCES ${this.name(c.refTable)}${ref}`;
      }
      case 'CheckConstraint':
        return `${n}CHECK (${this.expr(c.expr)})`;
    }
  }

  databaseOption(o: DatabaseOption): string {
    switch (o.kind) {
      case 'Owner':
        return `OWNER ${this.ident(o.owner)}`;
      case 'ConnectionLimit':
        return `CONNECTION LIMIT ${connectionLimit(o.limit)}`;
      case 'Collate':
        return `COLLATE ${o.collation.toUpperCase()}`;
      case 'IsolationLevel':
        return `ISOLATION LEVEL ${o.level.toUpperCase()}`;
    }
  }

  quota(q: SchemaQuota): string {
    return q === 'unlimited' ? 'UNLIMITED' : `${q.amount} ${q.unit.toUpperCase()}`;
  }

  sortKey(k: SortKey): string {
    if (k.kind === 'SortKeyAuto') return 'SORTKEY AUTO';
    return `${k.style ? `${k.style.toUpperCase()} ` : ''}SORTKEY (${this.identList(k.columns)})`;
  }

  tableAttributes(a: TableAttributes): string {
    let out = '';
    if (a.backup !== undefined) out += ` BACKUP ${a.backup ? 'YES' : 'NO'}`;
    if (a.distStyle) out += ` DISTSTYLE ${a.distStyle.toUpperCase()}`;
    if (a.distKey) out += ` DISTKEY (${this.ident(a.distKey)})`;
    if (a.sortKey) out += ` ${this.sortKey(a.sortKey)}`;
    if (a.encodeAuto) out += ' ENCODE AUTO';
    return out;
  }

  alterAction(a: AlterTableAction): string {
    switch (a.kind) {
      case 'AddColumn':
        return `ADD COLUMN ${a.ifNotExists ? 'IF NOT EXISTS ' : ''}${this.columnDef(a.column)}`;
      case 'DropColumn':
        return `DROP COLUMN ${a.ifExists ? 'IF EXISTS ' : ''}${this.ident(a.column)}${a.behavior ? ` ${a.behavior.toUpperCase()}` : ''}`;
      case 'RenameColumn':
        return `RENAME COLUMN ${this.ident(a.column)} TO ${this.ident(a.to)}`;
      case 'RenameTable':
        return `RENAME TO ${this.ident(a.to)}`;
      case 'AlterColumnType':
        return `ALTER COLUMN ${this.ident(a.column)} TYPE ${this.type(a.type)}`;
      case 'AlterColumnEncode':
        return `ALTER COLUMN ${this.ident(a.column)} ENCODE ${a.encoding}`;
      case 'OwnerTo':
        return `OWNER TO ${this.ident(a.owner)}`;
      case 'AlterDistStyle':
        return `ALTER DISTSTYLE ${a.style.toUpperCase()}${a.column ? ` DISTKEY ${this.ident(a.column)}` : ''}`;
      case 'AlterDistKey':
        return `ALTER DISTKEY ${this.ident(a.column)}`;
      case 'AlterSortKey':
        return a.sortKey.kind === 'SortKeyNone'
          ? 'ALTER SORTKEY NONE'
          : `ALTER ${this.sortKey(a.sortKey)}`;
      case 'AddConstraint':
        return `ADD ${this.tableConstraint(a.constraint)}`;
      case 'DropConstraint':
        return `DROP CONSTRAINT ${this.ident(a.name)}${a.behavior ? ` ${a.behavior.toUpperCase()}` : ''}`;
      case 'SetSchema':
        return `SET SCHEMA ${this.ident(a.schema)}`;
      case 'AlterEncodeAuto':
        return 'ALTER ENCODE AUTO';
      case 'AppendFrom':
        return `APPEND FROM ${this.name(a.source)}${a.extra ? ` ${a.extra.toUpperCase()}` : ''}`;
    }
  }
}

/** Redshift SQL for a statement; parse(printRedshift(s)) is astEqual to s. */
export function printRedshift(s: Statement): string {
  return new StatementPrinter().statement(s);
}

/** A type as declared (`character varying(20)`, `int[]`). */
export function printRedshiftType(t: TypeName): string {
  return new StatementPrinter().type(t);
}

/**
 * Text in dollar quotes whose tag does not occur in it: `$$`, else `$_$`, `$__$` ... (the
 * closing tag must also not start inside the text's last characters). `underscores`: where the
 * sequence starts (SHOW PROCEDURE writes `$_$` as Redshift does).
 */
export function dollarQuoted(text: string, underscores = 0): string {
  for (let n = underscores; ; n++) {
    const tag = `$${'_'.repeat(n)}$`;
    if (`${text}${tag}`.indexOf(tag) === text.length) return `${tag}${text}${tag}`;
  }
}

/** Redshift SQL for an expression. */
export function printRedshiftExpr(e: Expr): string {
  return new StatementPrinter().expr(e);
}

function connectionLimit(limit: number | 'unlimited'): string {
  return limit === 'unlimited' ? 'UNLIMITED' : String(limit);
}
