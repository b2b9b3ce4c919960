// Streaming ingestion from Kafka/MSK as the seed 004_bb24388233cb0e14.txt runs it: an external
// schema over topic ORDERTOPIC (4 partitions), Orders_Stream_MV with the CAN_JSON_PARSE guard,
// SP_Orders_Load unchanged loading Orders by (partition, offset), the EchoStar-style pair (an
// AUTO REFRESH view keeping invalid records in Invalid_Data, and a flattening view on it), and
// the failure semantics: oversized records skipped into SYS_STREAM_SCAN_ERRORS, a poison record
// failing every refresh until the view is fixed, an unreachable broker, purges, and SIGKILLs
// of the server while a producer writes: Orders ends up exactly the valid records produced.
// The broker is TestKafkaBroker (test/fixtures/kafka-broker), a Kafka-wire-protocol test double
// spoken to by the real client library on both sides; production targets Apache Kafka, Amazon
// MSK and Redpanda.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Producer, type MessageToProduce } from '@platformatic/kafka';
import type pg from 'pg';
import { TestKafkaBroker } from '../fixtures/kafka-broker/index.js';
import { REPO, TARGET, startTarget, type Target } from '../support/server.js';
import { connect, expectSqlState } from './helpers.js';

type Message = MessageToProduce<Buffer, Buffer, Buffer, Buffer>;

const TOPIC = 'ORDERTOPIC';

/** An order as SP_Orders_Load reads it: DynamoDB-typed attributes ("N", "S"). */
function order(id: number): string {
  return JSON.stringify({
    EventType: { S: 'Orders' },
    OrderID: { N: id },
    ProductID: { S: `P${id % 7}` },
    ProductName: { S: `Widget-${id % 7}` },
    CustomerID: { S: `C${id % 11}` },
    CustomerName: { S: `Customer ${id % 11}` },
    Store_Name: { S: `Store-${id % 3}` },
    OrderDate: { S: '2023-09-02T10:00:00Z' },
    Quatity: { N: (id % 5) + 1 },
    Price: { N: 2500 },
    OrderStatus: { S: 'Initiated' },
  });
}

const seedProcedures = () =>
  readFileSync(join(REPO, 'src/plpgsql/corpus/seed-procedures.sql'), 'utf8').split(/\n;;\n/);

