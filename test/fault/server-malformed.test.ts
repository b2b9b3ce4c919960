// The 200 malformed inputs of pgwire-malformed-cases.ts (same seed) against the real server
// process (`lakeshift start`, test/support/server.ts) instead of the protocol room's test double.
// The real server has no trust users: a 'trust' case first logs in as the superuser admin with
// SCRAM-SHA-256 over the raw socket; an 'md5' case starts up as carol, created with an MD5 hash.
// Meanwhile an authenticated `pg` client keeps inserting rows and counting them, and every one
// of its statements must succeed. Afterwards the server process is alive, a fresh connection
// works and sees every row, no session is left behind, no half-done COPY was committed, and the
// server's resident memory grew by far less than the 2 GiB a declared length could ask for.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { scramClientFinal } from '../../src/security/scram.js';
import { fe, reportFields, type RawClient } from '../../src/server/pgwire/test-support.js';
import { TARGET, alive, startTarget, type Target } from '../support/server.js';
import { CASES, malformedCases, runCase, type CaseServer } from './pgwire-malformed-cases.js';

/** A user whose password is stored as Redshift's 'md5' + md5hex(password || user). */
const MD5_USER = 'carol';
const MD5_PASSWORD = 'Secret123';
const COPY_TABLE = 'malformed_copy';
const ROWS_TABLE = 'malformed_rows';
/** Generous: the server runs DuckDB and opens a session per case; 2 GiB must never be touched. */
const MAX_RSS_GROWTH_MB = 300;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The server process's resident set size in bytes (VmRSS of /proc/<pid>/status); 0 if gone. */
function rssOf(pid: number): number {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return 0;
  }
  const m = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
  return m === null ? 0 : Number(m[1]) * 1024;
}

/** The code of an Authentication message ('R'): 0 ok, 5 MD5, 10 SASL, 11 continue, 12 final. */
function authCode(m: { type: string; body: Buffer } | null): number | string {
  if (m === null) return 'connection closed';
  if (m.type === 'E') return `ErrorResponse ${JSON.stringify(reportFields(m.body))}`;
  return m.type === 'R' ? m.body.readInt32BE(0) : `message ${m.type}`;
}

/**
 * SCRAM-SHA-256 login over the raw socket (https://www.postgresql.org/docs/15/sasl-authentication.html),
 * up to the first ReadyForQuery.
 */
async function scramLogin(client: RawClient, user: string, password: string): Promise<void> {
  client.send(fe.startup({ user, database: 'dev' }));
  assert.equal(authCode(await client.read()), 10, 'AuthenticationSASL');
  const bare = `n=,r=${randomBytes(18).toString('base64')}`;
  client.send(fe.saslInitial('SCRAM-SHA-256', `n,,${bare}`));
  const cont = await client.read();
  assert.equal(authCode(cont), 11, 'AuthenticationSASLContinue');
  const serverFirst = (cont?.body as Buffer).subarray(4).toString();
  const { clientFinal, serverSignature } = scramClientFinal(password, bare, serverFirst);
  client.send(fe.saslResponse(clientFinal));
  const final = await client.read();
  assert.equal(authCode(final), 12, 'AuthenticationSASLFinal');
  assert.equal((final?.body as Buffer).subarray(4).toString(), `v=${serverSignature}`);
  assert.equal(authCode(await client.read()), 0, 'AuthenticationOk');
  const rest = await client.readUntil('Z');
  assert.equal(rest.at(-1)?.type, 'Z', `startup: ${rest.map((m) => m.type).join('')}`);
  assert.ok(!rest.some((m) => m.type === 'E'), 'no ErrorResponse during startup');
}

