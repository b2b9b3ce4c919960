// `lakeshift load <file|dir> <table>`: a client convenience that streams local files into a
// table over the wire protocol (COPY ... FROM STDIN, so it works against any server it can
// reach), all files in one transaction, with a progress bar on a terminal (a line per file
// otherwise). Gzip files (.gz) are expanded on the client.
import { createReadStream, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createGunzip } from 'node:zlib';
import pg from 'pg';
import { LakeshiftError, SqlState, messageOf } from '../common/errors.js';
import { quoteIdent, quoteLiteral } from '../common/sql-quote.js';
import { copyFrom } from './pg-copy-in.js';

export interface LoadCommandOptions {
  host: string;
  port: string;
  user: string;
  database: string;
  format?: 'csv' | 'text';
  delimiter?: string;
  header?: boolean;
  null?: string;
}

/** The regular files of a path (a file, or a directory's files, recursively, sorted). */
export function filesOf(path: string): string[] {
  const st = statSync(path, { throwIfNoEntry: false });
  if (st === undefined) {
    throw new LakeshiftError(SqlState.undefinedFile, `${path} does not exist`);
  }
  if (st.isFile()) return [path];
  const out: string[] = [];
  for (const name of readdirSync(path).sort()) {
    const full = join(path, name);
    const s = statSync(full);
    if (s.isDirectory()) out.push(...filesOf(full));
    else if (s.isFile()) out.push(full);
  }
  return out;
}

const MB = 1024 * 1024;

/** A one-line progress bar for a terminal: bar, percent, bytes, rate, the current file. */
export function progressLine(p: {
  bytesDone: number;
  bytesTotal: number;
  filesDone: number;
  filesTotal: number;
  elapsedMs: number;
  file: string;
  width?: number;
}): string {
  const fraction = p.bytesTotal > 0 ? Math.min(1, p.bytesDone / p.bytesTotal) : 1;
  const width = p.width ?? 30;
  const filled = Math.round(fraction * width);
  const rate = p.elapsedMs > 0 ? p.bytesDone / MB / (p.elapsedMs / 1000) : 0;
  return (
    `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${String(Math.floor(fraction * 100)).padStart(3)}% ` +
    `${(p.bytesDone / MB).toFixed(1)}/${(p.bytesTotal / MB).toFixed(1)} MB ${rate.toFixed(1)} MB/s ` +
    `file ${Math.min(p.filesDone + 1, p.filesTotal)}/${p.filesTotal} ${p.file}`
  );
}

function copyStatement(table: string, file: string, o: LoadCommandOptions): string {
  const csv = o.format === 'csv' || (o.format === undefined && /\.csv(\.gz)?$/i.test(file));
  const options = [`FORMAT ${csv ? 'csv' : 'text'}`];
  const delimiter =
    o.delimiter ?? (csv ? undefined : /\.tbl(\.gz)?$/i.test(file) ? '|' : undefined);
  if (delimiter !== undefined) options.push(`DELIMITER ${quoteLiteral(delimiter)}`);
  if (o.header) options.push('HEADER true');
  if (o.null !== undefined) options.push(`NULL ${quoteLiteral(o.null)}`);
  const name = table
    .split('.')
    .map((p) => (/^[a-z_][a-z0-9_$]*$/.test(p) ? p : quoteIdent(p)))
    .join('.');
  return `COPY ${name} FROM STDIN WITH (${options.join(', ')})`;
}

export async function loadCommand(
  path: string,
  table: string,
  o: LoadCommandOptions,
  out: NodeJS.WriteStream = process.stderr,
): Promise<{ rows: number; files: number; bytes: number }> {
  const files = filesOf(path);
  if (files.length === 0)
    throw new LakeshiftError(SqlState.undefinedFile, `${path} holds no files`);
  const sizes = files.map((f) => statSync(f).size);
  const bytesTotal = sizes.reduce((a, b) => a + b, 0);
  const password = process.env['PGPASSWORD'] ?? process.env['LAKESHIFT_PASSWORD'];
  const client = new pg.Client({
    host: o.host,
    port: Number(o.port),
    user: o.user,
    database: o.database,
    password,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (e) {
    throw new LakeshiftError(
      SqlState.connectionFailure,
      `cannot connect to ${o.host}:${o.port} as ${o.user}: ${messageOf(e)}`,
    );
  }
  const started = Date.now();
  const tty = out.isTTY === true;
  let bytesDone = 0;
  let lastDraw = 0;
  const draw = (filesDone: number, file: string, force = false) => {
    if (!tty) return;
    const now = Date.now();
    if (!force && now - lastDraw < 100) return;
    lastDraw = now;
    const line = progressLine({
      bytesDone,
      bytesTotal,
      filesDone,
      filesTotal: files.length,
      elapsedMs: now - started,
      file,
      width: 30,
    });
    out.write(`\r${line.slice(0, (out.columns ?? 120) - 1)}\x1b[K`);
  };
  let rows = 0;
  try {
    await client.query('BEGIN');
    for (const [i, file] of files.entries()) {
      const raw = createReadStream(file, { highWaterMark: 1 << 20 });
      const before = bytesDone;
      const stream = /\.gz$/i.test(file) ? raw.pipe(createGunzip()) : raw;
      // Progress counts the file's bytes read so far (compressed ones for .gz).
      const data = (async function* () {
        for await (const chunk of stream) {
          bytesDone = before + raw.bytesRead;
          draw(i, file);
          yield chunk as Buffer;
        }
      })();
      try {
        rows += await copyFrom(client, copyStatement(table, file, o), data);
      } catch (e) {
        throw new LakeshiftError(
          ((e as { code?: string }).code as never) ?? SqlState.ioError,
          `${file}: ${messageOf(e)}`,
        );
      }
      if (!tty)
        out.write(`lakeshift load: ${file}: done (${i + 1}/${files.length} files, ${rows} rows)\n`);
      draw(i + 1, file, true);
    }
    await client.query('COMMIT');
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    if (tty) out.write('\n');
    throw e;
  } finally {
    await client.end().catch(() => undefined);
  }
  const seconds = (Date.now() - started) / 1000;
  if (tty) out.write('\n');
  out.write(
    `lakeshift load: ${rows} rows from ${files.length} file(s), ${(bytesTotal / MB).toFixed(1)} MB in ${seconds.toFixed(1)} s into ${table}\n`,
  );
  return { rows, files: files.length, bytes: bytesTotal };
}
