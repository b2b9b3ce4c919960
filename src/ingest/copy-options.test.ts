// Redshift's COPY parameters as the statement gives them → the typed load description, and the
// combinations Redshift refuses (r_COPY.html, copy-parameters-data-format.html,
// copy-usage_notes-copy-from-columnar.html).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LakeshiftError, SqlState } from '../common/errors.js';
import { parseStatements, type Copy } from '../sql/index.js';
import { loadOptions } from './copy-options.js';

function options(params: string) {
  const [stmt] = parseStatements(`COPY t FROM 's3://bucket/prefix' ${params}`);
  return loadOptions((stmt as Copy).options);
}

function refused(params: string, sqlstate: string, message: RegExp) {
  assert.throws(
    () => options(params),
    (e: unknown) =>
      e instanceof LakeshiftError && e.sqlstate === sqlstate && message.test(e.message),
    params,
  );
}

test('the default is pipe-delimited text; CSV defaults to a comma and a double quote', () => {
  const plain = options('IAM_ROLE default');
  assert.deepEqual(plain.format, { kind: 'text', delimiter: '|' });
  assert.equal(plain.credentials.iamRole, 'default');
  assert.equal(plain.maxError, 0);
  assert.deepEqual(options('CSV').format, { kind: 'csv', delimiter: ',', quote: '"' });
  assert.deepEqual(options("FORMAT AS CSV QUOTE AS '%' DELIMITER AS ';'").format, {
    kind: 'csv',
    delimiter: ';',
    quote: '%',
  });
  assert.deepEqual(options("DELIMITER '\\t'").format, { kind: 'text', delimiter: '\t' });
  assert.deepEqual(options("DELIMITER '\\011'").format, { kind: 'text', delimiter: '\t' });
});

test('FIXEDWIDTH, JSON, AVRO, PARQUET and ORC', () => {
  assert.deepEqual(options("FIXEDWIDTH 'id:3,name:25'").format, {
    kind: 'fixedwidth',
    widths: [
      { label: 'id', width: 3 },
      { label: 'name', width: 25 },
    ],
  });
  assert.deepEqual(options("JSON 'auto'").format, { kind: 'json', mode: 'auto' });
  assert.deepEqual(options("FORMAT JSON 'auto ignorecase'").format, {
    kind: 'json',
    mode: 'auto ignorecase',
  });
  assert.deepEqual(options("JSON 'noshred'").format, { kind: 'json', mode: 'noshred' });
  assert.deepEqual(options("JSON 's3://bucket/paths.json'").format, {
    kind: 'json',
    mode: 'jsonpaths',
    jsonPaths: 's3://bucket/paths.json',
  });
  assert.deepEqual(options("FORMAT AS AVRO 'auto'").format, { kind: 'avro', mode: 'auto' });
  assert.deepEqual(options('FORMAT AS PARQUET').format, { kind: 'parquet' });
  assert.deepEqual(options('FORMAT AS ORC').format, { kind: 'orc' });
});

test('conversion, error and load parameters', () => {
  const o = options(
    "IGNOREHEADER 1 NULL AS 'NA' EMPTYASNULL BLANKSASNULL TRIMBLANKS TRUNCATECOLUMNS ACCEPTINVCHARS AS '^' " +
      "ACCEPTANYDATE DATEFORMAT 'auto' TIMEFORMAT 'epochmillisecs' ESCAPE REMOVEQUOTES FILLRECORD " +
      'IGNOREBLANKLINES EXPLICIT_IDS ROUNDEC MAXERROR 10 NOLOAD COMPUPDATE OFF STATUPDATE ON GZIP MANIFEST ' +
      "REGION 'us-east-1' ENCODING UTF8",
  );
  assert.equal(o.ignoreHeader, 1);
  assert.equal(o.nullAs, 'NA');
  assert.equal(o.acceptInvChars, '^');
  assert.equal(o.dateFormat, 'auto');
  assert.equal(o.timeFormat, 'epochmillisecs');
  assert.equal(o.maxError, 10);
  assert.equal(o.compression, 'gzip');
  assert.equal(o.region, 'us-east-1');
  assert.equal(o.encoding, 'UTF8');
  for (const k of [
    'emptyAsNull',
    'blanksAsNull',
    'trimBlanks',
    'truncateColumns',
    'acceptAnyDate',
    'escape',
    'removeQuotes',
    'fillRecord',
    'ignoreBlankLines',
    'explicitIds',
    'roundDec',
    'noLoad',
    'manifest',
  ] as const) {
    assert.equal(o[k], true, k);
  }
  assert.equal(options('ACCEPTINVCHARS').acceptInvChars, '?');
});

