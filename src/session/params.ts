// Bound parameters of the extended protocol. Queries bind them in DuckDB ($1..$n); statements
// that go through the lake's API (INSERT, UPDATE, DELETE take DuckDB SQL text) get them as typed
// SQL literals in the generated text, built here from the decoded value.
import { quoteLiteral } from '../common/sql-quote.js';
import type { BoundParameter } from '../engine/index.js';

function textOf(value: unknown): string {
  if (value instanceof Uint8Array) {
    return [...value].map((b) => `\\x${b.toString(16).padStart(2, '0')}`).join('');
  }
  return String(value);
}

export function literal(p: BoundParameter): string {
  const type = p.type?.toString();
  if (p.value === null || p.value === undefined) return type ? `CAST(NULL AS ${type})` : 'NULL';
  const text = quoteLiteral(textOf(p.value));
  return type ? `CAST(${text} AS ${type})` : text;
}

export function literals(params: readonly BoundParameter[]): string[] {
  return params.map(literal);
}
