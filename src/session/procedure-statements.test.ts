// A procedure's SQL statements are prepared once and run many times: in a session of its own
// (a lake in a temp directory, no server), a loop of N iterations prepares as many statements as
// a loop of 2N, and each run binds that iteration's values (NULL included).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { openLocalSession, quietSink, type LocalSession } from '../../test/support/session.js';
import { procedureStatementCounts } from './procedure-host.js';

let dir: string;
let local: LocalSession;
const notices: string[] = [];
const sink = quietSink([], (n) => void notices.push(n.message));

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lakeshift-proc-stmts-'));
  local = await openLocalSession(dir, 1);
});

after(async () => {
  await local?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function run(sql: string): Promise<string[]> {
  notices.length = 0;
  await local.session.simpleQuery(sql, sink);
  return [...notices];
}

test('a loop prepares each statement once and binds each iteration values', async () => {
  await run('CREATE TABLE pst_rows (k int, note varchar(10))');
  await run(`CREATE PROCEDURE pst_loop(n int) AS $$
    DECLARE
      note varchar(10);
      got varchar(10);
      seen varchar(400) := '';
    BEGIN
      FOR k IN 1..n LOOP
        IF k % 4 = 0 THEN note := NULL; ELSE note := 'n' || k; END IF;
        INSERT INTO pst_rows VALUES (k, note);
        SELECT pst_rows.note INTO got FROM pst_rows WHERE pst_rows.k = k;
        seen := seen || coalesce(got, '-') || ' ';
      END LOOP;
      RAISE INFO '%', seen;
    END;
    $$ LANGUAGE plpgsql`);
  const counts = procedureStatementCounts(local.session);
  const before = { ...counts };
  assert.deepEqual(await run('CALL pst_loop(5)'), ['n1 n2 n3 - n5 ']);
  const five = {
    prepared: counts.prepared - before.prepared,
    executed: counts.executed - before.executed,
  };
  await run('TRUNCATE pst_rows');
  const middle = { ...counts };
  const ten = await run('CALL pst_loop(10)');
  assert.deepEqual(ten, ['n1 n2 n3 - n5 n6 n7 - n9 n10 ']);
  // Every statement the body runs (the INSERT, the SELECT INTO, the expressions and casts SQL
  // evaluates) is prepared once per CALL, whatever the number of iterations; each iteration runs
  // at least the INSERT and the SELECT INTO again.
  const tenCounts = {
    prepared: counts.prepared - middle.prepared,
    executed: counts.executed - middle.executed,
  };
  assert.equal(tenCounts.prepared, five.prepared);
  assert.ok(tenCounts.executed - five.executed >= 2 * 5, JSON.stringify({ five, tenCounts }));
  assert.ok(five.executed >= 3 * five.prepared, JSON.stringify(five));
});
