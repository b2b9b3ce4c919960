// Printers: Redshift SQL (round trip) and DuckDB SQL (syntax translation with binder hooks).
export {
  dollarQuoted,
  printRedshift,
  printRedshiftExpr,
  printRedshiftType,
  StatementPrinter,
} from './statement.js';
export { printDuckDb, printDuckDbExpr, DuckDbPrinter } from './duckdb.js';
export type { DuckDbHooks, TableNameContext } from './duckdb.js';
export { identText, quoteIdentText, quoteString } from './quote.js';
