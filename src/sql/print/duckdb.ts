// The DuckDB printer: the same AST in DuckDB's syntax where the syntax itself differs
// (https://duckdb.org/docs/sql/introduction). It does not resolve names or change meaning
// beyond the syntax: the binder rewrites the AST, and substitutes nodes through DuckDbHooks,
// which are consulted before the default printing of their node kind.
//
// Syntax mapped here:
//   a ~ b / !~ / ~* / !~* and OPERATOR(pg_catalog.~)  → [NOT] regexp_matches(a, b[, 'i'])
//     (DuckDB's own `~` is a full match; PostgreSQL's is a partial match, as regexp_matches)
//   MINUS → EXCEPT; TOP n and FETCH FIRST n → LIMIT n; LIMIT ALL dropped
//   COLLATE pg_catalog.default / "C" / "POSIX" dropped (DuckDB's default is byte order)
//   x IS [NOT] TRUE|FALSE|UNKNOWN → IS [NOT] DISTINCT FROM / IS [NOT] NULL
//   SUBSTRING(x FROM a FOR b), POSITION(a IN b), TRIM(... FROM x), OVERLAY → function calls
//   LIKE/ILIKE get PostgreSQL's default ESCAPE '\'; SIMILAR TO patterns become POSIX regexes
//   CAST(x AS varchar(n)) → left(CAST(x AS VARCHAR), n) (DuckDB's VARCHAR has no length)
//   BETWEEN SYMMETRIC a AND b → BETWEEN least(a, b) AND greatest(a, b)
//   x AT TIME ZONE z → timezone(z, x); x = ANY(array) → list_contains(array, x)
//   GETDATE() → date_trunc('second', CAST(current_timestamp AS TIMESTAMP))
//   typed literals of non-SQL types → CAST('...' AS type); identifiers always double-quoted
//   Redshift-only DDL attributes (DISTKEY, SORTKEY, ENCODE, BACKUP) and informational
//   constraints (PRIMARY KEY, UNIQUE, REFERENCES: not enforced by Redshift) are dropped.
import type {
  ColumnDef,
  ColumnRef,
  Expr,
  OrderItem,
  FunctionCall,
  Ident,
  KeywordFunction,
  Query,
  Select,
  SelectItem,
  SetExpr,
  Statement,
  TableName,
  TypeName,
} from '../ast/index.js';
import { astEqual, conjuncts } from '../ast/index.js';
import { notSupported } from '../lexer/errors.js';
import { quoteIdentText, quoteString } from './quote.js';
import { StatementPrinter, type TableNameContext } from './statement.js';

export type { TableNameContext };

/**
 * Substitution points for the binder / code generator. Each returns the DuckDB text for the
 * node, or undefined to fall back to the default printing.
 */
export interface DuckDbHooks {
  /** Any expression, before everything else. */
  expr?(node: Expr, printer: DuckDbPrinter): string | undefined;
  /** A FROM-clause table: the relation text; `AS "name"` is added when the node has no alias. */
  tableRef?(node: TableName, printer: DuckDbPrinter): string | undefined;
  /** A table named by DML/DDL (INSERT INTO t, UPDATE t, DROP TABLE t, ...). */
  tableName?(parts: Ident[], context: TableNameContext, printer: DuckDbPrinter): string | undefined;
  /** A function call; printArgs() gives the default text between the parentheses. */
  functionCall?(
    node: FunctionCall,
    printArgs: () => string,
    printer: DuckDbPrinter,
  ): string | undefined;
  typeName?(node: TypeName, printer: DuckDbPrinter): string | undefined;
  columnRef?(node: ColumnRef, printer: DuckDbPrinter): string | undefined;
  /** A session setting's value, for translations that depend on one (JSON_PARSE's mode). */
  setting?(name: string): string;
  /** The sort key of an ORDER BY expression, when it sorts otherwise than by its value. */
  orderKey?(node: Expr, printer: DuckDbPrinter): string | undefined;
  /** CURRENT_USER, CURRENT_SCHEMA, ... (the session's values belong to the binder). */
  keywordFunction?(node: KeywordFunction, printer: DuckDbPrinter): string | undefined;
}

