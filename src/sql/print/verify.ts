// The reparse check (DuckDB's debug mode, STYLE.md item 6): print a statement as Redshift SQL,
// parse it again and require the same tree. src/sql/index.ts runs it on every parsed statement
// when LAKESHIFT_SQL_VERIFY=1, so any test suite can turn it on.
import { LakeshiftError, SqlState } from '../../common/errors.js';
import { astEqual, type Statement } from '../ast/index.js';
import { parse } from '../parser/index.js';
import { printRedshift } from './statement.js';

export function verifyRoundTrip(stmt: Statement): void {
  const printed = printRedshift(stmt);
  let again: Statement[];
  try {
    again = parse(printed);
  } catch (e) {
    throw new LakeshiftError(SqlState.internalError, 'printed statement does not parse', {
      detail: printed,
      cause: e,
    });
  }
  if (again.length !== 1 || !astEqual(stmt, again[0])) {
    throw new LakeshiftError(SqlState.internalError, 'printed statement parses differently', {
      detail: printed,
    });
  }
}
