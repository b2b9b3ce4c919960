// Streaming ingestion from Kinesis as the seed 004_bb24388233cb0e14.txt runs it, against a real
// Kinesis API server (kinesalite): DynamoDB change records in "demo-data-stream" land in the
// streaming view demo_stream_vw; the PartiQL unnest of dependentIds feeds mv_demo_super_unnest;
// SP_Customer_Transaction_Fact, unchanged, moves its MetaData_ETL job to Complete and keeps the
// latest non-null value of each column per Transaction_ID. The server finds the endpoint the AWS
// SDK's way (AWS_ENDPOINT_URL_KINESIS, AWS_REGION, AWS_ACCESS_KEY_ID ...), and the older column
// names (approximatearrivaltimestamp, partitionkey, shardid, sequencenumber, data) still work.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type pg from 'pg';
import { startKinesalite, type RunningKinesalite } from '../support/kinesalite.js';
import { TARGET, startTarget, type Target } from '../support/server.js';
import {
  auditRow,
  dynamodbChange,
  factRows,
  FIRST_CHANGES,
  FIRST_FACTS,
  setUpFactLoad,
} from './fixtures/customer-transaction-fact.js';
import { connect } from './helpers.js';

const STREAM = 'demo-data-stream';

describe(
  'streaming ingestion from Kinesis',
  { skip: TARGET !== 'lakeshift' && 'Lakeshift only' },
  () => {
    let kinesis: RunningKinesalite;
    let target: Target;
    let client: pg.Client;
    const rows = async (sql: string) => (await client.query(sql)).rows as Record<string, unknown>[];
    const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

    /** Puts one record and waits a little, so arrival times differ (the load orders by them). */
    async function put(doc: string, key: string): Promise<void> {
      await kinesis.put(STREAM, [{ partitionKey: key, data: doc }]);
      await pause(15);
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
      await setUpFactLoad(client);

      // Arrivals after the audit row's EndDate: the procedure takes only newer ones.
      await pause(1100);
      for (const [i, doc] of FIRST_CHANGES.entries()) await put(doc, `key-${i}`);
      await client.query('REFRESH MATERIALIZED VIEW demo_stream_vw;');
      const read = await rows(
        `SELECT count(*)::int AS n, count(DISTINCT sequence_number)::int AS records FROM demo_stream_vw`,
      );
      assert.deepEqual(read, [{ n: 4, records: 4 }]);
      // The unnest: one row per dependent id.
      await client.query('REFRESH MATERIALIZED VIEW mv_demo_super_unnest');
      assert.deepEqual(await rows('SELECT count(*)::int AS n FROM mv_demo_super_unnest'), [
        { n: 8 },
      ]);

      // EndDate is getdate(), in whole seconds: let the arrivals fall a second before it.
      await pause(1100);
      await client.query('CALL SP_Customer_Transaction_Fact()');
      assert.equal((await auditRow(client)).status, 'Complete');
      assert.deepEqual(await factRows(client), FIRST_FACTS);

      // The next run takes only what arrived since its last EndDate.
      await pause(1100);
      await put(
        dynamodbChange('MODIFY', 'TXN_3', { OutofPockMax: { N: 300 }, Provider: { S: 'PV-33' } }),
        'key-4',
      );
      // The streaming view refreshes on its own schedule (the seed: at regular intervals).
      await client.query('REFRESH MATERIALIZED VIEW demo_stream_vw');
      await client.query(`UPDATE MetaData_ETL SET Status = 'Ready'`);
      await client.query('CALL SP_Customer_Transaction_Fact()');
      assert.equal((await auditRow(client)).status, 'Complete');
      // Only the new record is in this run: its own values replace TXN_3's, as the seed's logic gives.
      assert.deepEqual(await factRows(client), [
        FIRST_FACTS[0],
        { ...FIRST_FACTS[1], amount: null, max: 300, provider: 'PV-33' },
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
      const scans = await rows(
        `SELECT sum(scanned_rows)::int AS n FROM sys_stream_scan_states WHERE mv_name = 'demo_stream_vw'`,
      );
      assert.deepEqual(scans, [{ n: 5 }]);
    });
  },
);