const REGEX_OPS: Record<string, { negated: boolean; flags: string }> = {
  '~': { negated: false, flags: '' },
  '!~': { negated: true, flags: '' },
  '~*': { negated: false, flags: 'i' },
  '!~*': { negated: true, flags: 'i' },
};

const DROPPED_COLLATIONS = new Set(['default', 'c', 'posix']);

/** Canonical type names → DuckDB types. */
const DUCKDB_TYPES: Record<string, string> = {
  int2: 'SMALLINT',
  int4: 'INTEGER',
  int8: 'BIGINT',
  float4: 'REAL',
  float8: 'DOUBLE',
  bool: 'BOOLEAN',
  bpchar: 'VARCHAR',
  varchar: 'VARCHAR',
  text: 'VARCHAR',
  date: 'DATE',
  time: 'TIME',
  timetz: 'TIMETZ',
  timestamp: 'TIMESTAMP',
  timestamptz: 'TIMESTAMPTZ',
  interval: 'INTERVAL',
  varbyte: 'BLOB',
  super: 'JSON',
};

/** A SELECT being printed: what its WHERE guarantees of the rows its list sees. */
interface SelectScope {
  /** Arguments of CAN_JSON_PARSE conjuncts of the WHERE: strict JSON in every row. */
  jsonGuards: Expr[];
  /** Its select list is being printed (not its FROM or WHERE, where no guard holds yet). */
  inList: boolean;
}

export class DuckDbPrinter extends StatementPrinter {
  private readonly selects: SelectScope[] = [];

  constructor(readonly hooks: DuckDbHooks = {}) {
    super();
  }

  /**
   * Whether `arg` is strict JSON text in every row the select list being printed sees: its
   * WHERE has CAN_JSON_PARSE(arg) as a conjunct (the streaming views' pattern), so JSON_PARSE
   * of it need not validate again.
   */
  guardedJson(arg: Expr): boolean {
    const scope = this.selects.at(-1);
    return scope !== undefined && scope.inList && scope.jsonGuards.some((g) => astEqual(g, arg));
  }

  override ident(id: Ident): string {
    return quoteIdentText(id.value);
  }

  override label(id: Ident): string {
    return quoteIdentText(id.value);
  }

  /** DuckDB strings are standard: backslashes are literal. */
  override string(value: string): string {
    return quoteString(value);
  }

  override functionName(parts: Ident[]): string {
    return parts
      .map((p) =>
        !p.quoted && /^[a-z_][a-z0-9_]*$/.test(p.value) ? p.value : quoteIdentText(p.value),
      )
      .join('.');
  }

  override orderItems(items: OrderItem[]): string {
    return items
      .map((o) => {
        let s = this.hooks.orderKey?.(o.expr, this) ?? this.expr(o.expr);
        if (o.direction) s += ` ${o.direction.toUpperCase()}`;
        if (o.nulls) s += ` NULLS ${o.nulls.toUpperCase()}`;
        return s;
      })
      .join(', ');
  }

