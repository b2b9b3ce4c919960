// Redshift's UNLOAD parameters (https://docs.aws.amazon.com/redshift/latest/dg/r_UNLOAD.html), as
// the parser keeps them, turned into one typed description of an unload: the file format and its
// text rules, compression and file names, how files are split and partitioned, what may happen
// to objects already at the destination, and the credentials. The combinations Redshift refuses
// are refused here, before the query runs: 42601 for parameters that contradict each other or
// lack their value, 22023 for values out of range, 0A000 for what Lakeshift does not do.
import { LakeshiftError, SqlState } from '../common/errors.js';
import type { Unload, UnloadOption } from '../sql/index.js';
import { identValue } from '../sql/index.js';
import { credentialsOf, fixedWidths, singleCharacter } from './copy-options.js';
import type { LocationAccess } from './location.js';

export type UnloadFormat =
  /** Character-delimited text, Redshift's default ('|'). */
  | { kind: 'text'; delimiter: string }
  | { kind: 'csv'; delimiter: string }
  /** Column widths in the query's column order (the labels are only names). */
  | { kind: 'fixedwidth'; widths: readonly { label: string; width: number }[] }
  /** One JSON object per line. */
  | { kind: 'json' }
  | { kind: 'parquet' };

export type UnloadCompression = 'gzip' | 'bzip2' | 'zstd';

export interface UnloadOptions {
  format: UnloadFormat;
  /** A first line of column names in every file. */
  header: boolean;
  /** Every field in double quotes. */
  addQuotes: boolean;
  /** A backslash before line feeds, carriage returns, the delimiter, backslashes (and quotes). */
  escape: boolean;
  /** NULL AS; undefined: Redshift's default, an empty field (blanks in fixed width). */
  nullAs?: string;
  compression?: UnloadCompression;
  /** EXTENSION, without a leading dot; replaces the extension Redshift would add. */
  extension?: string;
  manifest?: 'plain' | 'verbose';
  /** PARALLEL ON (default): files per writer ("slice"); OFF: one ordered series of files. */
  parallel: boolean;
  /** MAXFILESIZE in bytes (default 6.2 GB). */
  maxFileSize: number;
  /** MAXFILESIZE was written (it cannot be honoured with PARTITION BY yet). */
  maxFileSizeGiven: boolean;
  /** ROWGROUPSIZE in bytes (Parquet only). */
  rowGroupSize?: number;
  allowOverwrite: boolean;
  cleanPath: boolean;
  /** Partition column names (as the query's result names them) and whether files keep them. */
  partitionBy?: { columns: readonly string[]; include: boolean };
  access: LocationAccess;
}

const MB = 1024 * 1024;
const GB = 1024 * MB;
/** MAXFILESIZE's range, and its default. */
export const MIN_FILE_SIZE = 5 * MB;
export const MAX_FILE_SIZE = Math.round(6.2 * GB);
/** ROWGROUPSIZE's range (integer MB). */
const MIN_ROW_GROUP = 32 * MB;
const MAX_ROW_GROUP = 128 * MB;

const FORMATS = ['csv', 'json', 'parquet', 'fixedwidth'] as const;
const COMPRESSIONS = ['gzip', 'bzip2', 'zstd'] as const;

/** Parameters that take no value. */
const FLAGS = new Set([
  'csv',
  'json',
  'parquet',
  'header',
  'addquotes',
  'escape',
  'allowoverwrite',
  'cleanpath',
  'gzip',
  'bzip2',
  'zstd',
]);
/** Parameters whose value is a string. */
const STRINGS = new Set([
  'delimiter',
  'fixedwidth',
  'null',
  'extension',
  'region',
  'endpoint',
  'credentials',
  'access_key_id',
  'secret_access_key',
  'session_token',
  'kms_key_id',
  'master_symmetric_key',
]);
/** Parameters with a value of their own form (checked where they are read). */
const OTHERS = new Set([
  'manifest',
  'parallel',
  'maxfilesize',
  'rowgroupsize',
  'iam_role',
  'encrypted',
]);

/** What each format refuses (r_UNLOAD.md, FORMAT AS and the parameters' own notes). */
const REFUSED_WITH: Record<string, readonly string[]> = {
  parquet: ['delimiter', 'fixedwidth', 'addquotes', 'escape', 'null', 'header', ...COMPRESSIONS],
  json: ['delimiter', 'header', 'fixedwidth', 'addquotes', 'escape', 'null'],
  csv: ['fixedwidth', 'escape'],
  fixedwidth: ['delimiter', 'header'],
};

function syntax(message: string): LakeshiftError {
  return new LakeshiftError(SqlState.syntaxError, message);
}

function outOfRange(message: string): LakeshiftError {
  return new LakeshiftError(SqlState.invalidParameterValue, message);
}

/** A size in bytes: `n [MB | GB]`, MB when no unit is written. */
function size(o: UnloadOption): number {
  const v = o.value;
  if (v?.kind !== 'number') throw syntax(`${o.name.toUpperCase()} requires a size`);
  return Number(v.value) * (o.unit === 'gb' ? GB : MB);
}