describe(
  'malformed protocol input against the real server',
  {
    skip:
      TARGET === 'postgres' &&
      'the real Lakeshift server only (LAKESHIFT_E2E_TARGET=postgres: PostgreSQL has its own messages and SQLSTATEs for malformed input)',
  },
  () => {
    let target: Target;
    let pid: number;

    before(async () => {
      target = await startTarget();
      assert.ok(target.pid !== undefined, 'the server process id');
      pid = target.pid;
      const admin = new pg.Client(target.config());
      await admin.connect();
      try {
        const hash = createHash('md5').update(`${MD5_PASSWORD}${MD5_USER}`).digest('hex');
        await admin.query(`CREATE USER ${MD5_USER} PASSWORD 'md5${hash}'`);
        await admin.query(`CREATE TABLE ${COPY_TABLE} (line varchar(100))`);
      } finally {
        await admin.end();
      }
    });

    after(async () => {
      await target?.dispose();
    });

    test(`${CASES} malformed inputs: errors, closed connections, the server and a pg client unaffected`, async (t) => {
      const cases = malformedCases({
        addTwo: 'select $1::int + $2::int',
        echoOne: 'select $1',
        copyIn: `copy ${COPY_TABLE} from stdin`,
      });
      const server: CaseServer = {
        port: target.port,
        async enter(client, phase) {
          if (phase === 'trust') {
            await scramLogin(client, target.user, target.password);
            return;
          }
          client.send(
            fe.startup({
              user: phase === 'scram' ? target.user : MD5_USER,
              database: target.database,
            }),
          );
          assert.equal(authCode(await client.read()), phase === 'scram' ? 10 : 5);
        },
      };

      const good = new pg.Client(target.config());
      // A server that drops the connection fails the loop's query, not the test runner.
      good.on('error', () => {});
      await good.connect();
      await good.query(`CREATE TABLE ${ROWS_TABLE} (i int)`);
      let stop = false;
      let inserted = 0;
      const failures: string[] = [];
      const loop = (async () => {
        while (!stop) {
          await good.query(`INSERT INTO ${ROWS_TABLE} VALUES ($1)`, [inserted]);
          inserted++;
          const r = await good.query<{ n: string }>(`SELECT count(*) AS n FROM ${ROWS_TABLE}`);
          assert.equal(Number(r.rows[0]?.n), inserted, 'count(*) after an INSERT');
        }
      })().catch((e: unknown) => {
        failures.push(`the pg client, after ${inserted} rows: ${(e as Error).message}`);
      });

      const rssBefore = rssOf(pid);
      assert.ok(rssBefore > 0, `VmRSS of the server process ${pid}`);
      let peakRss = rssBefore;
      for (const [i, c] of cases.entries()) {
        try {
          await runCase(c, server);
        } catch (e) {
          failures.push(`#${i} ${c.name} (${c.phase}): ${(e as Error).message}`);
          if (!alive(pid)) {
            failures.push(`the server process ${pid} is gone after case #${i}`);
            break;
          }
        }
        peakRss = Math.max(peakRss, rssOf(pid));
      }
      stop = true;
      await loop;
      await good.end().catch(() => {});
      const rssAfter = rssOf(pid);
      const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(0);
      t.diagnostic(
        `${inserted} rows inserted; server rss ${mb(rssBefore)} MB before, ` +
          `${mb(peakRss)} MB at most, ${mb(rssAfter)} MB after`,
      );

      assert.deepEqual(failures, []);
      assert.ok(alive(pid), 'the server process is alive');
      assert.ok(inserted > 0, 'the pg client ran statements during the run');

      const fresh = new pg.Client(target.config());
      fresh.on('error', () => {});
      await fresh.connect();
      try {
        const rows = await fresh.query<{ n: string; total: string }>(
          `SELECT count(*) AS n, sum(i) AS total FROM ${ROWS_TABLE}`,
        );
        assert.equal(Number(rows.rows[0]?.n), inserted, 'every inserted row is there');
        assert.equal(Number(rows.rows[0]?.total), (inserted * (inserted - 1)) / 2);
        const copied = await fresh.query<{ n: string }>(`SELECT count(*) AS n FROM ${COPY_TABLE}`);
        assert.equal(Number(copied.rows[0]?.n), 0, 'no COPY cut short by a bad message committed');
        // Every session of a closed connection is closed; only this one is left.
        let sessions = -1;
        for (let attempt = 0; attempt < 100; attempt++) {
          const r = await fresh.query<{ n: string }>('SELECT count(*) AS n FROM stv_sessions');
          sessions = Number(r.rows[0]?.n);
          if (sessions === 1) break;
          await sleep(100);
        }
        assert.equal(sessions, 1, 'sessions left open in stv_sessions');
      } finally {
        await fresh.end();
      }

      // Nothing near a declared 2 GiB was ever allocated; leave room for DuckDB and GC noise.
      const growth = Math.max(peakRss, rssAfter) - rssBefore;
      assert.ok(
        growth < MAX_RSS_GROWTH_MB * 1024 * 1024,
        `server rss grew by ${mb(growth)} MB (before ${mb(rssBefore)} MB, peak ${mb(peakRss)} MB, after ${mb(rssAfter)} MB)`,
      );
    });
  },
);