  override expr(e: Expr): string {
    const hooked = this.hooks.expr?.(e, this);
    if (hooked !== undefined) return hooked;
    switch (e.kind) {
      case 'ColumnRef':
        return this.hooks.columnRef?.(e, this) ?? super.expr(e);
      case 'KeywordFunction':
        return this.hooks.keywordFunction?.(e, this) ?? this.keywordFunction(e);
      case 'Binary': {
        const re = REGEX_OPS[e.op];
        if (
          re &&
          (e.operatorSchema === undefined ||
            e.operatorSchema === 'pg_catalog' ||
            e.operatorSchema === '')
        ) {
          const flags = re.flags ? `, ${this.string(re.flags)}` : '';
          const call = `regexp_matches(${this.expr(e.left)}, ${this.expr(e.right)}${flags})`;
          return re.negated ? `(NOT ${call})` : call;
        }
        if (
          e.operatorSchema !== undefined &&
          e.operatorSchema !== 'pg_catalog' &&
          e.operatorSchema !== ''
        ) {
          throw notSupported(`OPERATOR(${e.operatorSchema}.${e.op})`, e.pos);
        }
        const [left, right] = unknownAsInteger(e.op, e.left, e.right);
        return this.binary(e.op, left, right, undefined);
      }
      case 'Collate': {
        const last = e.collation[e.collation.length - 1] as Ident;
        if (DROPPED_COLLATIONS.has(last.value.toLowerCase())) return `(${this.expr(e.expr)})`;
        return super.expr(e);
      }
      case 'IsTest': {
        const x = this.operand(e.expr, 40);
        if (e.test === 'null' || e.test === 'unknown')
          return `(${x} IS ${e.negated ? 'NOT ' : ''}NULL)`;
        return `(${x} IS ${e.negated ? '' : 'NOT '}DISTINCT FROM ${e.test === 'true' ? 'TRUE' : 'FALSE'})`;
      }
      case 'Substring': {
        const from = e.from ? this.expr(e.from) : '1';
        const args = e.for ? `${from}, ${this.expr(e.for)}` : from;
        return `substring(${this.expr(e.expr)}, ${args})`;
      }
      case 'Position':
        return `strpos(${this.expr(e.haystack)}, ${this.expr(e.needle)})`;
      case 'Trim': {
        const fn = e.side === 'leading' ? 'ltrim' : e.side === 'trailing' ? 'rtrim' : 'trim';
        return `${fn}(${this.expr(e.expr)}${e.chars ? `, ${this.expr(e.chars)}` : ''})`;
      }
      case 'Overlay': {
        const x = this.expr(e.expr);
        const y = this.expr(e.placing);
        const from = this.expr(e.from);
        const len = e.for ? this.expr(e.for) : `length(${y})`;
        return `(substring(${x}, 1, (${from}) - 1) || ${y} || substring(${x}, (${from}) + (${len})))`;
      }
      case 'Like':
        return this.like(e);
      case 'Between':
        if (e.symmetric) {
          const lo = this.expr(e.low);
          const hi = this.expr(e.high);
          const not = e.negated ? 'NOT ' : '';
          return `(${this.operand(e.expr, 60)} ${not}BETWEEN least(${lo}, ${hi}) AND greatest(${lo}, ${hi}))`;
        }
        return super.expr(e);
      case 'AtTimeZone':
        return `timezone(${this.expr(e.zone)}, ${this.expr(e.expr)})`;
      case 'Quantified':
        if (e.array !== undefined) {
          if (e.op === '=' && e.quantifier !== 'all')
            return `list_contains(${this.expr(e.array)}, ${this.expr(e.left)})`;
          if ((e.op === '<>' || e.op === '!=') && e.quantifier === 'all') {
            return `(NOT list_contains(${this.expr(e.array)}, ${this.expr(e.left)}))`;
          }
          throw notSupported(`${e.op} ${e.quantifier.toUpperCase()} (array)`, e.pos);
        }
        return super.expr(e);
      case 'ArrayExpr':
        return `[${this.exprs(e.elements)}]`;
      case 'Cast': {
        // DuckDB's VARCHAR has no length: keep PostgreSQL's truncation of x::varchar(n).
        const n = e.type.modifiers[0];
        if (
          (e.type.name === 'varchar' || e.type.name === 'bpchar') &&
          typeof n === 'number' &&
          e.type.arrayDims === 0
        ) {
          return `left(CAST(${this.expr(e.expr)} AS VARCHAR), ${n})`;
        }
        return super.expr(e);
      }
      default:
        return super.expr(e);
    }
  }

  /**
   * LIKE / ILIKE: PostgreSQL's default escape character is a backslash, DuckDB has none, so it
   * is written out. SIMILAR TO: PostgreSQL's SQL regular expression (% _ and a literal `.`)
   * becomes the POSIX regular expression DuckDB's SIMILAR TO matches in full.
   */
  like(e: Extract<Expr, { kind: 'Like' }>): string {
    const not = e.negated ? 'NOT ' : '';
    const x = this.operand(e.expr, 60);
    if (e.op !== 'similar') {
      const escape = e.escape ? this.operand(e.escape, 60) : this.string('\\');
      return `(${x} ${not}${e.op.toUpperCase()} ${this.operand(e.pattern, 60)} ESCAPE ${escape})`;
    }
    if (e.pattern.kind !== 'StringLit' || (e.escape && e.escape.kind !== 'StringLit')) {
      throw notSupported('SIMILAR TO with a non-constant pattern', e.pos);
    }
    const esc = e.escape?.kind === 'StringLit' ? e.escape.value : '\\';
    return `(${x} ${not}SIMILAR TO ${this.string(similarToPosix(e.pattern.value, esc))})`;
  }

