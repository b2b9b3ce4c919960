// UNLOAD (https://docs.aws.amazon.com/redshift/latest/dg/r_UNLOAD.html): a query's rows written
// as files under a location prefix, named as Redshift names them, then moved there.
//
//   1. Unless ALLOWOVERWRITE or CLEANPATH, a destination that already holds an object under the
//      prefix fails the statement before the query runs (Redshift's "not empty" error).
//   2. DuckDB writes the files into a private staging directory (unload-sql.ts).
//   3. They are named as Redshift does: `<prefix>0000_part_00`, `<prefix>0001_part_00`, … with
//      PARALLEL ON (one number per writer, Redshift's slice), `<prefix>000`, `<prefix>001`, …
//      with PARALLEL OFF, inside `<prefix>/<key>=<value>/` folders with PARTITION BY; then
//      EXTENSION's extension if given, else the compression's (.gz, .bz2, .zst), else .parquet
//      for Parquet and nothing for text, CSV and JSON.
//   4. CLEANPATH removes what is under the prefix (with PARTITION BY: under the partition folders
//      that receive files) — only now, once the query has succeeded.
//   5. The files are uploaded (S3) or moved (file://), then the manifest `<prefix>manifest`.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative, sep } from 'node:path';
import { DuckDBTypeId } from '@duckdb/node-api';
import { LakeshiftError, SqlState, isLakeshiftError } from '../common/errors.js';
import { quoteLiteral } from '../common/sql-quote.js';
import { compressFile, countRecords, recordRule, sizeOf, splitFile } from './unload-files.js';
import { parseLocation, type Locations } from './location.js';
import type { UnloadOptions } from './unload-options.js';
import { checkColumns, unloadCopySql, type TextSettings, type UnloadColumn } from './unload-sql.js';

export interface UnloadRequest {
  /** TO: s3://bucket/prefix or file:///path/prefix. */
  location: string;
  options: UnloadOptions;
  /** The query's DuckDB SQL, and its result's columns. */
  sql: string;
  columns: readonly UnloadColumn[];
  settings: TextSettings;
  /** Runs one DuckDB statement, resolving to its rows (plain JS values). */
  run(sql: string): Promise<Record<string, unknown>[]>;
  locations: Locations;
  /** An empty directory of this statement's own, for the files being written. */
  stageDir: string;
}

export interface UnloadedFile {
  url: string;
  size: number;
  /** Rows (and header lines) in the file; known for Parquet, or counted for MANIFEST VERBOSE. */
  records?: number;
}

export interface UnloadResult {
  rows: number;
  files: UnloadedFile[];
  /** The manifest's location, with MANIFEST. */
  manifest?: string;
}

export const NOT_EMPTY_MESSAGE =
  'Specified unload destination on S3 is not empty. Consider using a different bucket / prefix, manually removing the target files in S3, or using the ALLOWOVERWRITE option.';

/** Uploads at once to S3. */
const UPLOAD_CONCURRENCY = 8;

interface StagedFile {
  path: string;
  /** Its folder under the prefix ('' or 'key=value/…/'). */
  folder: string;
  /** DuckDB's number of the file within its folder. */
  index: number;
  records?: number;
}

export async function unload(req: UnloadRequest): Promise<UnloadResult> {
  const { options, locations } = req;
  checkColumns(req.columns, options);
  // With PARTITION BY the prefix is a folder.
  const prefix =
    options.partitionBy && !req.location.endsWith('/') ? `${req.location}/` : req.location;
  parseLocation(prefix);
  if (!options.allowOverwrite && !options.cleanPath) {
    if ((await objectsUnder(locations, prefix)).length > 0) {
      throw new LakeshiftError(SqlState.duplicateFile, NOT_EMPTY_MESSAGE);
    }
  }

  // PARALLEL ON (and PARTITION BY): DuckDB writes a directory of files; OFF: one ordered file,
  // split here at MAXFILESIZE.
  const out = join(req.stageDir, 'out');
  const serial = !options.parallel && !options.partitionBy;
  if (serial) await mkdir(out, { recursive: true });
  const result = await req.run(
    unloadCopySql(req.sql, req.columns, options, serial ? join(out, 'data_0') : out, req.settings),
  );
  const { rows, staged: written } = stagedFiles(out, result);
  const staged = serial
    ? await serialFiles(written[0]!, options, req.run)
    : await eachFile(written, options);
  const named = nameFiles(staged, options);
  if (options.cleanPath) {
    const folders = options.partitionBy
      ? [...new Set(named.map((f) => f.folder))].map((folder) => childUrl(prefix, folder))
      : [prefix];
    for (const folder of folders) {
      for (const url of await objectsUnder(locations, folder)) await locations.delete(url);
    }
  }

  const files: UnloadedFile[] = new Array(named.length);
  await eachLimited(
    named.map((f, i) => ({ f, i })),
    UPLOAD_CONCURRENCY,
    async ({ f, i }) => {
      const url = childUrl(prefix, f.folder + f.name);
      const { size } = await locations.put(url, f.path);
      files[i] = { url, size, ...(f.records !== undefined ? { records: f.records } : {}) };
    },
  );

  let manifest: string | undefined;
  if (options.manifest !== undefined) {
    manifest = childUrl(prefix, 'manifest');
    const path = join(req.stageDir, 'manifest');
    await writeFile(path, manifestText(files, req.columns, options));
    await locations.put(manifest, path);
  }
  return { rows, files, manifest };
}