describe(
  'streaming ingestion from Kafka',
  { skip: TARGET !== 'lakeshift' && 'Lakeshift only' },
  () => {
    let broker: TestKafkaBroker;
    let producer: Producer<Buffer, Buffer, Buffer, Buffer>;
    let target: Target;
    let client: pg.Client;
    /** Order ids produced as valid JSON, and the invalid payloads, in production order. */
    const valid: number[] = [];
    const invalid: string[] = [];
    let nextId = 1;

    const rows = async (sql: string) => (await client.query(sql)).rows as Record<string, unknown>[];
    const count = async (sql: string) => Number((await rows(sql))[0]!.n);

    async function produce(n: number, invalidEvery = 0): Promise<void> {
      const messages: Message[] = [];
      for (let i = 0; i < n; i++) {
        const id = nextId++;
        const bad = invalidEvery > 0 && id % invalidEvery === 0;
        const value = bad ? `{not json ${id}` : order(id);
        if (bad) invalid.push(value);
        else valid.push(id);
        messages.push({
          topic: TOPIC,
          partition: id % 4,
          key: Buffer.from(`o${id}`),
          value: Buffer.from(value),
        });
      }
      await producer.send({ messages });
    }

    async function reconnect(): Promise<void> {
      await client?.end().catch(() => undefined);
      client = await connect(target);
      await client.query('SET enable_case_sensitive_identifier TO true');
    }

    before(async () => {
      broker = await TestKafkaBroker.start();
      broker.createTopic(TOPIC, 4);
      producer = new Producer({
        clientId: 'seed-producer',
        bootstrapBrokers: broker.bootstrapBrokers,
      });
      target = await startTarget();
      await reconnect();
    });

    after(async () => {
      await client?.end().catch(() => undefined);
      await target?.dispose();
      await producer?.close();
      await broker?.stop();
    });

    test('the seed pipeline: Orders_Stream_MV and SP_Orders_Load, unchanged', async () => {
      // 004_bb24388233cb0e14.txt, "Set up streaming ingestion", with the broker's URI.
      await client.query(`CREATE EXTERNAL SCHEMA custschema
    FROM MSK
    IAM_ROLE  'arn:aws:iam::0123456789:role/MyRedshiftRole' 
    AUTHENTICATION none
    URI '${broker.bootstrap}'`);
      await client.query('SET ENABLE_CASE_SENSITIVE_IDENTIFIER TO TRUE');
      await client.query(`CREATE MATERIALIZED VIEW Orders_Stream_MV AS
    SELECT kafka_partition, 
     kafka_offset, 
     refresh_time,
     JSON_PARSE(kafka_value) as Data
    FROM custschema."ORDERTOPIC"
    WHERE CAN_JSON_PARSE(kafka_value);`);
      assert.deepEqual(
        await rows(`SELECT column_name, data_type FROM information_schema.columns
                  WHERE table_name = 'orders_stream_mv' ORDER BY ordinal_position`),
        [
          { column_name: 'kafka_partition', data_type: 'bigint' },
          { column_name: 'kafka_offset', data_type: 'bigint' },
          { column_name: 'refresh_time', data_type: 'timestamp without time zone' },
          { column_name: 'data', data_type: 'super' },
        ],
      );
      // Nothing is read until a refresh.
      await produce(40, 10);
      assert.equal(await count('SELECT count(*) AS n FROM Orders_Stream_MV'), 0);
      await client.query('REFRESH MATERIALIZED VIEW Orders_Stream_MV;');
      assert.equal(await count('SELECT count(*) AS n FROM Orders_Stream_MV'), 36);
      // A stream is read only through a view.
      await expectSqlState(client.query('SELECT * FROM custschema."ORDERTOPIC"'), '0A000');

      await client.query(`CREATE TABLE public.Orders (
        orderid integer ENCODE az64,
        productid character varying(36) ENCODE lzo,
        productname character varying(36) ENCODE lzo,
        customerid character varying(36) ENCODE lzo,
        customername character varying(36) ENCODE lzo,
        store_name character varying(36) ENCODE lzo,
        orderdate timestamp with time zone ENCODE az64,
        quatity integer ENCODE az64,
        price double precision ENCODE raw,
        orderstatus character varying(36) ENCODE lzo
    ) DISTSTYLE AUTO;`);
      const sp = seedProcedures().find((t) => /PROCEDURE SP_Orders_Load/.test(t));
      assert.ok(sp);
      await client.query(sp.replace(/^(--.*\n)+/, ''));
      await client.query('call SP_Orders_Load();');
      const ids = async () =>
        (await rows('SELECT orderid FROM Orders ORDER BY orderid')).map((r) => Number(r.orderid));
      assert.deepEqual(await ids(), valid);
      // Incremental: only what is new since the audit table's offsets.
      await produce(25, 10);
      await client.query('call SP_Orders_Load();');
      assert.deepEqual(await ids(), valid);
      assert.deepEqual(
        await rows(`SELECT productid, quatity, price::int AS price FROM Orders WHERE orderid = 3`),
        [{ productid: 'P3', quatity: 4, price: 2500 }],
      );
      // The seed's monitoring query, unchanged but for the view's name.
      const scanned =
        await rows(`select mv_name,external_schema_name,stream_name,sum(scanned_rows) total_records,
    sum(scanned_bytes) total_bytes 
    from SYS_STREAM_SCAN_STATES where mv_name='orders_stream_mv' and external_schema_name ='custschema' group by 1,2,3;`);
      assert.equal(scanned.length, 1);
      assert.equal(Number(scanned[0]!.total_records), valid.length + invalid.length);
      assert.equal(String(scanned[0]!.stream_name).trim(), TOPIC);
      const refreshes = await rows(
        `select mv_name, refresh_type, status, duration from SYS_MV_REFRESH_HISTORY where mv_name='orders_stream_mv'`,
      );
      assert.ok(
        refreshes.every((r) =>
          /^Refresh successfully updated MV incrementally/.test(String(r.status)),
        ),
      );
    });

    test("EchoStar's pair: AUTO REFRESH keeps invalid records in Invalid_Data; a flattening view on it", async () => {
      // As printed in the seed the view misses a comma: the syntax error it is.
      await expectSqlState(
        client.query(`CREATE MATERIALIZED VIEW Orders_Stream_MV2 AS 
SELECT
kafka_partition, 
kafka_offset, 
refresh_time, 
JSON_PARSE(kafka_value) as Data 
case when CAN_JSON_PARSE(kafka_value) = true then json_parse(kafka_value) end Data,
case when CAN_JSON_PARSE(kafka_value) = false then kafka_value end Invalid_Data
FROM custschema."ORDERTOPIC";`),
        '42601',
      );
      await client.query(`CREATE MATERIALIZED VIEW Orders_Raw_MV AUTO REFRESH YES AS 
SELECT
kafka_partition, 
kafka_offset, 
refresh_time, 
case when CAN_JSON_PARSE(kafka_value) = true then json_parse(kafka_value) end Data,
case when CAN_JSON_PARSE(kafka_value) = false then kafka_value end Invalid_Data
FROM custschema."ORDERTOPIC";`);
      await client.query(`CREATE MATERIALIZED VIEW Orders_Flat_MV AS
      SELECT data."OrderID"."N"::INT4 AS OrderID, data."Store_Name"."S"::VARCHAR(36) AS Store_Name,
             kafka_partition, kafka_offset
      FROM Orders_Raw_MV WHERE Data IS NOT NULL`);
      const total = valid.length + invalid.length;
      const deadline = Date.now() + 20_000;
      while ((await count('SELECT count(*) AS n FROM Orders_Raw_MV')) < total) {
        assert.ok(Date.now() < deadline, 'auto refresh did not catch up');
        await new Promise((r) => setTimeout(r, 250));
      }
      assert.deepEqual(
        (
          await rows(
            `SELECT from_varbyte(Invalid_Data, 'utf8') AS bad FROM Orders_Raw_MV WHERE Invalid_Data IS NOT NULL`,
          )
        )
          .map((r) => r.bad)
          .sort(),
        [...invalid].sort(),
      );
      await client.query('REFRESH MATERIALIZED VIEW Orders_Flat_MV');
      assert.deepEqual(
        (await rows('SELECT OrderID FROM Orders_Flat_MV ORDER BY 1')).map((r) => Number(r.orderid)),
        valid,
      );
      const auto = await rows(
        `SELECT count(*) AS n FROM sys_mv_refresh_history WHERE mv_name = 'orders_raw_mv' AND refresh_type = 'Auto'`,
      );
      assert.ok(Number(auto[0]!.n) >= 1);
    });

    test('an oversized record is skipped and logged; a poison record fails every refresh until the view is fixed', async () => {
      const big = Buffer.alloc(1_100_000, 'x');
      await producer.send({ messages: [{ topic: TOPIC, partition: 1, value: big }] });
      const bigOffset = broker.highWatermark(TOPIC, 1) - 1;
      await produce(4);
      await client.query('REFRESH MATERIALIZED VIEW Orders_Stream_MV');
      const errors =
        await rows(`select mv_name, external_schema_name, stream_name, record_time, query_id, partition_id, "position", error_code, error_reason
    from SYS_STREAM_SCAN_ERRORS  where mv_name='orders_stream_mv' and external_schema_name ='custschema'	;`);
      assert.equal(errors.length, 1);
      assert.equal(String(errors[0]!.partition_id).trim(), '1');
      assert.equal(String(errors[0]!.position).trim(), String(bigOffset));
      assert.match(String(errors[0]!.error_reason), /1100000 bytes exceed/);
      assert.match(
        String(
          (
            await rows(
              `SELECT status FROM sys_mv_refresh_history WHERE mv_name = 'orders_stream_mv' ORDER BY start_time DESC LIMIT 1`,
            )
          )[0]!.status,
        ),
        /Some stream records were skipped/,
      );
      assert.equal(await count('SELECT count(*) AS n FROM Orders_Stream_MV'), valid.length);

      // No CAN_JSON_PARSE guard: the invalid records fail the view's refresh, every time.
      await client.query(`CREATE MATERIALIZED VIEW Orders_Unguarded AS
      SELECT kafka_partition, kafka_offset, JSON_PARSE(kafka_value) AS Data FROM custschema."ORDERTOPIC"`);
      for (let i = 0; i < 2; i++) {
        const e = await expectSqlState(
          client.query('REFRESH MATERIALIZED VIEW Orders_Unguarded'),
          '22P02',
        );
        assert.match(e.message, /invalid JSON/);
      }
      assert.equal(await count('SELECT count(*) AS n FROM Orders_Unguarded'), 0);
      const failed = await rows(
        `SELECT status FROM sys_mv_refresh_history WHERE mv_name = 'orders_unguarded'`,
      );
      assert.equal(failed.length, 2);
      assert.ok(failed.every((r) => String(r.status).startsWith('Refresh failed')));
      const history = await rows(
        `select query_id, query_type, status, query_text, error_message from sys_query_history where status='failed' and query_text like '%Orders_Unguarded%' order by start_time desc`,
      );
      assert.ok(history.length >= 2 && /invalid JSON/.test(String(history[0]!.error_message)));
      // Fixed (recreated with the guard), the view reads everything valid.
      await client.query('DROP MATERIALIZED VIEW Orders_Unguarded');
      await client.query(`CREATE MATERIALIZED VIEW Orders_Unguarded AS
      SELECT kafka_partition, kafka_offset, JSON_PARSE(kafka_value) AS Data FROM custschema."ORDERTOPIC"
      WHERE CAN_JSON_PARSE(kafka_value)`);
      await client.query('REFRESH MATERIALIZED VIEW Orders_Unguarded');
      assert.equal(await count('SELECT count(*) AS n FROM Orders_Unguarded'), valid.length);
    });

    test('an unreachable broker fails the refresh clearly; ingestion resumes from the committed offsets', async () => {
      const before = await count('SELECT count(*) AS n FROM Orders_Stream_MV');
      await produce(8);
      await broker.stop();
      const started = Date.now();
      const e = await expectSqlState(
        client.query('REFRESH MATERIALIZED VIEW Orders_Stream_MV'),
        '08001',
      );
      assert.match(e.message, new RegExp(broker.bootstrap.split(':')[0]!));
      assert.ok(Date.now() - started < 15_000, 'the refresh failed fast');
      await broker.start();
      await produce(8);
      await client.query('REFRESH MATERIALIZED VIEW Orders_Stream_MV');
      assert.equal(await count('SELECT count(*) AS n FROM Orders_Stream_MV'), before + 16);
      assert.equal(
        await count(
          'SELECT count(*) AS n FROM (SELECT kafka_partition, kafka_offset FROM Orders_Stream_MV GROUP BY 1, 2 HAVING count(*) > 1)',
        ),
        0,
      );
    });

    test('purging with DELETE, TRUNCATE or ALTER TABLE APPEND never re-ingests what was purged', async () => {
      await client.query('CALL SP_Orders_Load()');
      const n = await count('SELECT count(*) AS n FROM Orders_Stream_MV');
      await client.query('DELETE FROM Orders_Stream_MV WHERE kafka_offset < 5');
      const afterDelete = await count('SELECT count(*) AS n FROM Orders_Stream_MV');
      assert.ok(afterDelete < n);
      await client.query('REFRESH MATERIALIZED VIEW Orders_Stream_MV');
      assert.equal(await count('SELECT count(*) AS n FROM Orders_Stream_MV'), afterDelete);
      // A purge does not fail because a refresh appended meanwhile (auto refresh runs all the
      // time): it commits, and the appended records stay.
      await client.query('BEGIN');
      await client.query('DELETE FROM Orders_Stream_MV WHERE kafka_offset < 6');
      const purged = await count('SELECT count(*) AS n FROM Orders_Stream_MV');
      const other = await connect(target);
      try {
        await other.query('SET enable_case_sensitive_identifier TO true');
        await produce(4);
        await other.query('REFRESH MATERIALIZED VIEW Orders_Stream_MV');
      } finally {
        await other.end();
      }
      await client.query('COMMIT');
      const kept = purged + 4;
      assert.equal(await count('SELECT count(*) AS n FROM Orders_Stream_MV'), kept);
      await client.query('CALL SP_Orders_Load()');
      await client.query(
        'CREATE TABLE orders_archive (kafka_partition bigint, kafka_offset bigint, refresh_time timestamp, data super)',
      );
      await client.query('ALTER TABLE orders_archive APPEND FROM Orders_Stream_MV');
      assert.equal(await count('SELECT count(*) AS n FROM Orders_Stream_MV'), 0);
      assert.equal(await count('SELECT count(*) AS n FROM orders_archive'), kept);
      await produce(4);
      await client.query('TRUNCATE Orders_Stream_MV');
      await produce(4);
      await client.query('REFRESH MATERIALIZED VIEW Orders_Stream_MV');
      assert.equal(await count('SELECT count(*) AS n FROM Orders_Stream_MV'), 8);
      // Orders still holds every valid order exactly once (its audit table keeps its offsets).
      await client.query('CALL SP_Orders_Load()');
      assert.deepEqual(
        (await rows('SELECT orderid FROM Orders ORDER BY orderid')).map((r) => Number(r.orderid)),
        valid,
      );
    });

    test('SIGKILLed twice while a producer writes: Orders is exactly the valid records produced', async () => {
      let producing = true;
      const writer = (async () => {
        while (producing) {
          await produce(20, 7);
          await new Promise((r) => setTimeout(r, 20));
        }
      })();
      const loader = async () => {
        // The seed's schedule, compressed: the procedure called again and again.
        for (;;) {
          try {
            await client.query('CALL SP_Orders_Load()');
          } catch {
            return; // the server died under it
          }
        }
      };
      for (let kill = 0; kill < 2; kill++) {
        const running = loader();
        await new Promise((r) => setTimeout(r, 1500 + kill * 700));
        await target.kill();
        await running;
        await target.restart();
        await reconnect();
      }
      producing = false;
      await writer;
      await client.query('CALL SP_Orders_Load()');
      assert.deepEqual(
        (await rows('SELECT orderid FROM Orders ORDER BY orderid')).map((r) => Number(r.orderid)),
        valid,
      );
      assert.equal(
        await count(
          'SELECT count(*) AS n FROM (SELECT orderid FROM Orders GROUP BY 1 HAVING count(*) > 1)',
        ),
        0,
      );
      // The AUTO REFRESH view kept every invalid record, once.
      const deadline = Date.now() + 20_000;
      for (;;) {
        const bad = (
          await rows(
            `SELECT from_varbyte(Invalid_Data, 'utf8') AS bad FROM Orders_Raw_MV WHERE Invalid_Data IS NOT NULL`,
          )
        ).map((r) => String(r.bad));
        if (bad.length >= invalid.length || Date.now() > deadline) {
          assert.deepEqual(bad.sort(), [...invalid].sort());
          break;
        }
        await new Promise((r) => setTimeout(r, 250));
      }
    });

    test('every metadata column, with only the ones a view reads loaded', async () => {
      broker.createTopic('meta', 1);
      await producer.send({
        messages: [
          {
            topic: 'meta',
            partition: 0,
            key: Buffer.from('k1'),
            value: Buffer.from('{"a":1}'),
            headers: new Map([[Buffer.from('h'), Buffer.from('v')]]),
            timestamp: 1_700_000_000_123n,
          },
        ],
      });
      await client.query('CREATE MATERIALIZED VIEW meta_all AS SELECT * FROM custschema.meta');
      await client.query(
        'CREATE MATERIALIZED VIEW meta_some AS SELECT kafka_offset, refresh_time FROM custschema.meta',
      );
      await client.query('REFRESH MATERIALIZED VIEW meta_all');
      await client.query('REFRESH MATERIALIZED VIEW meta_some');
      assert.deepEqual(
        await rows(`SELECT kafka_partition::int AS p, kafka_offset::int AS o, kafka_timestamp_type AS tt,
          kafka_timestamp::text AS ts, from_varbyte(kafka_key, 'utf8') AS k,
          from_varbyte(kafka_value, 'utf8') AS v, json_serialize(kafka_headers) AS h,
          refresh_time IS NOT NULL AS refreshed FROM meta_all`),
        [
          {
            p: 0,
            o: 0,
            tt: 'C',
            ts: '2023-11-14 22:13:20.123',
            k: 'k1',
            v: '{"a":1}',
            h: '[{"h":"v"}]',
            refreshed: true,
          },
        ],
      );
      assert.deepEqual(
        await rows('SELECT kafka_offset::int AS o, refresh_time IS NOT NULL AS r FROM meta_some'),
        [{ o: 0, r: true }],
      );
    });

    test('a database whose streaming view refreshes itself can still be renamed and dropped', async () => {
      await client.query('CREATE DATABASE streamdb');
      const other = await connect(target, { database: 'streamdb' });
      try {
        await other.query(
          `CREATE EXTERNAL SCHEMA ks FROM KAFKA AUTHENTICATION none URI '${broker.bootstrap}'`,
        );
        await other.query(
          'CREATE MATERIALIZED VIEW auto_mv AUTO REFRESH YES AS SELECT kafka_offset FROM ks.meta',
        );
        const deadline = Date.now() + 15_000;
        while ((await other.query('SELECT count(*)::int AS n FROM auto_mv')).rows[0].n !== 1) {
          assert.ok(Date.now() < deadline, 'the auto refresh did not come');
          await new Promise((r) => setTimeout(r, 200));
        }
      } finally {
        await other.end();
      }
      // The server's own session refreshing the view does not hold the database.
      await client.query('ALTER DATABASE streamdb RENAME TO streamdb2');
      await client.query('DROP DATABASE streamdb2');
      assert.deepEqual(
        await rows(`SELECT datname FROM pg_database WHERE datname LIKE 'streamdb%'`),
        [],
      );
    });

    test('topic names: case-sensitive ones need enable_case_sensitive_identifier; over 128 characters is refused', async () => {
      await client.query('SET enable_case_sensitive_identifier TO false');
      await client.query(
        `CREATE MATERIALIZED VIEW lower_mv AS SELECT kafka_offset FROM custschema."ORDERTOPIC"`,
      );
      // Folded to ordertopic, which the broker does not have.
      await expectSqlState(client.query('REFRESH MATERIALIZED VIEW lower_mv'), '42704');
      await client.query('SET enable_case_sensitive_identifier TO true');
      const long = 't'.repeat(129);
      await expectSqlState(
        client.query(
          `CREATE MATERIALIZED VIEW long_mv AS SELECT kafka_offset FROM custschema."${long}"`,
        ),
        '42622',
      );
    });
  },
);
