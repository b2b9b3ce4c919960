// Redshift's COPY parameters (https://docs.aws.amazon.com/redshift/latest/dg/r_COPY.html), as the
// parser keeps them (name lower case, value as written), turned into one typed description of a
// load: the data format, compression, conversion rules, error tolerance and credentials. The
// combinations Redshift refuses are refused here, before any object is read: 42601 for parameters
// that contradict each other or lack a value, 0A000 for what Lakeshift cannot read.
import { LakeshiftError, SqlState } from '../common/errors.js';
import { strptimeFormat, type CopyOption } from '../sql/index.js';

export type LoadFormat =
  /** Character-delimited text, Redshift's default ('|'); ESCAPE makes backslash an escape. */
  | { kind: 'text'; delimiter: string }
  | { kind: 'csv'; delimiter: string; quote: string }
  /** Column label and width, in the table's column order. */
  | { kind: 'fixedwidth'; widths: readonly { label: string; width: number }[] }
  /** 'auto', 'auto ignorecase', 'noshred' (the whole document into one SUPER column), or a JSONPaths file. */
  | { kind: 'json'; mode: 'auto' | 'auto ignorecase' | 'noshred' | 'jsonpaths'; jsonPaths?: string }
  | { kind: 'avro'; mode: 'auto' | 'auto ignorecase' | 'jsonpaths'; jsonPaths?: string }
  | { kind: 'parquet' }
  | { kind: 'orc' };

export type Compression = 'gzip' | 'bzip2' | 'lzop' | 'zstd';

export interface LoadCredentials {
  /** IAM_ROLE: `default`, or a chain of role ARNs (comma-separated in the statement). */
  iamRole?: 'default' | readonly string[];
  accessKeyId?: string;
  secretAccessKey?: string;
  sessionToken?: string;
}

export interface LoadOptions {
  format: LoadFormat;
  compression?: Compression;
  /** The FROM location is a manifest listing the objects. */
  manifest: boolean;
  credentials: LoadCredentials;
  region?: string;
  /** Lakeshift's own: an S3-compatible endpoint for this COPY. */
  endpoint?: string;
  /** Lines skipped at the start of each file. */
  ignoreHeader: number;
  /** The text read as NULL; undefined: Redshift's default (empty field in CSV, '\N' in text). */
  nullAs?: string;
  emptyAsNull: boolean;
  blanksAsNull: boolean;
  trimBlanks: boolean;
  truncateColumns: boolean;
  /** Replacement for invalid UTF-8 (ACCEPTINVCHARS; '?' when given without a character). */
  acceptInvChars?: string;
  acceptAnyDate: boolean;
  /** 'auto' or a format string; undefined: 'YYYY-MM-DD'. */
  dateFormat?: string;
  /** 'auto', 'epochsecs', 'epochmillisecs' or a format string; undefined: Redshift's default. */
  timeFormat?: string;
  escape: boolean;
  removeQuotes: boolean;
  fillRecord: boolean;
  ignoreBlankLines: boolean;
  explicitIds: boolean;
  roundDec: boolean;
  /** Rows that may fail conversion before the COPY fails (MAXERROR, 0 by default). */
  maxError: number;
  /** Check the data without loading it. */
  noLoad: boolean;
  encoding?: string;
}

/** Redshift's ceiling for MAXERROR. */
export const MAX_MAXERROR = 100_000;

/** Parameters that only say how Redshift computes statistics and encodings: accepted, no effect. */
const ACCEPTED_ONLY = new Set(['compupdate', 'statupdate']);

/** Parameters allowed with PARQUET and ORC (COPY from columnar data formats). */
const COLUMNAR_ALLOWED = new Set([
  'parquet',
  'orc',
  'acceptinvchars',
  'fillrecord',
  'iam_role',
  'credentials',
  'statupdate',
  'manifest',
  'access_key_id',
  'secret_access_key',
  'session_token',
  'explicit_ids',
  'region',
  'endpoint',
  'compupdate',
]);

