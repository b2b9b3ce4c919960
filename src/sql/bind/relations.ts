// Finds every relation a statement reads (TableName nodes in FROM lists, joins and subqueries
// at any depth), skipping names that refer to a WITH query in scope. The session resolves each
// to a lake table, a temp table, a view or a system relation before code generation.
import type { Cte, Query, TableName } from '../ast/index.js';
import { visit } from '../ast/index.js';

type Scope = readonly ReadonlySet<string>[];

function inScope(scope: Scope, name: string): boolean {
  return scope.some((s) => s.has(name));
}

/** TableName nodes that name stored relations (not CTEs), in the order they appear. */
export function relationRefs(node: unknown): TableName[] {
  const out: TableName[] = [];
  walk(node, [], out);
  return out;
}

function walk(node: unknown, scope: Scope, out: TableName[]): void {
  visit(node, (n) => {
    if (n.kind === 'Query' && (n as Query).with) {
      const q = n as Query;
      const names = new Set<string>();
      const inner = [...scope, names];
      const ctes: Cte[] = q.with!.ctes;
      if (q.with!.recursive) for (const c of ctes) names.add(c.name.value);
      for (const cte of ctes) {
        walk(cte.query, inner, out);
        names.add(cte.name.value);
      }
      const { with: _with, ...rest } = q;
      walk(rest, inner, out);
      return false;
    }
    if (n.kind === 'TableName') {
      const t = n as TableName;
      if (!(t.name.length === 1 && inScope(scope, t.name[0]!.value))) out.push(t);
      return false;
    }
    return undefined;
  });
}