/** The URLs of the objects under a prefix (none: an empty list). */
async function objectsUnder(locations: Locations, prefix: string): Promise<string[]> {
  try {
    return (await locations.list(prefix)).map((o) => o.url);
  } catch (e) {
    if (isLakeshiftError(e, SqlState.undefinedFile)) return [];
    throw e;
  }
}

/**
 * `base` followed by a relative name. In a file:// URL the characters a URL gives a meaning to
 * are escaped, so that a Hive folder's %-escapes stay in the file name as written.
 */
export function childUrl(base: string, name: string): string {
  if (parseLocation(base).scheme === 's3') return base + name;
  return base + name.replace(/[%#?]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** The files DuckDB reported, with their folder and number, and the rows written. */
function stagedFiles(
  out: string,
  result: Record<string, unknown>[],
): { rows: number; staged: StagedFile[] } {
  const staged: StagedFile[] = [];
  let rows = 0;
  const add = (path: string, records?: number) => {
    const rel = relative(out, dirname(path));
    const folder = rel === '' ? '' : `${rel.split(sep).join('/')}/`;
    const index = Number(/(\d+)(?:\.[^.]*)*$/.exec(basename(path))?.[1] ?? 0);
    staged.push({ path, folder, index, ...(records !== undefined ? { records } : {}) });
  };
  for (const r of result) {
    if ('filename' in r) {
      // RETURN_STATS (Parquet): one row per file.
      const n = Number(r['count']);
      rows += n;
      add(String(r['filename']), n);
    } else {
      rows += Number(r['Count']);
      for (const f of (r['Files'] as unknown[] | null) ?? []) add(String(f));
    }
  }
  staged.sort((a, b) => (a.folder < b.folder ? -1 : a.folder > b.folder ? 1 : a.index - b.index));
  return { rows, staged };
}

interface NamedFile extends StagedFile {
  name: string;
}

/** Redshift's names: slice and part numbers (or a serial number), and the extension. */
function nameFiles(staged: StagedFile[], options: UnloadOptions): NamedFile[] {
  const extension =
    options.extension !== undefined
      ? `.${options.extension}`
      : options.compression === 'gzip'
        ? '.gz'
        : options.compression === 'bzip2'
          ? '.bz2'
          : options.compression === 'zstd'
            ? '.zst'
            : options.format.kind === 'parquet'
              ? '.parquet'
              : '';
  const seenInFolder = new Map<string, number>();
  return staged.map((f) => {
    const n = seenInFolder.get(f.folder) ?? 0;
    seenInFolder.set(f.folder, n + 1);
    const base = options.parallel
      ? `${String(n).padStart(4, '0')}_part_00`
      : String(n).padStart(3, '0');
    return { ...f, name: base + extension };
  });
}

/** Runs `fn` over `items`, at most `limit` at a time; the first failure fails the whole. */
async function eachLimited<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/**
 * A serial unload's file as pieces of at most MAXFILESIZE, in order: text split on record
 * boundaries (and compressed here for BZIP2), Parquet rewritten by row ranges.
 */
async function serialFiles(
  file: StagedFile,
  options: UnloadOptions,
  run: UnloadRequest['run'],
): Promise<StagedFile[]> {
  const size = await sizeOf(file.path);
  if (options.format.kind === 'parquet') {
    const rows = file.records ?? 0;
    if (size <= options.maxFileSize || rows <= 1) return [file];
    // Rows per piece from the file's average row size, a little under the limit.
    const per = Math.max(1, Math.floor(((rows * options.maxFileSize) / size) * 0.9));
    const pieces: StagedFile[] = [];
    for (let start = 0; start < rows; start += per) {
      const path = `${file.path}.${pieces.length}`;
      await run(
        `COPY (SELECT * EXCLUDE (file_row_number) FROM read_parquet(${quoteLiteral(file.path)}, file_row_number = true) ` +
          `WHERE file_row_number >= ${start} AND file_row_number < ${start + per}) ` +
          `TO ${quoteLiteral(path)} (FORMAT parquet, COMPRESSION snappy)`,
      );
      pieces.push({ path, folder: '', index: pieces.length, records: Math.min(per, rows - start) });
    }
    await rm(file.path, { force: true });
    return pieces;
  }
  if (size > options.maxFileSize || options.compression === 'bzip2') {
    const pieces = await splitFile(file.path, options, options.maxFileSize);
    return pieces.map((p, index) => ({ path: p.path, folder: '', index, records: p.records }));
  }
  if (options.manifest === 'verbose') {
    file.records = await countRecords(file.path, options.compression, recordRule(options));
  }
  return [file];
}

/** Files DuckDB wrote side by side: counted (MANIFEST VERBOSE) and compressed (BZIP2). */
async function eachFile(files: StagedFile[], options: UnloadOptions): Promise<StagedFile[]> {
  if (options.format.kind === 'parquet') return files;
  const verbose = options.manifest === 'verbose';
  if (!verbose && options.compression !== 'bzip2') return files;
  await eachLimited(files, UPLOAD_CONCURRENCY, async (f) => {
    const bzip2 = options.compression === 'bzip2';
    if (verbose) {
      f.records = await countRecords(
        f.path,
        bzip2 ? undefined : options.compression,
        recordRule(options),
      );
    }
    if (bzip2) f.path = await compressFile(f.path, 'bzip2');
  });
  return files;
}

/** Redshift's manifest: entries; with VERBOSE each file's size and records, schema, totals, author. */
function manifestText(
  files: readonly UnloadedFile[],
  columns: readonly UnloadColumn[],
  options: UnloadOptions,
): string {
  if (options.manifest !== 'verbose') {
    return `${JSON.stringify({ entries: files.map((f) => ({ url: f.url })) }, null, 2)}\n`;
  }
  const partition = options.partitionBy;
  const inFile = columns.filter(
    (c) => partition?.include !== false || !partition.columns.includes(c.name),
  );
  const doc = {
    entries: files.map((f) => ({
      url: f.url,
      meta: { content_length: f.size, record_count: f.records ?? 0 },
    })),
    schema: { elements: inFile.map((c) => ({ name: c.name, type: manifestType(c) })) },
    meta: {
      content_length: files.reduce((n, f) => n + f.size, 0),
      record_count: files.reduce((n, f) => n + (f.records ?? 0), 0),
    },
    author: { name: 'Amazon Redshift', version: '1.0.0' },
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

/** A column's type in the manifest's schema: Redshift's name, with length or precision and scale. */
function manifestType(c: UnloadColumn): Record<string, string | number> {
  if (c.super) return { base: 'super' };
  if (c.charLength !== undefined) return { base: 'character', length: c.charLength };
  const t = c.type;
  switch (t.typeId) {
    case DuckDBTypeId.BOOLEAN:
      return { base: 'boolean' };
    case DuckDBTypeId.TINYINT:
    case DuckDBTypeId.SMALLINT:
      return { base: 'smallint' };
    case DuckDBTypeId.INTEGER:
      return { base: 'integer' };
    case DuckDBTypeId.BIGINT:
      return { base: 'bigint' };
    case DuckDBTypeId.DECIMAL:
      return { base: 'numeric', precision: t.width, scale: t.scale };
    case DuckDBTypeId.FLOAT:
      return { base: 'real' };
    case DuckDBTypeId.DOUBLE:
      return { base: 'double precision' };
    case DuckDBTypeId.DATE:
      return { base: 'date' };
    case DuckDBTypeId.TIME:
      return { base: 'time without time zone' };
    case DuckDBTypeId.TIME_TZ:
      return { base: 'time with time zone' };
    case DuckDBTypeId.TIMESTAMP:
    case DuckDBTypeId.TIMESTAMP_S:
    case DuckDBTypeId.TIMESTAMP_MS:
    case DuckDBTypeId.TIMESTAMP_NS:
      return { base: 'timestamp without time zone' };
    case DuckDBTypeId.TIMESTAMP_TZ:
      return { base: 'timestamp with time zone' };
    case DuckDBTypeId.BLOB:
      return { base: 'varbyte' };
    case DuckDBTypeId.HUGEINT:
      return { base: 'numeric', precision: 38, scale: 0 };
    default:
      return { base: 'character varying' };
  }
}
