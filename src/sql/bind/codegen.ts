// DuckDB code generation: the bound statement printed by the DuckDB printer, with the binder's
// substitutions — relations become snapshot scans / system relations, parameters become $n or
// literals, Redshift types become DuckDB types, session functions become constants, and system
// functions their translations. Never string patching of the user's SQL: every substitution is
// of an AST node.
import { LakeshiftError, SqlState } from '../../common/errors.js';
import { quoteIdent, quoteLiteral } from '../../common/sql-quote.js';
import type {
  ColumnRef,
  Expr,
  FunctionCall,
  KeywordFunction,
  Param,
  Query,
  TableName,
  TypeName,
} from '../ast/index.js';
import { printDuckDb, printDuckDbExpr, type DuckDbHooks } from '../print/index.js';
import { nameResultColumns } from './colnames.js';
import { noFunctionCall } from '../../engine/udfs.js';
import { translateRedshiftCall } from './functions.js';
import { extractSql } from './functions-datetime.js';
import { divisionSql, unifyLiterals } from './function-helpers.js';
import { substringSql } from './functions-string.js';
import { fieldOrder, normalizeDateLiteral, normalizeIntervalLiteral } from './datetime-literals.js';
import { identValue } from './names.js';
import { resolveType } from './types.js';
import { ValueKinds, type DeclaredColumn } from './value-kinds.js';
import {
  superArithmeticSql,
  superCase,
  superCastSql,
  superComparisonSql,
  superOrderKeySql,
  superPathSql,
  unnestSql,
} from './super.js';
import {
  charCastSql,
  charOctetLengthSql,
  outputPadding,
  padSql,
  stringComparisonSql,
  type OutputPadding,
} from './trailing-blanks.js';

export interface CodegenContext {
  /** DuckDB SQL of each relation the statement reads (from the resolver). */
  relations: Map<TableName, string>;
  /** SQL literals for $1..$n, or 'placeholders' to keep $n for DuckDB binding. */
  params: readonly string[] | 'placeholders';
  caseSensitive: boolean;
  currentUser: string;
  sessionUser: string;
  database: string;
  searchPath: readonly string[];
  processId: number;
  setting(name: string): string;
  /** System functions (version(), format_type ...): DuckDB SQL, or undefined when unknown. */
  functionCall?: (name: string, args: string[]) => string | undefined;
  /** Casts to object identifier types (regclass ...): DuckDB SQL, or undefined for others. */
  regCast?: (typeName: string, operand: Expr, operandSql: string) => string | undefined;
  /**
   * Whether DuckDB has a function of this name. A call of a name that is neither DuckDB's nor
   * translated fails with 42883 naming the argument types (see noFunctionCall).
   */
  functionExists?: (name: string) => boolean;
  /**
   * When the current transaction started: SYSDATE, CURRENT_DATE and CURRENT_TIMESTAMP are that
   * time in a transaction block, GETDATE and TIMEOFDAY the statement's (DuckDB's own clock).
   * https://docs.aws.amazon.com/redshift/latest/dg/Date_functions_header.html
   */
  transactionStart?: Date;
  /** The declared columns of the lake tables among `relations` (CHAR(n) and VARCHAR rules). */
  relationColumns?: ReadonlyMap<TableName, readonly DeclaredColumn[]>;
  /** Dotted FROM names the resolver found no relation for: PartiQL unnesting, or this error. */
  unresolvedRelations?: ReadonlyMap<TableName, Error>;
  /** Tables an expression translated alone sees (the target of UPDATE/DELETE), by name. */
  exprScope?: readonly { name: string; columns: readonly DeclaredColumn[] }[];
  /** The rows go to the client: CHAR(n) values of the select list are padded to n. */
  padCharOutput?: boolean;
}

const DATE_TYPES = new Set(['date', 'timestamp', 'timestamptz']);

const INTEGER_RANGES: Record<string, [bigint, bigint, string]> = {
  int2: [-32768n, 32767n, 'smallint'],
  int4: [-2147483648n, 2147483647n, 'integer'],
  int8: [-(2n ** 63n), 2n ** 63n - 1n, 'bigint'],
};

/**
 * A string literal cast to an integer type must be an integer in its range, checked here as
 * PostgreSQL checks constants ('1.5'::int fails; DuckDB would round it).
 */
function checkIntegerLiteral(type: TypeName, text: string, pos: number | undefined): void {
  const range = INTEGER_RANGES[type.name];
  if (range === undefined || type.arrayDims > 0) return;
  const t = text.trim();
  if (!/^[+-]?\d+$/.test(t)) {
    throw new LakeshiftError(
      SqlState.invalidTextRepresentation,
      range[2] === 'bigint'
        ? `invalid input syntax for type bigint: "${text}"`
        : `invalid input syntax for integer: "${text}"`,
      { position: pos },
    );
  }
  const n = BigInt(t);
  if (n < range[0] || n > range[1]) {
    throw new LakeshiftError(
      SqlState.numericValueOutOfRange,
      `value "${text}" is out of range for type ${range[2]}`,
      { position: pos },
    );
  }
}

