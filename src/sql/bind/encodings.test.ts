// Redshift's encodings: which types each accepts, and the one a column gets when none is given.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isLakeshiftError } from '../../common/errors.js';
import { checkEncoding, defaultEncoding } from './encodings.js';
import { decodeAnnotation, decodeTableAnnotation, encodeAnnotation } from './annotation.js';

test('an encoding is accepted for the types Redshift lists for it', () => {
  assert.equal(checkEncoding('AZ64', 'a', 'integer'), 'az64');
  assert.equal(checkEncoding('text255', 'a', 'character varying(300)'), 'text255');
  assert.equal(checkEncoding('mostly32', 'a', 'numeric(18,0)'), 'mostly32');
  assert.equal(checkEncoding('raw', 'a', 'boolean'), 'raw');
  assert.equal(checkEncoding('runlength', 'a', 'boolean'), 'runlength');
  const refused: [string, string, string][] = [
    ['text255', 'integer', '0A000'],
    ['mostly32', 'integer', '0A000'],
    ['delta32k', 'smallint', '0A000'],
    ['az64', 'character varying(5)', '0A000'],
    ['bytedict', 'boolean', '0A000'],
    ['snappy', 'integer', '42704'],
  ];
  for (const [encoding, type, sqlstate] of refused) {
    assert.throws(
      () => checkEncoding(encoding, 'a', type),
      (e: unknown) => isLakeshiftError(e) && e.sqlstate === sqlstate,
      `${encoding} on ${type}`,
    );
  }
});

test('the encoding a column gets without ENCODE', () => {
  const plain = { sortKey: false, temporary: false };
  assert.equal(defaultEncoding('bigint', plain), 'az64');
  assert.equal(defaultEncoding('timestamp with time zone', plain), 'az64');
  assert.equal(defaultEncoding('character(4)', plain), 'lzo');
  assert.equal(defaultEncoding('double precision', plain), 'raw');
  assert.equal(defaultEncoding('bigint', { sortKey: true, temporary: false }), 'raw');
  assert.equal(defaultEncoding('character(4)', { sortKey: false, temporary: true }), 'raw');
});

test('annotations: plain type text stays plain, more becomes JSON and reads back', () => {
  assert.equal(encodeAnnotation({ type: 'integer' }), 'integer');
  assert.deepEqual(decodeAnnotation('integer'), { type: 'integer' });
  const a = {
    type: 'bigint',
    encoding: 'zstd',
    identity: { seed: '1', step: '2', byDefault: true },
    distKey: true,
    comment: 'c',
  };
  assert.deepEqual(decodeAnnotation(encodeAnnotation(a)), a);
  // Older JSON annotations (type and default only) read the same.
  assert.deepEqual(decodeAnnotation('{"type":"integer","default":"getdate()"}'), {
    type: 'integer',
    default: 'getdate()',
  });
  assert.deepEqual(decodeTableAnnotation(null), {});
  assert.deepEqual(decodeTableAnnotation('{"distStyle":"bogus","backup":false}'), {
    backup: false,
  });
});