const FORMAT_NAMES = ['csv', 'delimiter', 'fixedwidth', 'json', 'avro', 'parquet', 'orc'] as const;

function syntax(message: string): LakeshiftError {
  return new LakeshiftError(SqlState.syntaxError, message);
}

function text(o: CopyOption): string | undefined {
  const v = o.value;
  if (v === undefined) return undefined;
  if (v.kind === 'list') return v.value.map((i) => i.value).join(',');
  return String(v.value);
}

function requireText(o: CopyOption): string {
  const t = text(o);
  if (t === undefined) throw syntax(`${o.name.toUpperCase()} requires a value`);
  return t;
}

/** A single character: as written, or Redshift's octal form '\ddd'. */
export function singleCharacter(o: CopyOption): string {
  const t = requireText(o);
  const octal = /^\\([0-7]{3})$/.exec(t);
  const c = octal ? String.fromCharCode(parseInt(octal[1]!, 8)) : t === '\\t' ? '\t' : t;
  if (c.length !== 1) {
    throw syntax(`${o.name.toUpperCase()} must be a single character, not '${t}'`);
  }
  return c;
}

function count(o: CopyOption, max: number): number {
  const t = requireText(o);
  if (!/^\d+$/.test(t) || Number(t) > max) {
    throw syntax(`${o.name.toUpperCase()} must be an integer from 0 to ${max}, not '${t}'`);
  }
  return Number(t);
}

export function fixedWidths(o: CopyOption): { label: string; width: number }[] {
  const spec = requireText(o);
  return spec.split(',').map((pair) => {
    const m = /^\s*([^:]+?)\s*:\s*(\d+)\s*$/.exec(pair);
    if (m === null || Number(m[2]) === 0) {
      throw syntax(`FIXEDWIDTH specification '${spec}' is not label:width,...`);
    }
    return { label: m[1]!, width: Number(m[2]) };
  });
}

