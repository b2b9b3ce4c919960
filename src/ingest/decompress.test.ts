// COPY's GZIP, BZIP2, LZOP and ZSTD: files made by zlib and by the command-line tools read back
// byte for byte (concatenated members and frames too, fed in small pieces); corrupt and
// truncated input is 22P04 naming the compression; a missing program is 0A000 naming it.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { LakeshiftError, SqlState } from '../common/errors.js';
import type { Compression } from './copy-options.js';
import { decompressStream } from './decompress.js';
import { RecordReader } from './records.js';

/** Some text with structure and some without, about 1.5 MB. */
const DATA = Buffer.from(
  Array.from(
    { length: 30_000 },
    (_, i) => `${i}|row ${i} åäö|${(i * 7919) % 104729}|${Math.sin(i).toString(36)}\n`,
  ).join(''),
);

const has = (program: string) => spawnSync(program, ['--version']).error === undefined;

/** `program -c` over the bytes, as a user would compress a file. */
function compressWith(program: string, bytes: Buffer): Buffer {
  const r = spawnSync(program, ['-c'], { input: bytes, maxBuffer: 1 << 28 });
  assert.equal(r.status, 0, `${program}: ${r.stderr?.toString()}`);
  return r.stdout;
}

/** A readable over the bytes in pieces of `size`. */
function source(bytes: Buffer, size = 4096): Readable {
  const pieces: Buffer[] = [];
  for (let p = 0; p < bytes.length; p += size) pieces.push(bytes.subarray(p, p + size));
  return Readable.from(pieces, { objectMode: false });
}

async function collect(s: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of s) parts.push(c as Buffer);
  return Buffer.concat(parts);
}

async function rejects(p: Promise<unknown>, sqlstate: string, message: RegExp) {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof LakeshiftError, String(e));
    assert.equal(e.sqlstate, sqlstate);
    assert.match(e.message, message);
    return true;
  });
}

const compress: Record<Compression, (b: Buffer) => Buffer> = {
  gzip: (b) => gzipSync(b),
  bzip2: (b) => compressWith('bzip2', b),
  lzop: (b) => compressWith('lzop', b),
  zstd: (b) => compressWith('zstd', b),
};

test('no compression: the input as it is', async () => {
  const input = source(DATA);
  assert.equal(decompressStream(undefined, input), input);
});

for (const c of ['gzip', 'bzip2', 'lzop', 'zstd'] as const) {
  const skip = c !== 'gzip' && !has(c) ? `${c} is not installed` : false;
  describe(c.toUpperCase(), { skip }, () => {
    test('reads back what the compressor wrote, in any piece size', async () => {
      const packed = compress[c](DATA);
      for (const size of [1 << 16, 777, 1]) {
        if (size === 1 && packed.length > 100_000) continue;
        assert.ok((await collect(decompressStream(c, source(packed, size)))).equals(DATA));
      }
      const small = compress[c](Buffer.from('a|b\n'));
      assert.deepEqual(await collect(decompressStream(c, source(small, 1))), Buffer.from('a|b\n'));
    });

    test('concatenated members or frames read as one file', async () => {
      const [a, b] = [DATA.subarray(0, 1000), DATA.subarray(1000, 5000)];
      const packed = Buffer.concat([compress[c](a), compress[c](b)]);
      assert.ok(
        (await collect(decompressStream(c, source(packed, 100)))).equals(DATA.subarray(0, 5000)),
      );
    });

    test('data that is not of this compression is 22P04 naming it', async () => {
      const garbage = Buffer.from('this is not compressed at all\n'.repeat(100));
      await rejects(
        collect(decompressStream(c, source(garbage))),
        SqlState.badCopyFileFormat,
        new RegExp(`^COPY input is not valid ${c.toUpperCase()} data: .+`),
      );
    });

    test('a truncated file is 22P04 after the data before the cut', async () => {
      const packed = compress[c](DATA);
      const cut = packed.subarray(0, Math.floor(packed.length * 0.6));
      const out = decompressStream(c, source(cut));
      const seen: Buffer[] = [];
      await rejects(
        (async () => {
          for await (const chunk of out) seen.push(chunk as Buffer);
        })(),
        SqlState.badCopyFileFormat,
        new RegExp(`not valid ${c.toUpperCase()} data`),
      );
      const got = Buffer.concat(seen);
      assert.ok(got.length < DATA.length && DATA.subarray(0, got.length).equals(got));
    });

    test('an error of the input itself comes through as it is', async () => {
      const failing = new Readable({
        read() {
          this.destroy(new Error('network went away'));
        },
      });
      await assert.rejects(collect(decompressStream(c, failing)), /network went away/);
    });
  });
}

describe('decompressor programs', () => {
  let empty: string;
  before(() => {
    empty = mkdtempSync(join(tmpdir(), 'lakeshift-nopath-'));
  });
  after(() => rmSync(empty, { recursive: true, force: true }));

  test('a program that is not installed is 0A000 naming it and its package', async () => {
    for (const c of ['bzip2', 'lzop', 'zstd'] as const) {
      await assert.rejects(
        collect(decompressStream(c, source(Buffer.from('x')), { path: empty })),
        (e: unknown) =>
          e instanceof LakeshiftError &&
          e.sqlstate === SqlState.featureNotSupported &&
          e.message ===
            `COPY with ${c.toUpperCase()} needs the program ${c}, which is not installed on the server` &&
          e.hint === `Install the Debian package ${c}.`,
      );
    }
  });

  test('a reader that stops early stops the program', { skip: !has('zstd') }, async () => {
    const out = decompressStream('zstd', source(compress.zstd(DATA)));
    for await (const _ of out) break;
    assert.ok(out.destroyed);
  });
});

test('decompressed bytes feed the record reader', { skip: !has('zstd') }, async () => {
  const reader = new RecordReader({
    format: { kind: 'text', delimiter: '|' },
    columnCount: 4,
    ignoreHeader: 0,
    escape: false,
    removeQuotes: false,
    fillRecord: false,
    ignoreBlankLines: false,
  });
  let count = 0;
  for await (const chunk of decompressStream('zstd', source(compress.zstd(DATA), 1000))) {
    for (const r of reader.push(chunk as Buffer)) {
      assert.equal(r.error, undefined);
      count++;
    }
  }
  count += reader.end().length;
  assert.equal(count, 30_000);
});
