// COPY's file compression parameters (GZIP, BZIP2, LZOP, ZSTD) as a stream transform: GZIP with
// node:zlib (concatenated members included), the others through the system's own programs
// (`bzip2 -dc`, `lzop -dc`, `zstd -dc`, Debian packages bzip2, lzop and zstd). A missing program
// is 0A000 naming it; input that is not valid for its compression is 22P04 (bad COPY file
// format) naming the compression and what the decompressor said, raised on the returned stream
// and never before all the good data before it has been delivered.
// https://docs.aws.amazon.com/redshift/latest/dg/copy-parameters-file-compression.html
import { spawn } from 'node:child_process';
import { PassThrough, type Readable, type Transform } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { LakeshiftError, SqlState, messageOf } from '../common/errors.js';
import type { Compression } from './copy-options.js';

/**
 * The program that decompresses each format, the Debian package that has it, and the exit
 * statuses that mean success: lzop exits 2 after a warning, such as for concatenated files
 * ("this is a multipart archive"), having written all the data.
 */
const PROGRAMS = {
  bzip2: { program: 'bzip2', pkg: 'bzip2', ok: [0] },
  lzop: { program: 'lzop', pkg: 'lzop', ok: [0, 2] },
  zstd: { program: 'zstd', pkg: 'zstd', ok: [0] },
} as const satisfies Record<string, { program: string; pkg: string; ok: readonly number[] }>;

export interface DecompressOptions {
  /** PATH to look the programs up in (default: the server's). */
  path?: string;
}

function corrupt(compression: Compression, detail: string, cause?: unknown): LakeshiftError {
  return new LakeshiftError(
    SqlState.badCopyFileFormat,
    `COPY input is not valid ${compression.toUpperCase()} data: ${detail}`,
    cause === undefined ? {} : { cause },
  );
}

/** The decompressed bytes of `input`; the input itself when there is no compression. */
export function decompressStream(
  compression: Compression | undefined,
  input: Readable,
  options: DecompressOptions = {},
): Readable {
  if (compression === undefined) return input;
  if (compression === 'gzip') return throughZlib(input);
  return throughProgram(compression, input, options);
}

/** Ends `out` with err (once), and stops everything feeding it. */
function failer(out: PassThrough, stop: () => void): (err: Error) => void {
  return (err) => {
    if (!out.destroyed) out.destroy(err);
    stop();
  };
}

function throughZlib(input: Readable): Readable {
  const gunzip: Transform = createGunzip();
  const out = new PassThrough();
  let finished = false;
  const fail = failer(out, () => {
    input.unpipe(gunzip);
    input.destroy();
    gunzip.destroy();
  });
  input.on('error', (e) => fail(e));
  gunzip.on('error', (e) => fail(corrupt('gzip', messageOf(e), e)));
  gunzip.on('end', () => {
    finished = true;
  });
  out.on('close', () => {
    if (!finished) fail(new Error('decompressed stream closed'));
  });
  input.pipe(gunzip).pipe(out);
  return out;
}

function throughProgram(
  compression: Exclude<Compression, 'gzip'>,
  input: Readable,
  options: DecompressOptions,
): Readable {
  const { program, pkg, ok } = PROGRAMS[compression];
  const out = new PassThrough();
  const child = spawn(program, ['-dc'], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: options.path === undefined ? process.env : { ...process.env, PATH: options.path },
  });
  let settled = false;
  const fail = failer(out, () => {
    settled = true;
    input.unpipe(child.stdin);
    input.destroy();
    if (child.exitCode === null && child.signalCode === null) child.kill();
  });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (d: string) => {
    if (stderr.length < 4096) stderr += d;
  });
  child.on('error', (e: NodeJS.ErrnoException) => {
    if (settled) return;
    fail(
      e.code === 'ENOENT'
        ? new LakeshiftError(
            SqlState.featureNotSupported,
            `COPY with ${compression.toUpperCase()} needs the program ${program}, which is not installed on the server`,
            { hint: `Install the Debian package ${pkg}.`, cause: e },
          )
        : new LakeshiftError(SqlState.ioError, `could not run ${program}: ${e.message}`, {
            cause: e,
          }),
    );
  });
  // The program stops reading when the data is bad; its exit status says why, not the EPIPE.
  child.stdin.on('error', () => {});
  input.on('error', (e) => {
    if (!settled) fail(e);
  });
  child.on('close', (code, signal) => {
    if (settled) return;
    settled = true;
    if (code !== null && (ok as readonly number[]).includes(code)) out.end();
    else {
      const said = stderr
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l !== '')
        .join('; ');
      fail(corrupt(compression, said || `${program} exited with ${code ?? signal}`));
    }
  });
  out.on('close', () => {
    if (!settled) fail(new Error('decompressed stream closed'));
  });
  input.pipe(child.stdin);
  child.stdout.pipe(out, { end: false });
  return out;
}
