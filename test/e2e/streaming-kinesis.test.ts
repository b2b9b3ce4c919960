// Streaming ingestion from Kinesis as the seed 004_bb24388233cb0e14.txt runs it, against a real
// Kinesis API server (kinesalite): DynamoDB change records in "demo-data-stream" land in the
// streaming view demo_stream_vw; the PartiQL unnest of dependentIds feeds mv_demo_super_unnest;
// SP_Customer_Transaction_Fact, unchanged, moves its MetaData_ETL job to Complete and keeps the
// latest non-null value of each column per Transaction_ID. The server finds the endpoint the AWS
// SDK's way (AWS_ENDPOINT_URL_KINESIS, AWS_REGION, AWS_ACCESS_KEY_ID ...), and the older column
// names (approximatearrivaltimestamp, partitionkey, shardid, sequencenumber, data) still work.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type pg from 'pg';
import { startKinesalite, type RunningKinesalite } from '../support/kinesalite.js';
import { REPO, TARGET, startTarget, type Target } from '../support/server.js';
import { connect } from './helpers.js';

const STREAM = 'demo-data-stream';

/** A DynamoDB stream record as the seed shows one (abridged to the attributes it reads). */
function change(event: string, txn: string, image: Record<string, unknown>): string {
  return JSON.stringify({
    awsRegion: 'us-east-1',
    eventName: event,
    dynamodb: {
      Keys: {
        pk: { S: 'CUSTOMER#CUST_123' },
        sk: { S: `TRANSACTION#2022-07-08T23:59:59Z#${txn}` },
      },
      NewImage: {
        calculationRequirements: {
          M: {
            dependentIds: {
              L: [
                {
                  M: {
                    sk: { S: 'CUSTOMER#2022-07-08T23:59:59Z#CUST_567' },
                    pk: { S: 'CUSTOMER#CUST_123' },
                  },
                },
                {
                  M: {
                    sk: { S: 'CUSTOMER#2022-07-08T23:59:59Z#CUST_890' },
                    pk: { S: 'CUSTOMER#CUST_123' },
                  },
                },
              ],
            },
          },
        },
        ...image,
      },
    },
    eventSource: 'aws:dynamodb',
  });
}