  keywordFunction(e: KeywordFunction): string {
    switch (e.name) {
      case 'current_date':
        return 'current_date';
      case 'current_timestamp':
        return 'current_timestamp';
      case 'current_time':
        return 'CAST(current_timestamp AS TIMETZ)';
      case 'localtimestamp':
        return 'CAST(current_timestamp AS TIMESTAMP)';
      case 'localtime':
        return 'CAST(CAST(current_timestamp AS TIMESTAMP) AS TIME)';
      case 'current_schema':
        return 'current_schema()';
      case 'current_catalog':
        return 'current_database()';
      default:
        return 'current_user';
    }
  }

  override typedLit(type: TypeName, value: string): string {
    if (
      ['date', 'time', 'timestamp', 'timestamptz', 'interval'].includes(type.name) &&
      type.arrayDims === 0
    ) {
      if (type.name === 'interval' && type.intervalFields !== undefined) {
        return `INTERVAL ${this.string(value)} ${type.intervalFields.toUpperCase()}`;
      }
      return `${this.type(type)} ${this.string(value)}`;
    }
    return `CAST(${this.string(value)} AS ${this.type(type)})`;
  }

  override type(t: TypeName): string {
    const hooked = this.hooks.typeName?.(t, this);
    if (hooked !== undefined) return hooked;
    let base: string;
    if (t.name === 'numeric') {
      const [p, s] = t.modifiers;
      base = p === undefined ? 'DECIMAL(18, 0)' : `DECIMAL(${p}, ${s ?? 0})`;
    } else if (t.schema === undefined || t.schema.value === 'pg_catalog') {
      base = DUCKDB_TYPES[t.name] ?? quoteIdentText(t.name);
    } else {
      base = `${quoteIdentText(t.schema.value)}.${quoteIdentText(t.name)}`;
    }
    return base + '[]'.repeat(t.arrayDims);
  }

  override functionCall(e: FunctionCall): string {
    const printArgs = () => this.functionArgs(e);
    if (e.approximate) {
      // HyperLogLog, as Redshift's estimate (within a few percent; exact for small counts).
      const plain = { ...e, distinct: false, approximate: false };
      return this.functionCallWith(plain, 'approx_count_distinct', this.functionArgs(plain));
    }
    const hooked = this.hooks.functionCall?.(e, printArgs, this);
    if (hooked !== undefined) return hooked;
    if (e.name.length === 1 && e.name[0]?.value === 'getdate' && e.args.length === 0 && !e.star) {
      return "date_trunc('second', CAST(current_timestamp AS TIMESTAMP))";
    }
    return this.functionCallWith(e, this.functionName(e.name), printArgs());
  }

  override setOpName(op: 'union' | 'intersect' | 'except' | 'minus'): string {
    return op === 'minus' ? 'EXCEPT' : op.toUpperCase();
  }

  override select(s: Select): string {
    if (s.into)
      throw notSupported('SELECT ... INTO in DuckDB output (the binder rewrites it)', s.pos);
    const jsonGuards = (s.where ? conjuncts(s.where) : []).flatMap((c) =>
      c.kind === 'FunctionCall' &&
      c.args.length === 1 &&
      c.name.length === 1 &&
      c.name[0]!.value === 'can_json_parse'
        ? [c.args[0]!]
        : [],
    );
    this.selects.push({ jsonGuards, inList: false });
    try {
      return super.select(s);
    } finally {
      this.selects.pop();
    }
  }

  override selectItem(i: SelectItem): string {
    const scope = this.selects.at(-1);
    if (scope === undefined) return super.selectItem(i);
    scope.inList = true;
    try {
      return super.selectItem(i);
    } finally {
      scope.inList = false;
    }
  }

  override selectTop(): string {
    return '';
  }

  override setExpr(s: SetExpr, level: number): string {
    if (s.kind === 'Select' && s.top !== undefined && level > 0) {
      return `(${this.select(s)} LIMIT ${this.expr(s.top)})`;
    }
    return super.setExpr(s, level);
  }

