// The kafka-read suite's broker: the Kafka-wire-protocol TEST BROKER (test/fixtures/kafka-broker)
// in a process of its own, so that its CPU is not the reader's. It creates one topic, fills it
// through the broker's programmatic append (no client: the fill is not what is measured), prints
// one JSON line `{"bootstrap": "host:port", "fillMs": n}` on stdout and serves until stdin closes
// (the suite's process ending closes it).
//   node --import tsx bench/suites/kafka-read/broker-process.ts --topic t --partitions 8 \
//     --records 1000000 --record-bytes 1024 --batch-records 100 [--gzip]
import { TestKafkaBroker } from '../../../test/fixtures/kafka-broker/index.js';
import { jsonRecord } from './records.js';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1]! : fallback;
}

const topic = arg('topic', 'events');
const partitions = Number(arg('partitions', '8'));
const records = Number(arg('records', '1000000'));
const recordBytes = Number(arg('record-bytes', '1024'));
const batchRecords = Number(arg('batch-records', '100'));
const gzip = process.argv.includes('--gzip');

const broker = await TestKafkaBroker.start({ verifyCrc: false });
broker.createTopic(topic, partitions);
const started = Date.now();
const perPartition = Math.ceil(records / partitions);
for (let p = 0; p < partitions; p++) {
  for (let done = 0; done < perPartition; done += batchRecords) {
    const n = Math.min(batchRecords, perPartition - done);
    const batch = Array.from({ length: n }, (_, i) => {
      const id = (done + i) * partitions + p;
      return { key: `user-${id % 10_000}`, value: jsonRecord(id, recordBytes) };
    });
    broker.append(topic, p, batch, gzip ? { compression: 'gzip' } : {});
  }
}
process.stdout.write(
  `${JSON.stringify({ bootstrap: broker.bootstrap, fillMs: Date.now() - started })}\n`,
);
process.stdin.resume();
process.stdin.on('end', () => void broker.stop().then(() => process.exit(0)));
process.stdin.on('close', () => void broker.stop().then(() => process.exit(0)));
