import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { isLakeshiftError } from '../../common/errors.js';
import { MessageReader, type FrontendMessage } from './framing.js';
import { fe } from './test-support.js';

function reader(opts: { maxMessageBytes?: number; highWaterBytes?: number } = {}) {
  const stream = new PassThrough();
  const r = new MessageReader(opts);
  r.attach(stream);
  return { stream, r };
}

const messages = [
  fe.query('select 1'),
  fe.parse('s1', 'add $1 $2', [23, 23]),
  fe.sync(),
  fe.query('x'.repeat(70_000)),
];
const all = Buffer.concat(messages);

async function readAll(r: MessageReader, n: number): Promise<FrontendMessage[]> {
  const out: FrontendMessage[] = [];
  for (let i = 0; i < n; i++) {
    const m = await r.readMessage();
    assert.ok(m);
    out.push(m);
  }
  return out;
}

function check(got: FrontendMessage[]): void {
  assert.deepEqual(
    got.map((m) => String.fromCharCode(m.type)),
    ['Q', 'P', 'S', 'Q'],
  );
  got.forEach((m, i) => assert.deepEqual(m.body, (messages[i] as Buffer).subarray(5)));
}

test('many messages in one chunk', async () => {
  const { stream, r } = reader();
  stream.write(all);
  check(await readAll(r, 4));
});

test('messages split across chunks, one byte at a time', async () => {
  const { stream, r } = reader();
  const pending = readAll(r, 4);
  for (let i = 0; i < all.length; i += i < 200 ? 1 : 997)
    stream.write(all.subarray(i, Math.min(all.length, i < 200 ? i + 1 : i + 997)));
  check(await pending);
});

test('end of input in the middle of a message reads as null', async () => {
  const { stream, r } = reader();
  stream.end(all.subarray(0, 20));
  assert.ok(await r.readMessage());
  assert.equal(await r.readMessage(), null);
});

test('declared lengths beyond the limit or below 4 are FATAL 08P01 before anything is buffered', async () => {
  for (const length of [0x7fffffff, 1025, 3, -1, -0x80000000]) {
    const { stream, r } = reader({ maxMessageBytes: 1024 });
    const head = Buffer.alloc(5);
    head[0] = 0x51;
    head.writeInt32BE(length, 1);
    stream.write(head);
    await assert.rejects(
      r.readMessage(),
      (e) => isLakeshiftError(e, '08P01') && e.severity === 'FATAL',
    );
  }
});

test('startup packet lengths: 8..10000', async () => {
  for (const length of [7, 10_001, -5]) {
    const { stream, r } = reader();
    const head = Buffer.alloc(8);
    head.writeInt32BE(length, 0);
    stream.write(head);
    await assert.rejects(r.readStartupPacket(), (e) => isLakeshiftError(e, '08P01'));
  }
  const { stream, r } = reader();
  stream.write(fe.startup({ user: 'u' }));
  const packet = await r.readStartupPacket();
  assert.equal(packet?.readInt32BE(0), 0x00030000);
});

test('the stream is paused above the high-water mark and resumed when read', async () => {
  const { stream, r } = reader({ highWaterBytes: 1000 });
  for (let i = 0; i < 100; i++) stream.write(fe.query('y'.repeat(100)));
  await new Promise((resolve) => setImmediate(resolve));
  assert.ok(stream.isPaused());
  assert.ok(r.buffered < 100 * 110);
  const got = await readAll(r, 100);
  assert.equal(got.length, 100);
});