  override query(q: Query): string {
    const top = q.body.kind === 'Select' ? (q.body as Select).top : undefined;
    if (top !== undefined && (q.limit !== undefined || q.fetch !== undefined)) {
      throw notSupported('TOP together with LIMIT or FETCH', q.pos);
    }
    return super.query(top === undefined ? q : { ...q, limit: top });
  }

  override queryTail(q: Query): string[] {
    const parts: string[] = [];
    if (q.orderBy.length > 0) parts.push(`ORDER BY ${this.orderItems(q.orderBy)}`);
    const limit = q.limit ?? q.fetch;
    if (limit) parts.push(`LIMIT ${this.expr(limit)}`);
    if (q.offset) parts.push(`OFFSET ${this.expr(q.offset)}`);
    return parts;
  }

  override tableRef(t: Parameters<StatementPrinter['tableRef']>[0]): string {
    if (t.kind === 'TableName') {
      const hooked = this.hooks.tableRef?.(t, this);
      if (hooked !== undefined) {
        const alias = t.alias ?? { name: t.name[t.name.length - 1] as Ident, columns: [] };
        return `${hooked}${this.alias(alias)}`;
      }
    }
    return super.tableRef(t);
  }

  override targetName(parts: Ident[], context: TableNameContext): string {
    return this.hooks.tableName?.(parts, context, this) ?? this.name(parts);
  }

  override statement(s: Statement): string {
    switch (s.kind) {
      case 'Query':
        return this.query(s);
      case 'Insert':
      case 'Update':
      case 'Delete':
        return super.statement(s);
      case 'Truncate':
        return `TRUNCATE ${s.tables.map((t) => this.targetName(t, 'truncate')).join(', ')}`;
      case 'CreateTable':
        return this.createTableDuckDb(s);
      case 'CreateView': {
        const cols = s.columns.length > 0 ? ` (${this.identList(s.columns)})` : '';
        return `CREATE ${s.orReplace ? 'OR REPLACE ' : ''}VIEW ${this.targetName(s.name, 'create')}${cols} AS ${this.query(s.query)}`;
      }
      case 'CreateSchema':
        if (s.name === undefined)
          throw notSupported('CREATE SCHEMA AUTHORIZATION in DuckDB output', s.pos);
        return `CREATE SCHEMA ${s.ifNotExists ? 'IF NOT EXISTS ' : ''}${this.ident(s.name)}`;
      case 'Drop':
        if (s.objectType !== 'table' && s.objectType !== 'view' && s.objectType !== 'schema') break;
        return `DROP ${s.objectType.toUpperCase()} ${s.ifExists ? 'IF EXISTS ' : ''}${s.names.map((n) => this.targetName(n, 'drop')).join(', ')}${s.behavior ? ` ${s.behavior.toUpperCase()}` : ''}`;
      case 'Explain':
        return `EXPLAIN ${s.analyze ? 'ANALYZE ' : ''}${this.statement(s.statement)}`;
      case 'Begin':
        return 'BEGIN TRANSACTION';
      case 'Commit':
        return 'COMMIT';
      case 'Rollback':
        return 'ROLLBACK';
      case 'AlterTable': {
        const [a, ...more] = s.actions;
        if (a === undefined || more.length > 0) break;
        const head = `ALTER TABLE ${s.ifExists ? 'IF EXISTS ' : ''}${this.targetName(s.name, 'alter')}`;
        switch (a.kind) {
          case 'AddColumn':
            return `${head} ADD COLUMN ${a.ifNotExists ? 'IF NOT EXISTS ' : ''}${this.columnDefDuckDb(a.column)}`;
          case 'DropColumn':
          case 'RenameColumn':
          case 'RenameTable':
          case 'AlterColumnType':
            return `${head} ${this.alterAction(a)}`;
          default:
            throw notSupported(`ALTER TABLE ${a.kind} in DuckDB output`, s.pos);
        }
      }
      default:
        break;
    }
    throw notSupported(`${s.kind} in DuckDB output`, s.pos);
  }

