// Statements of a query string as the session runs them.
import type { Statement } from '../ast/index.js';

/** The text of one statement of a multi-statement string (for query history). */
export function statementText(sql: string, stmt: Statement): string {
  const span = (stmt as { span?: { start: number; end: number } }).span;
  return span ? sql.slice(span.start, span.end).trim() : sql.trim();
}