describe(
  'streaming ingestion from Kinesis',
  { skip: TARGET !== 'lakeshift' && 'Lakeshift only' },
  () => {
    let kinesis: RunningKinesalite;
    let target: Target;
    let client: pg.Client;
    const rows = async (sql: string) => (await client.query(sql)).rows as Record<string, unknown>[];

    /** Puts one record and waits a little, so arrival times differ (the procedure orders by them). */
    async function put(doc: string, key = 'k'): Promise<void> {
      await kinesis.put(STREAM, [{ partitionKey: key, data: doc }]);
      await new Promise((r) => setTimeout(r, 15));
    }

    before(async () => {
      kinesis = await startKinesalite();
      await kinesis.createStream(STREAM, 2);
      // Nothing Lakeshift-specific: the SDK's own environment says where Kinesis is.
      target = await startTarget({
        env: {
          AWS_ENDPOINT_URL_KINESIS: kinesis.endpoint,
          AWS_REGION: kinesis.region,
          AWS_ACCESS_KEY_ID: kinesis.credentials.accessKeyId,
          AWS_SECRET_ACCESS_KEY: kinesis.credentials.secretAccessKey,
        },
      });
      client = await connect(target);
    });

    after(async () => {
      await client?.end();
      await target?.dispose();
      await kinesis?.stop();
    });

    test('the seed pipeline: demo_stream_vw, the unnest, and SP_Customer_Transaction_Fact', async () => {
      // 004_bb24388233cb0e14.txt, "Set up streaming ingestion".
      await client.query(`CREATE EXTERNAL SCHEMA demo_schema
FROM KINESIS
IAM_ROLE default;`);
      await client.query('SET enable_case_sensitive_identifier TO true');
      await client.query(`CREATE MATERIALIZED VIEW demo_stream_vw AS
    SELECT approximate_arrival_timestamp,
    partition_key,
    shard_id,
    sequence_number,
    json_parse(kinesis_data) as payload    
    FROM demo_schema."demo-data-stream";`);
      const unnest = readFileSync(join(REPO, 'test/e2e/fixtures/seed-unnest.sql'), 'utf8');
      await client.query(
        `CREATE MATERIALIZED VIEW mv_demo_super_unnest AS ${unnest.replace(/^(--.*\n)+/, '')}`,
      );
      await client.query(`create table MetaData_ETL
(
JobName varchar(100),
StartDate timestamp, 
EndDate timestamp, 
Status varchar(50)
);`);
      await client.query(`insert into MetaData_ETL 
values
('Customer_Transaction_Fact_Load', current_timestamp, current_timestamp,'Ready' );`);
      await client.query(`CREATE TABLE public.Customer_Transaction_Fact (
Transaction_ID character varying(500),
Customer_ID character varying(500),
OutofPocket_Percent numeric(5,2),
OutofPock_Amount integer,
OutofPocket_Max integer,
Provider character varying(500),
completion_datetime timestamp
);`);
      const create = readFileSync(join(REPO, 'src/plpgsql/corpus/seed-procedures.sql'), 'utf8')
        .split(/\n;;\n/)
        .find((t) => /PROCEDURE SP_Customer_Transaction_Fact/.test(t));
      assert.ok(create);
      await client.query(create.replace(/^(--.*\n)+/, ''));

      // Arrivals after the audit row's EndDate: the procedure takes only newer ones.
      await new Promise((r) => setTimeout(r, 1100));
      await put(
        change('INSERT', 'TXN_1', {
          completionDateTime: { S: '2022-07-08T23:59:59Z' },
          OutofPockPercent: { N: 50.0 },
          OutofPockAmount: { N: 1000 },
          OutofPockMax: { N: 2000 },
          Provider: { S: 'PV-123' },
        }),
        'a',
      );
      await put(
        change('MODIFY', 'TXN_1', {
          completionDateTime: { S: '2022-07-09T10:00:00Z' },
          OutofPockPercent: { N: 60.0 },
          Provider: { S: 'PV-999' },
        }),
        'b',
      );
      await put(change('REMOVE', 'TXN_2', { Provider: { S: 'PV-1' } }), 'c');
      await put(
        change('INSERT', 'TXN_3', { OutofPockAmount: { N: 7 }, Provider: { S: 'PV-3' } }),
        'd',
      );

      await client.query('REFRESH MATERIALIZED VIEW demo_stream_vw;');
      assert.deepEqual(await rows('SELECT count(*)::int AS n FROM demo_stream_vw'), [{ n: 4 }]);
      // Both shards were read, each record once.
      const shards = await rows(
        `SELECT count(DISTINCT shard_id)::int AS shards, count(DISTINCT sequence_number)::int AS records FROM demo_stream_vw`,
      );
      assert.equal(shards[0]!.records, 4);
      assert.ok(Number(shards[0]!.shards) >= 1);
      // The unnest: one row per dependent id.
      await client.query('REFRESH MATERIALIZED VIEW mv_demo_super_unnest');
      assert.deepEqual(await rows('SELECT count(*)::int AS n FROM mv_demo_super_unnest'), [
        { n: 8 },
      ]);

      // EndDate is getdate(), in whole seconds: let the arrivals fall a second before it.
      await new Promise((r) => setTimeout(r, 1100));
      await client.query('CALL SP_Customer_Transaction_Fact()');
      const audit = async () =>
        (
          await rows(
            `SELECT trim(Status) AS status FROM MetaData_ETL WHERE JobName = 'Customer_Transaction_Fact_Load'`,
          )
        )[0]!.status;
      assert.equal(await audit(), 'Complete');
      const fact = () =>
        rows(`SELECT split_part(Transaction_ID, '#', 3) AS txn, Customer_ID AS customer,
        OutofPocket_Percent::text AS pct, OutofPock_Amount AS amount, OutofPocket_Max AS max,
        Provider AS provider FROM Customer_Transaction_Fact ORDER BY 1`);
      assert.deepEqual(await fact(), [
        {
          txn: 'TXN_1',
          customer: 'CUST_123',
          pct: '60.00',
          amount: 1000,
          max: 2000,
          provider: 'PV-999',
        },
        { txn: 'TXN_3', customer: 'CUST_123', pct: null, amount: 7, max: null, provider: 'PV-3' },
      ]);

      // The next run takes only what arrived since its last EndDate (getdate() has whole seconds).
      await new Promise((r) => setTimeout(r, 1100));
      await put(
        change('MODIFY', 'TXN_3', { OutofPockMax: { N: 300 }, Provider: { S: 'PV-33' } }),
        'e',
      );
      // The streaming view refreshes on its own schedule (the seed: at regular intervals).
    await client.query('REFRESH MATERIALIZED VIEW demo_stream_vw');
    await client.query(`UPDATE MetaData_ETL SET Status = 'Ready'`);
      await client.query('CALL SP_Customer_Transaction_Fact()');
      assert.equal(await audit(), 'Complete');
      assert.deepEqual(await fact(), [
        {
          txn: 'TXN_1',
          customer: 'CUST_123',
          pct: '60.00',
          amount: 1000,
          max: 2000,
          provider: 'PV-999',
        },
        // Only the new record is in this run: its own values, as the seed's logic gives.
        {
          txn: 'TXN_3',
          customer: 'CUST_123',
          pct: null,
          amount: null,
          max: 300,
          provider: 'PV-33',
        },
      ]);
    });

    test("Kinesis' older column names still read the stream", async () => {
      await client.query(`CREATE MATERIALIZED VIEW old_names AS
      SELECT approximatearrivaltimestamp, partitionkey, shardid, sequencenumber,
             from_varbyte(data, 'utf8') AS payload
      FROM demo_schema."demo-data-stream"`);
      await client.query('REFRESH MATERIALIZED VIEW old_names');
      assert.deepEqual(
        await rows(
          `SELECT count(*)::int AS n, count(DISTINCT sequencenumber)::int AS d FROM old_names`,
        ),
        [{ n: 5, d: 5 }],
      );
      const same = await rows(`SELECT count(*)::int AS n FROM old_names o JOIN demo_stream_vw v
      ON v.sequence_number = o.sequencenumber AND v.partition_key = o.partitionkey`);
      assert.deepEqual(same, [{ n: 5 }]);
      await client.query('REFRESH MATERIALIZED VIEW demo_stream_vw');
      const scans = await rows(
        `SELECT sum(scanned_rows)::int AS n FROM sys_stream_scan_states WHERE mv_name = 'demo_stream_vw'`,
      );
      assert.deepEqual(scans, [{ n: 5 }]);
    });
  },
);