  createTableDuckDb(s: Extract<Statement, { kind: 'CreateTable' }>): string {
    if (s.like) throw notSupported('CREATE TABLE (LIKE ...) in DuckDB output', s.pos);
    const out = `CREATE ${s.temporary ? 'TEMP ' : ''}TABLE ${s.ifNotExists ? 'IF NOT EXISTS ' : ''}${this.targetName(s.name, 'create')}`;
    if (s.as) {
      if (s.columnNames) throw notSupported('CREATE TABLE (columns) AS in DuckDB output', s.pos);
      return `${out} AS ${this.query(s.as)}`;
    }
    for (const c of s.constraints) {
      if (c.kind === 'CheckConstraint') throw notSupported('CHECK constraints', s.pos);
    }
    return `${out} (${s.columns.map((c) => this.columnDefDuckDb(c)).join(', ')})`;
  }

  columnDefDuckDb(c: ColumnDef): string {
    const parts = [this.ident(c.name), this.type(c.type)];
    for (const k of c.constraints) {
      switch (k.kind) {
        case 'NotNull':
          parts.push('NOT NULL');
          break;
        case 'DefaultValue':
          parts.push(`DEFAULT ${this.operand(k.expr, 40)}`);
          break;
        case 'Collate': {
          const last = k.collation[k.collation.length - 1] as Ident;
          if (!DROPPED_COLLATIONS.has(last.value.toLowerCase()))
            parts.push(`COLLATE ${this.name(k.collation)}`);
          break;
        }
        case 'Identity':
        case 'GeneratedIdentity':
          throw notSupported('IDENTITY columns in DuckDB output (the binder rewrites them)', c.pos);
        case 'Check':
          throw notSupported('CHECK constraints', c.pos);
        default:
          // NULL, PRIMARY KEY, UNIQUE, REFERENCES (informational in Redshift), ENCODE,
          // DISTKEY, SORTKEY: nothing to say to DuckDB.
          break;
      }
    }
    return parts.join(' ');
  }
}

/** PostgreSQL's SQL-standard regular expression → POSIX (https://www.postgresql.org/docs/15/functions-matching.html). */
export function similarToPosix(pattern: string, escape: string): string {
  let out = '';
  let inBracket = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (escape !== '' && c === escape && i + 1 < pattern.length) {
      const next = pattern[++i] as string;
      out += /[A-Za-z0-9]/.test(next) ? next : `\\${next}`;
    } else if (inBracket) {
      out += c;
      if (c === ']') inBracket = false;
    } else if (c === '[') {
      inBracket = true;
      out += c;
    } else if (c === '%') {
      out += '.*';
    } else if (c === '_') {
      out += '.';
    } else if (c === '.' || c === '^' || c === '$' || c === '\\') {
      out += `\\${c}`;
    } else {
      out += c;
    }
  }
  return out;
}

/** DuckDB SQL for a statement, with the binder's substitutions. */
export function printDuckDb(stmt: Statement, hooks?: DuckDbHooks): string {
  return new DuckDbPrinter(hooks).statement(stmt);
}

/** DuckDB SQL for an expression. */
export function printDuckDbExpr(e: Expr, hooks?: DuckDbHooks): string {
  return new DuckDbPrinter(hooks).expr(e);
}

const ARITHMETIC = new Set(['+', '-', '*', '/', '%']);

/** An untyped string literal cast to the integer type of the literal beside it. */
function integerCast(literal: Expr, beside: Expr): Expr {
  if (literal.kind !== 'StringLit' || beside.kind !== 'NumberLit' || !/^\d+$/.test(beside.value)) {
    return literal;
  }
  const name = Number(beside.value) <= 2147483647 ? 'int4' : 'int8';
  return {
    kind: 'Cast',
    expr: literal,
    type: { kind: 'TypeName', name, spelling: name, modifiers: [], arrayDims: 0, pos: literal.pos },
    syntax: 'cast',
    pos: literal.pos,
  };
}

/**
 * PostgreSQL and Redshift resolve an untyped string literal beside an integer literal as an
 * integer (`1 + '2'` is 3); DuckDB finds no operator for the pair. The literal becomes a cast,
 * which fails as PostgreSQL does for text that is no integer.
 */
function unknownAsInteger(op: string, left: Expr, right: Expr): [Expr, Expr] {
  if (!ARITHMETIC.has(op)) return [left, right];
  return [integerCast(left, right), integerCast(right, left)];
}
