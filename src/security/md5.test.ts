import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isMd5PasswordHash, md5PasswordHash, md5SaltedResponse, verifyMd5Response } from './md5.js';

// Produced by PostgreSQL 15: SET password_encryption = 'md5'; CREATE ROLE u3 PASSWORD 'secret'.
const PG15_U3_SECRET = 'md51988972405ce9f46030bb74a71130c7b';

test('md5PasswordHash matches PostgreSQL 15', () => {
  assert.equal(md5PasswordHash('secret', 'u3'), PG15_U3_SECRET);
  assert.ok(isMd5PasswordHash(PG15_U3_SECRET));
  assert.ok(!isMd5PasswordHash('SCRAM-SHA-256$4096:abc'));
});

test('verifyMd5Response accepts what a client computes and nothing else', () => {
  const salt = Buffer.from([1, 2, 3, 4]);
  const response = md5SaltedResponse(md5PasswordHash('secret', 'u3'), salt);
  assert.match(response, /^md5[0-9a-f]{32}$/);
  assert.ok(verifyMd5Response(PG15_U3_SECRET, salt, response));
  assert.ok(!verifyMd5Response(PG15_U3_SECRET, Buffer.from([1, 2, 3, 5]), response));
  assert.ok(
    !verifyMd5Response(
      PG15_U3_SECRET,
      salt,
      md5SaltedResponse(md5PasswordHash('Secret', 'u3'), salt),
    ),
  );
  assert.ok(!verifyMd5Response(PG15_U3_SECRET, salt, ''));
  assert.ok(!verifyMd5Response('not-a-hash', salt, response));
});
