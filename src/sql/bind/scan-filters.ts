// Simple predicates a scan can use to skip files: for each table a SELECT reads directly (in its
// FROM list or joins), the conjuncts of its WHERE that compare one of that table's columns with
// a literal (`c >= 10`, `5 < t.c`, `c BETWEEN 'a' AND 'f'`, `c = DATE '2024-01-01'`). Every such
// predicate rejects NULL, so a file whose min/max prove no row can satisfy it may be left out
// whatever the join, even on the nullable side of an outer join (the rows it would add fail the
// WHERE anyway). Anything less simple (OR, functions, parameters, other tables' columns) gives no
// filter, and the file stays in.
import type { Expr, Select, TableName, TableRef } from '../ast/index.js';
import { conjuncts, visit } from '../ast/index.js';
import { identValue } from './names.js';
import { declaredKind } from './value-kinds.js';
import { withoutTrailingBlanks } from './trailing-blanks.js';

export interface ScanFilter {
  /** The column's name as the binder resolves it. */
  column: string;
  op: '=' | '<' | '<=' | '>' | '>=';
  /** The literal's text ('42', '-1.5', 'abc', '2024-01-31'). */
  value: string;
  /** A number literal, or a string (also a typed DATE/TIMESTAMP literal). */
  literal: 'number' | 'string';
}

const FLIPPED: Record<ScanFilter['op'], ScanFilter['op']> = {
  '=': '=',
  '<': '>',
  '<=': '>=',
  '>': '<',
  '>=': '<=',
};

/** Tables in a FROM item, through joins but not into subqueries. */
function tablesOf(ref: TableRef, out: TableName[]): void {
  if (ref.kind === 'TableName') out.push(ref);
  else if (ref.kind === 'Join') {
    tablesOf(ref.left, out);
    tablesOf(ref.right, out);
  }
}

function literal(e: Expr): Pick<ScanFilter, 'value' | 'literal'> | undefined {
  switch (e.kind) {
    case 'NumberLit':
      return { value: e.value, literal: 'number' };
    case 'StringLit':
      return { value: e.value, literal: 'string' };
    case 'TypedLit':
      return ['date', 'timestamp'].includes(e.type.name)
        ? { value: e.value, literal: 'string' }
        : undefined;
    case 'Unary':
      return e.op === '-' && e.operand.kind === 'NumberLit'
        ? { value: `-${e.operand.value}`, literal: 'number' }
        : undefined;
    default:
      return undefined;
  }
}

/**
 * The filters of each TableName a query reads directly. `caseSensitive`: the session's
 * enable_case_sensitive_identifier.
 */
export function scanFilters(root: unknown, caseSensitive: boolean): Map<TableName, ScanFilter[]> {
  const out = new Map<TableName, ScanFilter[]>();
  visit(root, (n) => {
    if (n.kind !== 'Select') return undefined;
    const s = n as Select;
    if (s.where === undefined) return undefined;
    const tables: TableName[] = [];
    for (const ref of s.from) tablesOf(ref, tables);
    const single = s.from.length === 1 && s.from[0]?.kind === 'TableName';
    // A column reference names one of these tables: qualified by its alias (or its name when it
    // has none); unqualified only when it is the only relation in the FROM list.
    const owner = (parts: { value: string; quoted: boolean }[]): TableName | undefined => {
      if (parts.length === 1) return single ? tables[0] : undefined;
      if (parts.length !== 2) return undefined;
      const q = identValue(parts[0]!, caseSensitive);
      const matches = tables.filter((t) => {
        const name = t.alias ? t.alias.name : t.name.at(-1)!;
        return identValue(name, caseSensitive) === q;
      });
      return matches.length === 1 ? matches[0] : undefined;
    };
    const add = (column: Expr, op: ScanFilter['op'], value: Expr) => {
      if (column.kind !== 'ColumnRef') return;
      const v = literal(value);
      const t = owner(column.parts);
      if (v === undefined || t === undefined || (t.alias?.columns.length ?? 0) > 0) return;
      const list = out.get(t) ?? [];
      list.push({ column: identValue(column.parts.at(-1)!, caseSensitive), op, ...v });
      out.set(t, list);
    };
    for (const e of conjuncts(s.where)) {
      if (e.kind === 'Binary' && e.op in FLIPPED && e.operatorSchema === undefined) {
        const op = e.op as ScanFilter['op'];
        add(e.left, op, e.right);
        add(e.right, FLIPPED[op], e.left);
      } else if (e.kind === 'Between' && !e.negated && !e.symmetric) {
        add(e.expr, '>=', e.low);
        add(e.expr, '<=', e.high);
      }
    }
    return undefined;
  });
  return out;
}

/**
 * The pruning form of a filter on a character column (its declared type text), or undefined
 * when the column is none: trailing blanks do not count in the comparison (trailing-blanks.ts).
 * CHAR(n) values are stored without them, so the literal loses its own. A VARCHAR value may
 * have them: `= 'x'` holds only for values in ['x', 'x!'), `>= 'x'` and `> 'x'` only for values
 * that compare so with their blanks too, and `<`/`<=` prove nothing about stored values.
 */
export function stringPruningFilters(
  f: ScanFilter,
  declared: string | null,
): Pick<ScanFilter, 'column' | 'op' | 'value'>[] | undefined {
  const kind = declaredKind(declared);
  if (kind === undefined || kind.kind === 'literal') return undefined;
  if (f.literal !== 'string') return [];
  const value = withoutTrailingBlanks(f.value);
  const column = f.column;
  if (kind.kind === 'char') return [{ column, op: f.op, value }];
  switch (f.op) {
    case '=':
      return [
        { column, op: '>=', value },
        { column, op: '<', value: `${value}!` },
      ];
    case '>':
    case '>=':
      return [{ column, op: f.op, value }];
    default:
      return [];
  }
}
