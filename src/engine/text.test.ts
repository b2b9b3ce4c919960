import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatFloat4, formatFloat8, quoteArrayElement } from './text.js';
import { formatInterval, formatTimestamp, ZoneOffsets, formatTimestampTz } from './datetime.js';

/** Reference: the fewest correctly rounded digits that read back as the same float4. */
function shortestFloat4(v: number): string {
  const abs = Math.abs(v);
  for (let p = 1; p <= 9; p++) {
    const c = abs.toExponential(p - 1);
    if (Math.fround(Number(c)) === abs) return Number(c).toExponential();
  }
  throw new Error('unreachable');
}

test('float4 output round-trips at (about) the shortest length for random bit patterns and powers of two', () => {
  const f32 = new Float32Array(1);
  const u32 = new Uint32Array(f32.buffer);
  let seed = 12345;
  const values: number[] = [];
  for (let i = 0; i < 100_000; i++) {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    u32[0] = seed;
    values.push(f32[0] as number);
  }
  for (let e = -149; e <= 127; e++) values.push(Math.fround(2 ** e));
  for (const v of values) {
    if (!Number.isFinite(v) || v === 0) continue;
    const text = formatFloat4(v);
    assert.equal(Math.fround(Number(text)), v, text);
    // As short as the shortest round trip, except where that one sits exactly on a rounding
    // boundary (which PostgreSQL's Ryu does not pick; encode-pg.test.ts checks those).
    const got = Math.abs(Number(text)).toExponential().split('e')[0]!.replace('.', '').length;
    const want = shortestFloat4(v).split('e')[0]!.replace('.', '').length;
    assert.ok(
      got === want || (got > want && got <= 9 && Math.abs(v) >= 2 ** 24),
      `${v}: ${text} vs ${shortestFloat4(v)}`,
    );
  }
});

test('float8 layout follows PostgreSQL (fixed for exponents -4..14)', () => {
  assert.equal(formatFloat8(1e15), '1e+15');
  assert.equal(formatFloat8(123456789012345), '123456789012345');
  assert.equal(formatFloat8(0.0001), '0.0001');
  assert.equal(formatFloat8(0.00001), '1e-05');
  assert.equal(formatFloat8(-0), '-0');
  assert.equal(formatFloat8(5e-324), '5e-324');
});

test('array element quoting', () => {
  assert.equal(quoteArrayElement('a'), 'a');
  assert.equal(quoteArrayElement(''), '""');
  assert.equal(quoteArrayElement('NuLl'), '"NuLl"');
  assert.equal(quoteArrayElement('a"b\\c'), '"a\\"b\\\\c"');
  assert.equal(quoteArrayElement('x\ty'), '"x\ty"');
});

test('datetime texts', () => {
  assert.equal(formatTimestamp(-62135596800000000n), '0001-01-01 00:00:00');
  assert.equal(formatTimestamp(-62135596800000001n), '0001-12-31 23:59:59.999999 BC');
  assert.equal(formatInterval(-14, 3, -14706000000n), '-1 years -2 mons +3 days -04:05:06');
  assert.equal(formatInterval(0, 0, 0n), '00:00:00');
  assert.equal(formatTimestampTz(0n, new ZoneOffsets('Asia/Kolkata')), '1970-01-01 05:30:00+05:30');
  assert.equal(formatTimestampTz(0n, new ZoneOffsets('-03:00')), '1969-12-31 21:00:00-03');
});
