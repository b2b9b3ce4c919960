import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CachedRowsReader, ResultCache, type CachedResult } from './result-cache.js';

/** A DataRow message with one text column. */
function dataRow(value: string): Uint8Array {
  const text = Buffer.from(value, 'utf8');
  const out = Buffer.alloc(1 + 4 + 2 + 4 + text.length);
  out.write('D', 0, 'latin1');
  out.writeInt32BE(out.length - 1, 1);
  out.writeInt16BE(1, 5);
  out.writeInt32BE(text.length, 7);
  text.copy(out, 11);
  return out;
}

function result(chunks: string[][]): CachedResult {
  const encoded = chunks.map((rows) => Buffer.concat(rows.map(dataRow)));
  const rows = chunks.reduce((n, c) => n + c.length, 0);
  const bytes = encoded.reduce((n, c) => n + c.length, 0);
  return { fields: [], chunks: encoded, rows, bytes };
}

/** The values of the DataRow messages in `data`. */
function values(data: Uint8Array[]): string[] {
  const buf = Buffer.concat(data);
  const out: string[] = [];
  for (let at = 0; at < buf.length; at += 1 + buf.readInt32BE(at + 1)) {
    const len = buf.readInt32BE(at + 7);
    out.push(buf.subarray(at + 11, at + 11 + len).toString('utf8'));
  }
  return out;
}

test('a cached result replays in one go without a row limit', async () => {
  const reader = new CachedRowsReader(result([['a', 'b'], ['c']]));
  const sent: Uint8Array[] = [];
  assert.deepEqual(await reader.next(0, (m) => void sent.push(m)), { rows: 3, done: true });
  assert.deepEqual(values(sent), ['a', 'b', 'c']);
});

test('a row limit splits chunks at message boundaries, as a portal suspends', async () => {
  const reader = new CachedRowsReader(
    result([
      ['a', 'bb', 'ccc'],
      ['d', 'e'],
    ]),
  );
  const seen: string[][] = [];
  for (;;) {
    const sent: Uint8Array[] = [];
    const { rows, done } = await reader.next(2, (m) => void sent.push(m));
    seen.push(values(sent));
    assert.equal(rows, seen.at(-1)!.length);
    if (done) break;
  }
  assert.deepEqual(seen, [['a', 'bb'], ['ccc', 'd'], ['e']]);
});

test('the cache keeps recent results within its byte bound and skips large ones', () => {
  const cache = new ResultCache(100, 60);
  const r = (n: number): CachedResult => ({ fields: [], chunks: [], rows: 0, bytes: n });
  cache.put('a', r(40));
  cache.put('b', r(40));
  cache.get('a');
  cache.put('c', r(40));
  assert.ok(cache.get('a'), 'recently used stays');
  assert.equal(cache.get('b'), undefined, 'least recently used goes');
  cache.put('big', r(61));
  assert.equal(cache.get('big'), undefined);
});
