// Quoting of names and values in generated SQL (DuckDB's and PostgreSQL's rules agree here):
// "name" with doubled double quotes, 'text' with doubled single quotes.

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
