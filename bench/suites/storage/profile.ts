// DuckDB's JSON query profile, flattened: where a query's time goes, operator by operator. Used
// to explain a missed scan target (is it the Parquet reader, or the operators above it?).
import type { DuckDBConnection } from '@duckdb/node-api';
import { readFileSync } from 'node:fs';

export interface OperatorTime {
  type: string;
  /** READ_PARQUET, SEQ_SCAN ... for scans; the operator name otherwise. */
  name: string;
  seconds: number;
  rows: number;
  depth: number;
}

export interface QueryProfile {
  latencySeconds: number;
  cpuSeconds: number;
  operators: OperatorTime[];
}

interface ProfileNode {
  operator_type?: string;
  operator_name?: string;
  operator_timing?: number;
  operator_cardinality?: number;
  latency?: number;
  cpu_time?: number;
  extra_info?: Record<string, unknown>;
  children?: ProfileNode[];
}

function flatten(node: ProfileNode, depth: number, out: OperatorTime[]): void {
  if (node.operator_type !== undefined) {
    const fn = node.extra_info?.Function;
    out.push({
      type: node.operator_type,
      name: typeof fn === 'string' ? fn : (node.operator_name ?? node.operator_type),
      seconds: node.operator_timing ?? 0,
      rows: node.operator_cardinality ?? 0,
      depth,
    });
  }
  for (const c of node.children ?? []) flatten(c, depth + 1, out);
}

/** Runs sql once with JSON profiling on (written to profilePath) and returns the profile. */
export async function profileQuery(
  conn: DuckDBConnection,
  sql: string,
  profilePath: string,
): Promise<QueryProfile> {
  await conn.run(`PRAGMA enable_profiling = 'json'`);
  await conn.run(`PRAGMA profiling_output = '${profilePath.replace(/'/g, "''")}'`);
  try {
    await conn.runAndReadAll(sql);
  } finally {
    await conn.run(`PRAGMA disable_profiling`);
  }
  const root = JSON.parse(readFileSync(profilePath, 'utf8')) as ProfileNode;
  const operators: OperatorTime[] = [];
  flatten(root, 0, operators);
  return { latencySeconds: root.latency ?? 0, cpuSeconds: root.cpu_time ?? 0, operators };
}

/** Seconds spent in scan operators (TABLE_SCAN: READ_PARQUET, SEQ_SCAN) and in all the others. */
export function scanShare(p: QueryProfile): { scan: number; other: number } {
  let scan = 0;
  let other = 0;
  for (const op of p.operators) {
    if (op.type === 'TABLE_SCAN') scan += op.seconds;
    else other += op.seconds;
  }
  return { scan, other };
}
