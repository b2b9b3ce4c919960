// Durability of acknowledged commits across a server crash, seen from a client: a child
// process (fixtures/insert-loop.ts) commits single-row INSERT transactions and prints the id of
// each acknowledged COMMIT; we kill the SERVER mid-stream (SIGKILL for Lakeshift; for the
// reference PostgreSQL an immediate shutdown, see test/support/server.ts), restart it on the same
// data directory, and check that every acknowledged id is there, that nothing was inserted that
// was never attempted, and that no id is there twice. Several rounds, each checking all rounds.
import { spawn } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startTarget, type Target } from '../support/server.js';
import { connect, within } from './helpers.js';

const ROUNDS = 4;
const CHILD = join(import.meta.dirname, 'fixtures', 'insert-loop.ts');
const ID_SPACING = 1_000_000;

interface Round {
  acked: Set<number>;
  lastTried: number;
  end: string;
}

/** Runs the insert loop until `acksBeforeKill` commits are acknowledged, then kills the server. */
async function crashRound(target: Target, first: number, acksBeforeKill: number): Promise<Round> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, String(first)], {
    env: target.env(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const round: Round = { acked: new Set(), lastTried: first - 1, end: '' };
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  let buffered = '';
  let killing: Promise<void> | undefined;
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    buffered += chunk;
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines) {
      const [word, rest] = [line.slice(0, 3), line.slice(4)];
      if (word === 'TRY') round.lastTried = Number(rest);
      else if (word === 'ACK') round.acked.add(Number(rest));
      else if (word === 'END') round.end = rest;
    }
    if (killing === undefined && round.acked.size >= acksBeforeKill) killing = target.kill();
  });
  await within(exited, 300_000, 'the insert loop after the server was killed');
  assert.ok(
    killing !== undefined,
    `the insert loop ended before ${acksBeforeKill} commits: ${round.end}\n${stderr}`,
  );
  await killing;
  return round;
}

describe('crash', () => {
  let target: Target;

  before(async () => {
    target = await startTarget();
    const c = await connect(target);
    await c.query('CREATE TABLE crash_t (id int, note varchar(30))');
    await c.end();
  });

  after(async () => {
    await target?.dispose();
  });

  test('acknowledged commits survive a kill of the server', { timeout: 900_000 }, async () => {
    const rounds: Round[] = [];
    for (let r = 1; r <= ROUNDS; r++) {
      // Kill after a varying number of acknowledged commits.
      const round = await crashRound(target, r * ID_SPACING, 10 + 17 * r);
      assert.ok(round.acked.size >= 10 + 17 * r);
      rounds.push(round);
      await target.restart();

      const c = await connect(target);
      try {
        const { rows } = await c.query<{ id: number }>('SELECT id FROM crash_t ORDER BY id');
        const ids = rows.map((row) => row.id);
        assert.equal(new Set(ids).size, ids.length, 'no id twice');
        const present = new Set(ids);
        for (const [k, done] of rounds.entries()) {
          const first = (k + 1) * ID_SPACING;
          const lost = [...done.acked].filter((id) => !present.has(id));
          assert.deepEqual(lost, [], `round ${k + 1}: acknowledged ids missing after restart ${r}`);
          const inRound = ids.filter((id) => id >= first && id < first + ID_SPACING);
          const unexpected = inRound.filter((id) => id > done.lastTried);
          assert.deepEqual(
            unexpected,
            [],
            `round ${k + 1}: ids beyond the last attempted (${done.lastTried})`,
          );
          // At most the one transaction in flight at the kill is there without an ACK.
          assert.ok(
            inRound.length - done.acked.size <= 1,
            `round ${k + 1}: ${inRound.length} rows for ${done.acked.size} acknowledged commits`,
          );
        }
        // The restarted server takes writes again (ids below ID_SPACING are outside all rounds).
        await c.query('INSERT INTO crash_t VALUES ($1, $2)', [r, 'after restart']);
        const marker = await c.query('SELECT count(*) AS n FROM crash_t WHERE id = $1', [r]);
        assert.deepEqual(marker.rows, [{ n: '1' }]);
      } finally {
        await c.end();
      }
    }
  });
});
