// The Kafka side of the `stream` suite, in a process of its own so that its CPU is not the
// server's: the Kafka-wire-protocol test broker (test/fixtures/kafka-broker, a test double) with
// one topic, and a producer that appends 1 KB JSON records at a steady rate, stamping each with
// its CreateTime. Driven over IPC: { fill } appends records at once, { produce } at a rate.
import {
  encodeTestBatch,
  restampBatch,
  TestKafkaBroker,
} from '../../../test/fixtures/kafka-broker/index.js';

interface Fill {
  cmd: 'fill';
  records: number;
}
interface Produce {
  cmd: 'produce';
  perSecond: number;
  seconds: number;
}
type Command = Fill | Produce | { cmd: 'stop' };

const topic = process.env.BENCH_TOPIC ?? 'bench';
const partitions = Number(process.env.BENCH_PARTITIONS ?? 8);
const recordBytes = Number(process.env.BENCH_RECORD_BYTES ?? 1024);

const broker = await TestKafkaBroker.start();
broker.createTopic(topic, partitions);

let sequence = 0;
const padding = Buffer.alloc(recordBytes, 'x');
/**
 * A JSON order padded to about `recordBytes` bytes, made as bytes: encoding a long string per
 * record was most of what producing cost.
 */
function record(): Buffer {
  const id = ++sequence;
  const head = `{"OrderID":${id},"Store":"Store-${id % 50}","Price":${id % 1000},"Note":"`;
  const size = Math.max(recordBytes, head.length + 2);
  const value = Buffer.allocUnsafe(size);
  value.write(head, 0, 'latin1');
  value.set(padding.subarray(0, size - head.length - 2), head.length);
  value.write('"}', size - 2, 'latin1');
  return value;
}

function appendRound(count: number): void {
  const now = BigInt(Date.now());
  const per = Math.ceil(count / partitions);
  for (let p = 0; p < partitions; p++) {
    const records = Array.from({ length: per }, () => ({ value: record(), timestamp: now }));
    broker.append(topic, p, records);
  }
}

/**
 * Appends `perSecond` records a second for `seconds`, in 50 ms ticks stamped with the tick's
 * time. Each partition's tick is one batch encoded once and sent again restamped (its order
 * ids repeat): what costs CPU here is the load generator's, which a real producer does not
 * take from the server's machine.
 */
async function produce(perSecond: number, seconds: number): Promise<number> {
  const tickMs = 50;
  const perTick = Math.round((perSecond * tickMs) / 1000);
  const per = Math.ceil(perTick / partitions);
  const templates = Array.from({ length: partitions }, () =>
    encodeTestBatch(Array.from({ length: per }, () => ({ value: record(), timestamp: 0n }))),
  );
  const start = Date.now();
  let ticks = 0;
  while (Date.now() - start < seconds * 1000) {
    const now = BigInt(Date.now());
    templates.forEach((t, p) => broker.appendBatch(topic, p, restampBatch(t, now)));
    ticks++;
    const wait = start + ticks * tickMs - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
  return per * partitions * ticks;
}

process.on('message', (m: Command) => {
  void (async () => {
    if (m.cmd === 'fill') {
      for (let left = m.records; left > 0; left -= 8000) appendRound(Math.min(8000, left));
      process.send!({ done: 'fill', records: m.records });
    } else if (m.cmd === 'produce') {
      const records = await produce(m.perSecond, m.seconds);
      process.send!({ done: 'produce', records });
    } else {
      await broker.stop();
      process.exit(0);
    }
  })();
});
process.send!({ ready: broker.bootstrap });
