// Whether a statement's result can change while the data it reads does not: functions that
// read the clock, draw random numbers or report the session. Redshift answers a repeated query
// from its result cache only when it calls none of them (the GETDATE rule of the result cache).
import type { ColumnRef, FunctionCall, KeywordFunction } from '../ast/index.js';
import { visit } from '../ast/walk.js';

const VOLATILE_FUNCTIONS = new Set([
  'getdate',
  'sysdate',
  'now',
  'timeofday',
  'clock_timestamp',
  'statement_timestamp',
  'transaction_timestamp',
  'random',
  'setseed',
  'gen_random_uuid',
  'uuid',
  'nextval',
  'pg_backend_pid',
  'pg_sleep',
  'current_setting',
  'pg_last_query_id',
  'pg_last_copy_id',
  'pg_last_copy_count',
]);

const VOLATILE_KEYWORDS = new Set([
  'current_date',
  'current_time',
  'current_timestamp',
  'localtime',
  'localtimestamp',
]);

/** Answers per statement tree, since the same parsed statement runs again and again. */
const known = new WeakMap<object, boolean>();

/** True when the statement calls a function whose value may differ between two runs. */
export function callsVolatileFunction(root: object): boolean {
  const cached = known.get(root);
  if (cached !== undefined) return cached;
  let found = false;
  visit(root, (node) => {
    if (node.kind === 'FunctionCall') {
      const name = (node as FunctionCall).name;
      const last = name[name.length - 1];
      if (last !== undefined && VOLATILE_FUNCTIONS.has(last.value.toLowerCase())) found = true;
    } else if (node.kind === 'KeywordFunction') {
      if (VOLATILE_KEYWORDS.has((node as KeywordFunction).name)) found = true;
    } else if (node.kind === 'ColumnRef') {
      // SYSDATE is written without parentheses.
      const parts = (node as ColumnRef).parts;
      const only = parts[0];
      if (parts.length === 1 && !only!.quoted && only!.value.toLowerCase() === 'sysdate') {
        found = true;
      }
    }
    return !found;
  });
  known.set(root, found);
  return found;
}
