// Result column names as PostgreSQL and Redshift give them to unaliased select items
// (FigureColname): a column's name, a function's name, a cast's type, "case", or "?column?".
// DuckDB names such columns after their expression text, which clients would see otherwise.
import type { Expr, Query, Select, SetExpr } from '../ast/index.js';
import { visit } from '../ast/index.js';

const TRIM_NAMES = { leading: 'ltrim', trailing: 'rtrim', both: 'btrim' } as const;

/** The name, or undefined when PostgreSQL would fall back to "?column?". */
function figure(e: Expr): string | undefined {
  switch (e.kind) {
    case 'ColumnRef':
      return e.parts[e.parts.length - 1]?.value;
    case 'FunctionCall':
      return e.name[e.name.length - 1]?.value;
    case 'KeywordFunction':
      return e.name === 'user' ? 'current_user' : e.name;
    case 'Cast':
      return figure(e.expr) ?? e.type.name;
    case 'TypedLit':
      return e.type.name;
    case 'Collate':
      return figure(e.expr);
    case 'Subscript':
    case 'FieldSelect':
      return e.kind === 'FieldSelect' && e.field ? e.field.value : figure(e.expr);
    case 'Case':
      return 'case';
    case 'ArrayExpr':
    case 'ArraySubquery':
      return 'array';
    case 'RowExpr':
      return 'row';
    case 'Exists':
      return 'exists';
    case 'Subquery':
      return firstColumnName(e.query);
    case 'Extract':
      return 'extract';
    case 'Substring':
      return 'substring';
    case 'Position':
      return 'position';
    case 'Trim':
      return TRIM_NAMES[e.side ?? 'both'];
    case 'Overlay':
      return 'overlay';
    case 'AtTimeZone':
      return 'timezone';
    default:
      return undefined;
  }
}

function firstColumnName(q: Query): string | undefined {
  let body: SetExpr = q.body;
  while (body.kind === 'SetOperation' || body.kind === 'Query') {
    body = body.kind === 'Query' ? body.body : body.left;
  }
  if (body.kind !== 'Select') return undefined;
  const item = body.items[0];
  if (item === undefined) return undefined;
  return item.alias?.value ?? figure(item.expr);
}

export function columnName(e: Expr): string {
  return figure(e) ?? '?column?';
}

/**
 * Gives every unaliased select item of the query (and of its subqueries) its PostgreSQL name,
 * as an explicit alias. Idempotent; returns the same tree.
 */
export function nameResultColumns(node: unknown, caseSensitive = false): void {
  visit(node, (n) => {
    if (n.kind !== 'Select') return;
    for (const item of (n as Select).items) {
      if (item.alias === undefined && item.expr.kind !== 'Star') {
        item.alias = { value: columnName(item.expr), quoted: true };
      } else if (
        item.alias?.quoted &&
        !caseSensitive &&
        item.alias.value !== item.alias.value.toLowerCase()
      ) {
        // Redshift folds quoted names to lower case too unless enable_case_sensitive_identifier.
        item.alias = { ...item.alias, value: item.alias.value.toLowerCase() };
      }
    }
  });
}