/** The typed description of an UNLOAD; throws on what Redshift would refuse. */
export function unloadOptions(stmt: Unload, caseSensitive = false): UnloadOptions {
  // r_UNLOAD.md, usage notes: "The SELECT query can't use a LIMIT clause in the outer SELECT."
  if (stmt.query.limit !== undefined || stmt.query.fetch !== undefined) {
    throw new LakeshiftError(
      SqlState.featureNotSupported,
      "LIMIT in UNLOAD's outer SELECT is not supported: put it in a nested query",
      { position: stmt.query.limit?.pos ?? stmt.query.fetch?.pos },
    );
  }
  const seen = new Map<string, UnloadOption>();
  for (const o of stmt.options) {
    if (seen.has(o.name)) throw syntax(`${o.name.toUpperCase()} is specified more than once`);
    if (!FLAGS.has(o.name) && !STRINGS.has(o.name) && !OTHERS.has(o.name)) {
      throw syntax(`UNLOAD parameter ${o.name.toUpperCase()} is not recognized`);
    }
    if (FLAGS.has(o.name) && o.value !== undefined) {
      throw syntax(`${o.name.toUpperCase()} takes no value`);
    }
    if (STRINGS.has(o.name) && o.value?.kind !== 'string') {
      throw syntax(`${o.name.toUpperCase()} requires a quoted string`);
    }
    seen.set(o.name, o);
  }
  const has = (name: string) => seen.has(name);
  const get = (name: string) => seen.get(name);
  const str = (name: string): string | undefined => {
    const v = get(name)?.value;
    return v === undefined ? undefined : String(v.value);
  };

  const formats = FORMATS.filter((f) => has(f));
  if (formats.length > 1) {
    throw syntax(`${formats.map((f) => f.toUpperCase()).join(' and ')} cannot be used together`);
  }
  const chosen = formats[0];
  for (const other of chosen ? (REFUSED_WITH[chosen] ?? []) : []) {
    if (has(other)) {
      const what = other === 'null' ? 'NULL AS' : other.toUpperCase();
      throw syntax(`${what} cannot be used with ${chosen!.toUpperCase()}`);
    }
  }
  const compressions = COMPRESSIONS.filter((c) => has(c));
  if (compressions.length > 1) {
    throw syntax(
      `${compressions.map((c) => c.toUpperCase()).join(' and ')} cannot be used together`,
    );
  }
  if (has('cleanpath') && has('allowoverwrite')) {
    throw syntax('CLEANPATH cannot be used with ALLOWOVERWRITE');
  }
  if (has('rowgroupsize') && chosen !== 'parquet') {
    throw syntax('ROWGROUPSIZE can be used only with PARQUET');
  }

  const delimiter = get('delimiter');
  let format: UnloadFormat;
  switch (chosen) {
    case 'csv':
      format = { kind: 'csv', delimiter: delimiter ? singleCharacter(delimiter) : ',' };
      break;
    case 'fixedwidth':
      format = { kind: 'fixedwidth', widths: fixedWidths(get('fixedwidth')!) };
      break;
    case 'json':
    case 'parquet':
      format = { kind: chosen };
      break;
    default:
      format = { kind: 'text', delimiter: delimiter ? singleCharacter(delimiter) : '|' };
  }
  if ((format.kind === 'text' || format.kind === 'csv') && /[\r\n"]/.test(format.delimiter)) {
    throw outOfRange('DELIMITER cannot be a line break or a double quote');
  }

  // Encryption at rest is the bucket's: ENCRYPTED AUTO (the bucket's default key, else SSE-S3)
  // is what every write gets; a key of the statement's own is not supported.
  const encrypted = get('encrypted');
  if (encrypted !== undefined && encrypted.value === undefined) {
    throw unsupported('UNLOAD ENCRYPTED without AUTO (client-side or KMS encryption)');
  }
  for (const name of ['kms_key_id', 'master_symmetric_key']) {
    if (has(name)) throw unsupported(`UNLOAD ${name.toUpperCase()}`);
  }

  let maxFileSize = MAX_FILE_SIZE;
  const maxOption = get('maxfilesize');
  if (maxOption) {
    maxFileSize = size(maxOption);
    if (!(maxFileSize >= MIN_FILE_SIZE && maxFileSize <= MAX_FILE_SIZE)) {
      throw outOfRange('MAXFILESIZE must be between 5 MB and 6.2 GB');
    }
  }
  let rowGroupSize: number | undefined;
  const rowGroupOption = get('rowgroupsize');
  if (rowGroupOption) {
    rowGroupSize = size(rowGroupOption);
    if (
      !(rowGroupSize >= MIN_ROW_GROUP && rowGroupSize <= MAX_ROW_GROUP) ||
      rowGroupSize % MB !== 0
    ) {
      throw outOfRange('ROWGROUPSIZE must be a whole number of MB between 32 MB and 128 MB');
    }
  }

  const partition = stmt.partitionBy;
  if (partition && maxOption) {
    throw unsupported('MAXFILESIZE with PARTITION BY');
  }
  const manifest = get('manifest');
  const parallel = get('parallel');
  const extension = str('extension')?.replace(/^\.+/, '');
  if (extension === '') throw outOfRange('EXTENSION cannot be empty');
  return {
    format,
    header: has('header'),
    addQuotes: has('addquotes'),
    escape: has('escape'),
    nullAs: str('null'),
    compression: compressions[0],
    extension,
    manifest: manifest === undefined ? undefined : manifest.value ? 'verbose' : 'plain',
    parallel: parallel?.value?.kind === 'boolean' ? parallel.value.value : true,
    maxFileSize,
    maxFileSizeGiven: maxOption !== undefined,
    rowGroupSize,
    allowOverwrite: has('allowoverwrite'),
    cleanPath: has('cleanpath'),
    partitionBy: partition && {
      columns: partition.columns.map((c) => identValue(c, caseSensitive)),
      include: partition.include,
    },
    access: {
      credentials: credentialsOf(get),
      region: str('region'),
      endpoint: str('endpoint'),
    },
  };
}

function unsupported(what: string): LakeshiftError {
  return new LakeshiftError(SqlState.featureNotSupported, `${what} is not supported`);
}