function jsonMode<M extends string>(
  o: CopyOption,
  modes: readonly M[],
): { mode: M | 'jsonpaths'; jsonPaths?: string } {
  const t = text(o) ?? 'auto';
  const lower = t.toLowerCase();
  if ((modes as readonly string[]).includes(lower)) return { mode: lower as M };
  if (/^(s3|file):\/\//i.test(t)) return { mode: 'jsonpaths', jsonPaths: t };
  throw syntax(
    `${o.name.toUpperCase()} option '${t}' is not one of ${modes.join(', ')} or a JSONPaths file`,
  );
}

/**
 * The authorization parameters (COPY's and UNLOAD's alike): IAM_ROLE, CREDENTIALS
 * 'aws_access_key_id=…;aws_secret_access_key=…[;token=…]' or 'aws_iam_role=…', and ACCESS_KEY_ID,
 * SECRET_ACCESS_KEY, SESSION_TOKEN; keys given by halves or together with a role are refused.
 * https://docs.aws.amazon.com/redshift/latest/dg/copy-parameters-authorization.html
 */
export function credentialsOf(get: (name: string) => CopyOption | undefined): LoadCredentials {
  const iamRole = get('iam_role');
  const credentials: LoadCredentials = {};
  if (iamRole) {
    const role = requireText(iamRole);
    credentials.iamRole =
      role.toLowerCase() === 'default' ? 'default' : role.split(',').map((r) => r.trim());
  }
  const credentialsText = get('credentials');
  if (credentialsText) {
    // 'aws_access_key_id=…;aws_secret_access_key=…[;token=…]' or 'aws_iam_role=arn…'.
    for (const part of requireText(credentialsText).split(';')) {
      const eq = part.indexOf('=');
      const key = part.slice(0, eq).trim().toLowerCase();
      const value = part.slice(eq + 1).trim();
      if (eq < 0 || value === '') throw syntax(`CREDENTIALS part '${part}' is not key=value`);
      if (key === 'aws_access_key_id') credentials.accessKeyId = value;
      else if (key === 'aws_secret_access_key') credentials.secretAccessKey = value;
      else if (key === 'token') credentials.sessionToken = value;
      else if (key === 'aws_iam_role') credentials.iamRole = value.split(',').map((r) => r.trim());
      else throw syntax(`CREDENTIALS key '${key}' is not recognized`);
    }
  }
  for (const [name, key] of [
    ['access_key_id', 'accessKeyId'],
    ['secret_access_key', 'secretAccessKey'],
    ['session_token', 'sessionToken'],
  ] as const) {
    const o = get(name);
    if (o) credentials[key] = requireText(o);
  }
  const keyGiven =
    credentials.accessKeyId !== undefined || credentials.secretAccessKey !== undefined;
  if (
    keyGiven &&
    (credentials.accessKeyId === undefined || credentials.secretAccessKey === undefined)
  ) {
    throw syntax('ACCESS_KEY_ID and SECRET_ACCESS_KEY must be given together');
  }
  if (keyGiven && credentials.iamRole !== undefined) {
    throw syntax('IAM_ROLE cannot be used with access keys');
  }
  return credentials;
}

/** The typed description of a COPY from a location; throws on what Redshift would refuse. */
export function loadOptions(options: readonly CopyOption[]): LoadOptions {
  const seen = new Map<string, CopyOption>();
  for (const o of options) {
    if (seen.has(o.name)) throw syntax(`${o.name.toUpperCase()} is specified more than once`);
    seen.set(o.name, o);
  }
  const has = (name: string) => seen.has(name);
  const get = (name: string) => seen.get(name);

  const formats = FORMAT_NAMES.filter((f) => f !== 'delimiter' && has(f));
  if (formats.length > 1) {
    throw syntax(`${formats.map((f) => f.toUpperCase()).join(' and ')} cannot be used together`);
  }
  const conflicts: [string, string][] = [
    ['csv', 'fixedwidth'],
    ['csv', 'removequotes'],
    ['csv', 'escape'],
    ['fixedwidth', 'delimiter'],
  ];
  for (const [a, b] of conflicts) {
    if (has(a) && has(b)) throw syntax(`${a.toUpperCase()} cannot be used with ${b.toUpperCase()}`);
  }
  if (has('quote') && !has('csv')) throw syntax('QUOTE can be used only with CSV');
  const compressions = (['gzip', 'bzip2', 'lzop', 'zstd'] as const).filter((c) => has(c));
  if (compressions.length > 1) {
    throw syntax(
      `${compressions.map((c) => c.toUpperCase()).join(' and ')} cannot be used together`,
    );
  }

  const delimiter = get('delimiter');
  let format: LoadFormat;
  const chosen = formats[0];
  switch (chosen) {
    case 'csv':
      format = {
        kind: 'csv',
        delimiter: delimiter ? singleCharacter(delimiter) : ',',
        quote: has('quote') ? singleCharacter(get('quote')!) : '"',
      };
      break;
    case 'fixedwidth':
      format = { kind: 'fixedwidth', widths: fixedWidths(get('fixedwidth')!) };
      break;
    case 'json':
      format = { kind: 'json', ...jsonMode(get('json')!, ['auto', 'auto ignorecase', 'noshred']) };
      break;
    case 'avro':
      format = { kind: 'avro', ...jsonMode(get('avro')!, ['auto', 'auto ignorecase']) };
      break;
    case 'parquet':
    case 'orc':
      format = { kind: chosen };
      for (const name of seen.keys()) {
        if (!COLUMNAR_ALLOWED.has(name)) {
          throw syntax(`${name.toUpperCase()} is not supported with ${chosen.toUpperCase()}`);
        }
      }
      break;
    default:
      format = { kind: 'text', delimiter: delimiter ? singleCharacter(delimiter) : '|' };
  }
  if ((format.kind === 'json' || format.kind === 'avro') && delimiter) {
    throw syntax(`DELIMITER cannot be used with ${format.kind.toUpperCase()}`);
  }

  const credentials = credentialsOf(get);

  const known = new Set<string>([
    ...FORMAT_NAMES,
    ...ACCEPTED_ONLY,
    'quote',
    'gzip',
    'bzip2',
    'lzop',
    'zstd',
    'manifest',
    'iam_role',
    'credentials',
    'access_key_id',
    'secret_access_key',
    'session_token',
    'region',
    'endpoint',
    'ignoreheader',
    'null',
    'emptyasnull',
    'blanksasnull',
    'trimblanks',
    'truncatecolumns',
    'acceptinvchars',
    'acceptanydate',
    'dateformat',
    'timeformat',
    'escape',
    'removequotes',
    'fillrecord',
    'ignoreblanklines',
    'explicit_ids',
    'roundec',
    'maxerror',
    'noload',
    'encoding',
  ]);
  for (const name of seen.keys()) {
    if (name === 'shapefile')
      throw new LakeshiftError(
        SqlState.featureNotSupported,
        'COPY FORMAT SHAPEFILE is not supported',
      );
    if (!known.has(name)) throw syntax(`COPY parameter ${name.toUpperCase()} is not recognized`);
  }

  const flag = (name: string) => has(name);
  const str = (name: string) => {
    const o = get(name);
    return o === undefined ? undefined : requireText(o);
  };
  const dateFormat = str('dateformat');
  const timeFormat = str('timeformat');
  // A format COPY cannot read fails here, before anything is loaded.
  if (dateFormat !== undefined && dateFormat.toLowerCase() !== 'auto') {
    copyStrptime(dateFormat, 'DATEFORMAT');
  }
  if (
    timeFormat !== undefined &&
    !['auto', 'epochsecs', 'epochmillisecs'].includes(timeFormat.toLowerCase())
  ) {
    copyStrptime(timeFormat, 'TIMEFORMAT');
  }
  const acceptInvChars = get('acceptinvchars');
  const encoding = str('encoding')?.toUpperCase();
  if (encoding !== undefined && !['UTF8', 'UTF16', 'UTF16LE', 'UTF16BE'].includes(encoding)) {
    throw syntax(`ENCODING ${encoding} is not one of UTF8, UTF16, UTF16LE, UTF16BE`);
  }
  return {
    format,
    compression: compressions[0],
    manifest: flag('manifest'),
    credentials,
    region: str('region'),
    endpoint: str('endpoint'),
    ignoreHeader: has('ignoreheader') ? count(get('ignoreheader')!, 2 ** 31 - 1) : 0,
    nullAs: str('null'),
    emptyAsNull: flag('emptyasnull'),
    blanksAsNull: flag('blanksasnull'),
    trimBlanks: flag('trimblanks'),
    truncateColumns: flag('truncatecolumns'),
    acceptInvChars: acceptInvChars
      ? text(acceptInvChars) === undefined
        ? '?'
        : singleCharacter(acceptInvChars)
      : undefined,
    acceptAnyDate: flag('acceptanydate'),
    dateFormat,
    timeFormat,
    escape: flag('escape'),
    removeQuotes: flag('removequotes'),
    fillRecord: flag('fillrecord'),
    ignoreBlankLines: flag('ignoreblanklines'),
    explicitIds: flag('explicit_ids'),
    roundDec: flag('roundec'),
    maxError: has('maxerror') ? count(get('maxerror')!, MAX_MAXERROR) : 0,
    noLoad: flag('noload'),
    encoding,
  };
}

/**
 * A DATEFORMAT or TIMEFORMAT as a strptime format. Redshift's format strings read HH as a
 * 24-hour clock (HH12 is the 12-hour one). A pattern COPY cannot read fails with 22023.
 */
export function copyStrptime(format: string, what: 'DATEFORMAT' | 'TIMEFORMAT'): string {
  const f = strptimeFormat(format.replace(/HH(?!12|24)/g, 'HH24'));
  if (f === undefined) {
    throw new LakeshiftError(
      SqlState.invalidParameterValue,
      `${what} '${format}' uses a pattern COPY cannot read`,
    );
  }
  return f;
}
