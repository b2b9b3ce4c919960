// Temporary until the DuckDB printer lands (src/sql/print): fails clearly.
import { LakeshiftError, SqlState } from '../../common/errors.js';
import type { Expr, Query } from '../ast/index.js';

export type DuckDbHooks = Record<string, unknown>;

export function printDuckDb(_q: Query, _hooks: DuckDbHooks): string {
  throw new LakeshiftError(SqlState.featureNotSupported, 'queries are not wired up yet');
}
export function printDuckDbExpr(_e: Expr, _hooks: DuckDbHooks): string {
  throw new LakeshiftError(SqlState.featureNotSupported, 'expressions are not wired up yet');
}
export function printRedshift(_s: unknown): string {
  throw new LakeshiftError(SqlState.featureNotSupported, 'printing is not wired up yet');
}