test('credentials: IAM role chains, access keys, the CREDENTIALS string', () => {
  assert.deepEqual(
    options("IAM_ROLE 'arn:aws:iam::1:role/a,arn:aws:iam::2:role/b'").credentials.iamRole,
    ['arn:aws:iam::1:role/a', 'arn:aws:iam::2:role/b'],
  );
  assert.deepEqual(
    options("ACCESS_KEY_ID 'AK' SECRET_ACCESS_KEY 'SK' SESSION_TOKEN 'T'").credentials,
    { accessKeyId: 'AK', secretAccessKey: 'SK', sessionToken: 'T' },
  );
  assert.deepEqual(
    options("CREDENTIALS 'aws_access_key_id=AK;aws_secret_access_key=SK;token=T'").credentials,
    { accessKeyId: 'AK', secretAccessKey: 'SK', sessionToken: 'T' },
  );
  refused("ACCESS_KEY_ID 'AK'", SqlState.syntaxError, /must be given together/);
  refused(
    "IAM_ROLE default ACCESS_KEY_ID 'AK' SECRET_ACCESS_KEY 'SK'",
    SqlState.syntaxError,
    /IAM_ROLE cannot be used/,
  );
  refused("CREDENTIALS 'nonsense'", SqlState.syntaxError, /key=value/);
});

test('combinations Redshift refuses', () => {
  // copy-parameters-data-format: CSV cannot be used with FIXEDWIDTH, REMOVEQUOTES, or ESCAPE.
  refused("CSV FIXEDWIDTH 'a:1'", SqlState.syntaxError, /cannot be used/);
  refused('CSV REMOVEQUOTES', SqlState.syntaxError, /CSV cannot be used with REMOVEQUOTES/);
  refused('CSV ESCAPE', SqlState.syntaxError, /CSV cannot be used with ESCAPE/);
  // DELIMITER cannot be used with FIXEDWIDTH; QUOTE only with CSV.
  refused(
    "FIXEDWIDTH 'a:1' DELIMITER ','",
    SqlState.syntaxError,
    /FIXEDWIDTH cannot be used with DELIMITER/,
  );
  refused("QUOTE '%'", SqlState.syntaxError, /QUOTE can be used only with CSV/);
  refused("JSON 'auto' FORMAT AS PARQUET", SqlState.syntaxError, /cannot be used together/);
  refused('GZIP BZIP2', SqlState.syntaxError, /cannot be used together/);
  // Columnar formats take only a few parameters; MAXERROR and ACCEPTANYDATE are not among them.
  refused(
    'FORMAT AS PARQUET MAXERROR 5',
    SqlState.syntaxError,
    /MAXERROR is not supported with PARQUET/,
  );
  refused('FORMAT AS ORC ACCEPTANYDATE', SqlState.syntaxError, /not supported with ORC/);
  refused('FORMAT AS PARQUET IGNOREHEADER 1', SqlState.syntaxError, /IGNOREHEADER/);
  refused("DELIMITER 'ab'", SqlState.syntaxError, /single character/);
  refused('MAXERROR 100001', SqlState.syntaxError, /MAXERROR must be an integer/);
  refused("JSON 'sometimes'", SqlState.syntaxError, /not one of/);
  refused("FIXEDWIDTH 'a'", SqlState.syntaxError, /label:width/);
  refused('GZIP GZIP', SqlState.syntaxError, /more than once/);
  refused('FROBNICATE', SqlState.syntaxError, /not recognized/);
  refused('FORMAT AS SHAPEFILE', SqlState.featureNotSupported, /SHAPEFILE/);
});

test('a DATEFORMAT or TIMEFORMAT COPY cannot read fails with 22023 before anything loads', () => {
  assert.equal(
    options("DATEFORMAT 'MM/DD/YYYY' TIMEFORMAT 'YYYY-MM-DD HH:MI:SS'").dateFormat,
    'MM/DD/YYYY',
  );
  assert.equal(options("TIMEFORMAT 'epochsecs'").timeFormat, 'epochsecs');
  refused(
    "DATEFORMAT 'XX/MM/YYYY'",
    SqlState.invalidParameterValue,
    /^DATEFORMAT 'XX\/MM\/YYYY' uses a pattern COPY cannot read$/,
  );
  refused(
    "TIMEFORMAT 'ZZ HH:MI'",
    SqlState.invalidParameterValue,
    /^TIMEFORMAT 'ZZ HH:MI' uses a pattern COPY cannot read$/,
  );
});