function hooks(ctx: CodegenContext, kinds: ValueKinds, padding?: OutputPadding): DuckDbHooks {
  /** A date/timestamp literal in the session's DateStyle field order, as ISO for DuckDB. */
  const dateLiteral = (type: TypeName, text: string): string | undefined => {
    if (type.name === 'interval' && type.intervalFields !== undefined && type.arrayDims === 0) {
      return `CAST(${quoteLiteral(normalizeIntervalLiteral(text, type.intervalFields))} AS INTERVAL)`;
    }
    if (!DATE_TYPES.has(type.name)) return undefined;
    const iso = normalizeDateLiteral(text, fieldOrder(ctx.setting('DateStyle')));
    return `CAST(${quoteLiteral(iso)} AS ${resolveType(type).duckdb})`;
  };
  /** The transaction's start as a TIMESTAMPTZ (DuckDB's transaction clock when unknown). */
  const transactionTimestamp = (): string =>
    ctx.transactionStart === undefined
      ? 'current_timestamp'
      : `CAST(${quoteLiteral(ctx.transactionStart.toISOString())} AS TIMESTAMPTZ)`;
  const modes = {
    strictNavigation: ctx.setting('navigate_super_null_on_error') === 'off',
    strictCasts: ctx.setting('cast_super_null_on_error') === 'off',
  };
  const param = (node: Param): string => {
    if (ctx.params === 'placeholders') return `$${node.index}`;
    const value = ctx.params[node.index - 1];
    if (value === undefined) {
      throw new LakeshiftError(
        SqlState.undefinedParameter,
        `there is no parameter $${node.index}`,
        {
          position: node.pos,
        },
      );
    }
    return value;
  };
  return {
    tableRef(node: TableName, printer): string | undefined {
      // The printer adds the alias (the node's, or the relation's last name part).
      const sql = ctx.relations.get(node);
      if (sql !== undefined) return sql;
      const unnested = kinds.unnested(node);
      if (unnested !== undefined) {
        const value =
          superPathSql(unnested, kinds, printer, ctx.caseSensitive, modes.strictNavigation) ??
          printer.expr(unnested);
        return unnestSql(node, value, ctx.caseSensitive);
      }
      const error = ctx.unresolvedRelations?.get(node);
      if (error !== undefined) throw error;
      return undefined;
    },
    expr(node: Expr, printer): string | undefined {
      const pad = padding?.exprs.get(node);
      if (pad !== undefined) {
        padding!.exprs.delete(node);
        const value = printer.expr(node);
        padding!.exprs.set(node, pad);
        return padSql(value, pad);
      }
      const compared = stringComparisonSql(node, kinds, printer);
      if (compared !== undefined) return compared;
      switch (node.kind) {
        case 'Star':
          return padding?.stars.get(node);
        case 'Param':
          return param(node);
        case 'ColumnRef':
        case 'Subscript':
        case 'FieldSelect':
          return superPathSql(node, kinds, printer, ctx.caseSensitive, modes.strictNavigation);
        case 'Cast': {
          const superCast = superCastSql(node, kinds, printer, modes.strictCasts);
          if (superCast !== undefined) return superCast;
          // Object identifier casts ('t'::regclass, oid::regtype) look the object up.
          const reg = ctx.regCast?.(node.type.name, node.expr, printer.expr(node.expr));
          if (reg !== undefined) return reg;
          const target = node.type;
          if (target.name === 'bpchar' && target.arrayDims === 0 && target.schema === undefined) {
            const n = target.modifiers[0];
            return charCastSql(printer.expr(node.expr), typeof n === 'number' ? n : undefined);
          }
          if (node.expr.kind !== 'StringLit') return undefined;
          checkIntegerLiteral(node.type, node.expr.value, node.expr.pos);
          return dateLiteral(node.type, node.expr.value);
        }
        case 'TypedLit':
          return dateLiteral(node.type, node.value);
        case 'Case': {
          const withSuperBranches = superCase(node, kinds);
          if (withSuperBranches !== undefined) return printer.expr(withSuperBranches);
          // String literal branches take the other branches' type, as in PostgreSQL.
          const branches = [...node.whens.map((w) => w.then), ...(node.else ? [node.else] : [])];
          const typed = unifyLiterals(branches);
          if (typed === branches) return undefined;
          return printer.expr({
            ...node,
            whens: node.whens.map((w, i) => ({ ...w, then: typed[i]! })),
            ...(node.else ? { else: typed[typed.length - 1]! } : {}),
          });
        }
        case 'Extract':
          return extractSql(node, printer);
        case 'Substring':
          // SUBSTRING(x FROM a FOR b) counts like SUBSTRING(x, a, b).
          return substringSql(
            printer.expr(node.expr),
            node.from ? printer.expr(node.from) : '1',
            node.for ? printer.expr(node.for) : undefined,
          );
        case 'Binary':
          if (kinds.isSuper(node.left) || kinds.isSuper(node.right)) {
            const superSql =
              superComparisonSql(node, kinds, printer) ?? superArithmeticSql(node, kinds, printer);
            if (superSql !== undefined) return superSql;
          }
          if (node.op === '/' || node.op === '%') {
            return divisionSql(printer.expr(node.left), node.op, printer.expr(node.right));
          }
          return undefined;
        default:
          return undefined;
      }
    },
    columnRef(node: ColumnRef): string | undefined {
      // SYSDATE: the transaction's start time (Redshift reserves the word).
      if (node.parts.length === 1 && node.parts[0]!.value === 'sysdate' && !node.parts[0]!.quoted) {
        return `CAST(${transactionTimestamp()} AS TIMESTAMP)`;
      }
      // schema.table.column and db.schema.table.column name the relation by its full name; in
      // the generated SQL each relation is aliased by its last name part.
      if (node.parts.length <= 2) return undefined;
      return node.parts
        .slice(-2)
        .map((p) => quoteIdent(identValue(p, ctx.caseSensitive)))
        .join('.');
    },
    setting: (name) => ctx.setting(name),
    orderKey(node: Expr, printer): string | undefined {
      return kinds.isSuper(node) ? superOrderKeySql(printer.expr(node)) : undefined;
    },
    typeName(node: TypeName): string | undefined {
      return resolveType(node).duckdb;
    },
    keywordFunction(node: KeywordFunction): string | undefined {
      switch (node.name) {
        case 'current_user':
        case 'current_role':
        case 'user':
          return quoteLiteral(ctx.currentUser);
        case 'session_user':
          return quoteLiteral(ctx.sessionUser);
        case 'current_catalog':
          return quoteLiteral(ctx.database);
        case 'current_schema':
          return ctx.searchPath[0] === undefined ? 'NULL' : quoteLiteral(ctx.searchPath[0]);
        case 'current_timestamp':
          return node.precision === undefined ? transactionTimestamp() : undefined;
        case 'current_date':
          return `CAST(${transactionTimestamp()} AS DATE)`;
        default:
          return undefined;
      }
    },
    functionCall(node: FunctionCall, _printArgs, printer): string | undefined {
      const octets = charOctetLengthSql(node, kinds, printer);
      if (octets !== undefined) return octets;
      const redshift = translateRedshiftCall(node, printer);
      if (redshift !== undefined) return redshift;
      const name = node.name.map((p) => identValue(p, false)).join('.');
      const qualified = name.startsWith('pg_catalog.');
      const plain = qualified ? name.slice('pg_catalog.'.length) : name;
      const simple = !(node.over || node.filter || node.distinct || node.orderBy.length > 0);
      const translated =
        simple && ctx.functionCall
          ? ctx.functionCall(
              plain,
              node.args.map((a) => printer.expr(a)),
            )
          : undefined;
      if (translated !== undefined) return translated;
      const unqualified = qualified || node.name.length === 1;
      if (unqualified && ctx.functionExists !== undefined && !ctx.functionExists(plain)) {
        return noFunctionCall(
          plain,
          node.pos,
          node.args.map((a) => printer.expr(a)),
        );
      }
      // pg_catalog.f(...) is the built-in f: DuckDB knows it unqualified.
      if (qualified) return printer.expr({ ...node, name: node.name.slice(-1) });
      return undefined;
    },
  };
}

const NO_COLUMNS: ReadonlyMap<TableName, readonly DeclaredColumn[]> = new Map();

export function toDuckDb(query: Query, ctx: CodegenContext): string {
  nameResultColumns(query, ctx.caseSensitive);
  const kinds = ValueKinds.of(query, ctx.relationColumns ?? NO_COLUMNS, ctx.caseSensitive);
  const padding = ctx.padCharOutput ? outputPadding(query, kinds) : undefined;
  return printDuckDb(query, hooks(ctx, kinds, padding));
}

export function toDuckDbExpr(expr: Expr, ctx: CodegenContext): string {
  const kinds = ValueKinds.of(
    expr,
    ctx.relationColumns ?? NO_COLUMNS,
    ctx.caseSensitive,
    ctx.exprScope,
  );
  return printDuckDbExpr(expr, hooks(ctx, kinds));
}
