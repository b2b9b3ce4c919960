// Building blocks for the DuckDB SQL the lake generates (scans, staging, file writes). These
// quote names and values the lake itself produces; no SQL text from users is edited here.

export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

export function quoteLiteral(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** A VARCHAR literal or NULL. */
export function textOrNull(value: string | null | undefined): string {
  return value === null || value === undefined ? 'NULL' : quoteLiteral(value);
}

export function listOfLiterals(values: readonly string[]): string {
  return `[${values.map(quoteLiteral).join(', ')}]`;
}
