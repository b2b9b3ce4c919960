// Building blocks for the DuckDB SQL the lake generates (scans, staging, file writes). These
// quote names and values the lake itself produces; no SQL text from users is edited here.

import { quoteLiteral } from '../../common/sql-quote.js';

export { quoteIdent, quoteLiteral, textOrNull } from '../../common/sql-quote.js';

export function listOfLiterals(values: readonly string[]): string {
  return `[${values.map(quoteLiteral).join(', ')}]`;
}
