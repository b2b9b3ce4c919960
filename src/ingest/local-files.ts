// COPY from the server's own file system ('file:///path'): the objects a location names, as
// Redshift reads an S3 location — every file whose path starts with it (a file, a directory's
// contents, or a name prefix) — and the DuckDB reader over them for a load description. What this
// first part of COPY from a location cannot read yet is refused with 0A000 naming the parameter,
// never ignored.
import { readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LakeshiftError, SqlState } from '../common/errors.js';
import { quoteLiteral } from '../common/sql-quote.js';
import { readCsvSql } from '../engine/index.js';
import type { LoadOptions } from './copy-options.js';

/** The files a 'file://' location names, sorted; 58P01 when there are none. */
export function localFiles(location: string): string[] {
  let path: string;
  try {
    path = fileURLToPath(location);
  } catch {
    throw new LakeshiftError(
      SqlState.invalidParameterValue,
      `COPY location '${location}' is not a file URL`,
    );
  }
  const files: string[] = [];
  const walk = (dir: string) => {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return;
    }
    for (const name of names.sort()) {
      const full = join(dir, name);
      // A directory is entered only when it can hold paths starting with the location.
      if (!full.startsWith(path) && !path.startsWith(`${full}/`)) continue;
      const st = statSync(full, { throwIfNoEntry: false });
      if (st?.isDirectory()) walk(full);
      else if (st?.isFile() && full.startsWith(path)) files.push(full);
    }
  };
  const st = statSync(path, { throwIfNoEntry: false });
  if (st?.isFile()) files.push(path);
  else walk(st?.isDirectory() ? path : dirname(path));
  if (files.length === 0) {
    throw new LakeshiftError(
      SqlState.undefinedFile,
      `The specified location '${location}' does not name any file`,
    );
  }
  return files;
}

function notYet(what: string): LakeshiftError {
  return new LakeshiftError(
    SqlState.featureNotSupported,
    `COPY from a location with ${what} is not supported yet`,
  );
}

/** Parameters this reader does not apply yet: refused rather than ignored. */
const NOT_YET: [keyof LoadOptions, string][] = [
  ['emptyAsNull', 'EMPTYASNULL'],
  ['blanksAsNull', 'BLANKSASNULL'],
  ['trimBlanks', 'TRIMBLANKS'],
  ['truncateColumns', 'TRUNCATECOLUMNS'],
  ['acceptInvChars', 'ACCEPTINVCHARS'],
  ['acceptAnyDate', 'ACCEPTANYDATE'],
  ['dateFormat', 'DATEFORMAT'],
  ['timeFormat', 'TIMEFORMAT'],
  ['escape', 'ESCAPE'],
  ['removeQuotes', 'REMOVEQUOTES'],
  ['fillRecord', 'FILLRECORD'],
  ['ignoreBlankLines', 'IGNOREBLANKLINES'],
  ['explicitIds', 'EXPLICIT_IDS'],
  ['roundDec', 'ROUNDEC'],
  ['noLoad', 'NOLOAD'],
  ['manifest', 'MANIFEST'],
  ['region', 'REGION'],
  ['endpoint', 'ENDPOINT'],
];

/** Character types: an empty field is an empty string; for every other type it is NULL. */
const CHARACTER_TYPE = /^\s*(var)?char|^\s*character|^\s*text|^\s*bpchar|^\s*n(var)?char/i;

/**
 * A SELECT of the files' rows, one column per target column (c0, c1, … as text, or the Parquet
 * file's columns in order), for the lake's insert to cast.
 */
export function localReadSql(
  files: readonly string[],
  options: LoadOptions,
  columnTypes: readonly string[],
): string {
  for (const [key, name] of NOT_YET) {
    const v = options[key];
    if (v !== undefined && v !== false) throw notYet(name);
  }
  if (options.maxError > 0) throw notYet('MAXERROR');
  if (options.encoding !== undefined && options.encoding !== 'UTF8') {
    throw notYet(`ENCODING ${options.encoding}`);
  }
  const format = options.format;
  if (format.kind === 'parquet') {
    return `SELECT * FROM read_parquet([${files.map(quoteLiteral).join(', ')}])`;
  }
  if (format.kind !== 'text' && format.kind !== 'csv') {
    throw notYet(`FORMAT ${format.kind.toUpperCase()}`);
  }
  if (options.compression === 'bzip2' || options.compression === 'lzop') {
    throw notYet(options.compression.toUpperCase());
  }
  const csv = format.kind === 'csv';
  const read = readCsvSql(files, {
    columnCount: columnTypes.length,
    delimiter: format.delimiter,
    quote: csv ? format.quote : '',
    escape: csv ? format.quote : '',
    skip: options.ignoreHeader,
    // Redshift's NULL AS default is '\\N' in text and CSV alike.
    nullText: options.nullAs ?? '\\N',
    compression: options.compression ?? 'none',
  });
  const values = columnTypes.map((type, i) =>
    CHARACTER_TYPE.test(type) ? `c${i}` : `CASE WHEN c${i} = '' THEN NULL ELSE c${i} END`,
  );
  return `SELECT ${values.join(', ')} FROM ${read}`;
}
