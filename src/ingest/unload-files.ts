// What UNLOAD does to the files DuckDB wrote before they are moved: count their records (for
// MANIFEST VERBOSE), split a serial (PARALLEL OFF) unload's file at MAXFILESIZE on record
// boundaries — DuckDB's own file rotation writes files side by side and so loses the order —
// and compress with bzip2 (DuckDB writes gzip and zstd itself). Node 20's zlib has no zstd and
// none has bzip2: those go through the zstd and bzip2 programs.
//
// A record ends at a line feed, except one inside CSV quotes or escaped by ESCAPE's backslash;
// a header line is a record, as Redshift counts it.
import { spawn } from 'node:child_process';
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import { once } from 'node:events';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import { LakeshiftError, SqlState, messageOf } from '../common/errors.js';
import type { UnloadCompression, UnloadOptions } from './unload-options.js';

/** How a file's records end (see the header comment). */
export type RecordRule = 'lines' | 'csv' | 'escaped';

export function recordRule(options: UnloadOptions): RecordRule {
  if (options.format.kind === 'csv') return 'csv';
  if (options.format.kind === 'text' && options.escape) return 'escaped';
  return 'lines';
}

/** Finds record ends in a stream of chunks, keeping its state (quotes, a backslash) between them. */
class RecordEnds {
  private inQuotes = false;
  private afterBackslash = false;

  constructor(private readonly rule: RecordRule) {}

  /** Calls `end(i)` for each record ending at chunk[i] (a line feed). */
  scan(chunk: Buffer, end: (i: number) => void): void {
    if (this.rule === 'lines') {
      for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) end(i);
      return;
    }
    const csv = this.rule === 'csv';
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk[i]!;
      if (csv) {
        if (c === 34) this.inQuotes = !this.inQuotes;
        else if (c === 10 && !this.inQuotes) end(i);
      } else if (this.afterBackslash) this.afterBackslash = false;
      else if (c === 92) this.afterBackslash = true;
      else if (c === 10) end(i);
    }
  }
}

function programMissing(program: string, what: string, e: unknown): LakeshiftError {
  return new LakeshiftError(
    SqlState.featureNotSupported,
    `UNLOAD ${what} needs the ${program} program on the server: ${messageOf(e)}`,
  );
}

/** Runs a program to its end; a non-zero exit or a missing program is an error. */
function runProgram(program: string, args: string[], what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    child.once('error', (e) => reject(programMissing(program, what, e)));
    child.once('close', (code) => {
      if (code === 0) resolve();
      else reject(new LakeshiftError(SqlState.ioError, `${program} failed: ${stderr.trim()}`));
    });
  });
}

/** The uncompressed bytes of a file DuckDB wrote (gzip and zstd are DuckDB's compressions). */
function uncompressed(path: string, compression: UnloadCompression | undefined): Readable {
  if (compression === 'gzip') return createReadStream(path).pipe(createGunzip());
  if (compression === 'zstd') {
    const child = spawn('zstd', ['-d', '-c', '-q', path], { stdio: ['ignore', 'pipe', 'ignore'] });
    child.once('error', (e) => child.stdout.destroy(programMissing('zstd', 'with ZSTD', e)));
    return child.stdout;
  }
  return createReadStream(path, { highWaterMark: 1 << 20 });
}

/** Compresses `path` in place of itself; returns the compressed file's path. */
export async function compressFile(path: string, compression: UnloadCompression): Promise<string> {
  switch (compression) {
    case 'gzip':
      await pipeline(createReadStream(path), createGzip(), createWriteStream(`${path}.gz`));
      await rm(path, { force: true });
      return `${path}.gz`;
    case 'zstd':
      await runProgram('zstd', ['-q', '-f', '--rm', path], 'ZSTD');
      return `${path}.zst`;
    case 'bzip2':
      await runProgram('bzip2', ['-z', '-q', '-f', path], 'BZIP2');
      return `${path}.bz2`;
  }
}

/** The records of a file (compressed as DuckDB wrote it). */
export async function countRecords(
  path: string,
  compression: UnloadCompression | undefined,
  rule: RecordRule,
): Promise<number> {
  const ends = new RecordEnds(rule);
  let count = 0;
  let last = 10;
  for await (const chunk of uncompressed(path, compression)) {
    const buf = chunk as Buffer;
    if (buf.length === 0) continue;
    ends.scan(buf, () => count++);
    last = buf[buf.length - 1]!;
  }
  // A last record without its line feed counts too.
  return last === 10 ? count : count + 1;
}

export interface Piece {
  path: string;
  records: number;
}

/**
 * Splits a serial unload's file (compressed as DuckDB wrote it, or not) into pieces of at most
 * `max` uncompressed bytes on record boundaries — a record longer than `max` makes a piece of
 * its own — each starting with the header line when there is one; then compresses each piece.
 * The original file is removed.
 */
export async function splitFile(
  path: string,
  options: UnloadOptions,
  max: number,
): Promise<Piece[]> {
  const ends = new RecordEnds(recordRule(options));
  const pieces: Piece[] = [];
  let out: WriteStream | undefined;
  let outBytes = 0;
  let header: Buffer | undefined;
  let wantHeader = options.header;
  /** The bytes of the record being read (it may span chunks). */
  let pending: Buffer[] = [];
  let pendingBytes = 0;

  const write = async (bufs: readonly Buffer[], bytes: number) => {
    if (out === undefined || (outBytes > 0 && outBytes + bytes > max)) {
      if (out !== undefined) {
        out.end();
        await once(out, 'close');
      }
      const piece = { path: `${path}.${pieces.length}`, records: 0 };
      pieces.push(piece);
      out = createWriteStream(piece.path);
      outBytes = 0;
      if (header !== undefined && pieces.length > 1) {
        out.write(header);
        outBytes += header.length;
        piece.records++;
      }
    }
    for (const b of bufs) if (!out.write(b)) await once(out, 'drain');
    outBytes += bytes;
    pieces[pieces.length - 1]!.records++;
  };
  const record = async () => {
    const bufs = pending;
    const bytes = pendingBytes;
    pending = [];
    pendingBytes = 0;
    if (wantHeader) {
      wantHeader = false;
      header = Buffer.concat(bufs);
    }
    await write(bufs, bytes);
  };

  try {
    for await (const chunk of uncompressed(path, options.compression)) {
      const buf = chunk as Buffer;
      const cuts: number[] = [];
      ends.scan(buf, (i) => cuts.push(i));
      let from = 0;
      for (const i of cuts) {
        pending.push(buf.subarray(from, i + 1));
        pendingBytes += i + 1 - from;
        from = i + 1;
        await record();
      }
      if (from < buf.length) {
        pending.push(buf.subarray(from));
        pendingBytes += buf.length - from;
      }
    }
    if (pendingBytes > 0) await record();
    if (out !== undefined) {
      (out as WriteStream).end();
      await once(out as WriteStream, 'close');
    }
  } catch (e) {
    out?.destroy();
    throw e;
  }
  await rm(path, { force: true });
  if (pieces.length === 0) {
    // An empty result: one empty file, as DuckDB wrote it.
    const piece = { path: `${path}.0`, records: 0 };
    const empty = createWriteStream(piece.path);
    empty.end();
    await once(empty, 'close');
    pieces.push(piece);
  }
  if (options.compression !== undefined) {
    for (const piece of pieces) piece.path = await compressFile(piece.path, options.compression);
  }
  return pieces;
}

/** A file's size in bytes. */
export async function sizeOf(path: string): Promise<number> {
  return (await stat(path)).size;
}
