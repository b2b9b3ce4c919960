import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { isLakeshiftError } from '../common/errors.js';
import {
  ScramServerExchange,
  createScramVerifier,
  parseScramVerifier,
  saslprepPassword,
  scramClientFinal,
  scramVerifierMatches,
} from './scram.js';

// Produced by PostgreSQL 15 (password_encryption = scram-sha-256), read from pg_authid.
const PG15_SECRET =
  'SCRAM-SHA-256$4096:195sRwtSy8m0zuvxhZK/KA==$iGuMiG2zkwbp+ylgQjq+C9bIUTRM+Be27b3TA0lDJ88=:q2+Iy01DQlDE4XhkTM9aqLxeQmGMV6EzI/7l0s8Szow=';
// PASSWORD 'pässwörd ✓' (non-ASCII: goes through SASLprep).
const PG15_UNICODE =
  'SCRAM-SHA-256$4096:gqA08u4HKqDLB1ysCw3ezg==$fZAtoJ/8Jl4MW95dDiYh2vnwl9SPNCFf7PV1NQIqgcI=:o3i6uaMkivTNI1A0o3qN/06jyUQzQZ/UBVChgjlm5+Y=';

test('createScramVerifier reproduces a PostgreSQL 15 verifier from its salt', () => {
  const parsed = parseScramVerifier(PG15_SECRET);
  assert.ok(parsed);
  assert.equal(parsed.iterations, 4096);
  assert.equal(createScramVerifier('secret', { salt: parsed.salt }), PG15_SECRET);
  const unicode = parseScramVerifier(PG15_UNICODE);
  assert.ok(unicode);
  assert.equal(createScramVerifier('pässwörd ✓', { salt: unicode.salt }), PG15_UNICODE);
  assert.ok(scramVerifierMatches(PG15_SECRET, 'secret'));
  assert.ok(!scramVerifierMatches(PG15_SECRET, 'Secret'));
});

test('createScramVerifier: format, random salt, iterations', () => {
  const v = createScramVerifier('pw', { iterations: 1000 });
  assert.match(
    v,
    /^SCRAM-SHA-256\$1000:[A-Za-z0-9+/=]{24}\$[A-Za-z0-9+/=]{44}:[A-Za-z0-9+/=]{44}$/,
  );
  assert.notEqual(createScramVerifier('pw'), createScramVerifier('pw'));
  assert.throws(() => createScramVerifier('pw', { iterations: 0 }), RangeError);
});

test('parseScramVerifier rejects what is not a verifier', () => {
  for (const bad of [
    '',
    'md51988972405ce9f46030bb74a71130c7b',
    'SCRAM-SHA-256$4096:salt$short:short',
    'SCRAM-SHA-256$0:195sRwtSy8m0zuvxhZK/KA==$iGuMiG2zkwbp+ylgQjq+C9bIUTRM+Be27b3TA0lDJ88=:q2+Iy01DQlDE4XhkTM9aqLxeQmGMV6EzI/7l0s8Szow=',
    'SCRAM-SHA-256$4096:!!!$iGuMiG2zkwbp+ylgQjq+C9bIUTRM+Be27b3TA0lDJ88=:q2+Iy01DQlDE4XhkTM9aqLxeQmGMV6EzI/7l0s8Szow=',
  ]) {
    assert.equal(parseScramVerifier(bad), null, bad);
  }
});

test('saslprep: ASCII unchanged, non-ASCII spaces mapped, soft hyphen removed, NFKC', () => {
  assert.deepEqual(saslprepPassword('I X'), Buffer.from('I X'));
  assert.deepEqual(saslprepPassword('I\u00ADX'), Buffer.from('IX'));
  assert.deepEqual(saslprepPassword('a\u00A0b'), Buffer.from('a b'));
  assert.deepEqual(saslprepPassword('\u2168'), Buffer.from('IX')); // RFC 4013 example
  assert.deepEqual(saslprepPassword('\u00AA'), Buffer.from('a'));
  // Prohibited output (a control character after mapping): the raw password is used.
  assert.deepEqual(saslprepPassword('é\u0007'), Buffer.from('é\u0007'));
});

function exchange(verifier: string, password: string, gs2 = 'n,,') {
  const server = new ScramServerExchange(parseScramVerifier(verifier));
  const clientNonce = randomBytes(18).toString('base64');
  const bare = `n=,r=${clientNonce}`;
  const serverFirst = server.serverFirst(`${gs2}${bare}`);
  assert.ok(serverFirst.startsWith(`r=${clientNonce}`));
  const { clientFinal, serverSignature } = scramClientFinal(password, bare, serverFirst, gs2);
  return { result: server.serverFinal(clientFinal), serverSignature };
}

test('server exchange: right password, server signature, wrong password, y,, header', () => {
  const ok = exchange(PG15_SECRET, 'secret');
  assert.deepEqual(ok.result, { ok: true, serverFinal: `v=${ok.serverSignature}` });
  assert.deepEqual(exchange(PG15_SECRET, 'wrong').result, { ok: false });
  assert.equal(exchange(PG15_SECRET, 'secret', 'y,,').result.ok, true);
});

test('mock exchange (no verifier) always fails', () => {
  const server = new ScramServerExchange(null, 'ghost');
  const serverFirst = server.serverFirst('n,,n=,r=abc');
  assert.match(serverFirst, /^r=abc.+,s=.+,i=4096$/);
  // The mock salt is stable per user, like a real one.
  const again = new ScramServerExchange(null, 'ghost').serverFirst('n,,n=,r=abc');
  assert.equal(serverFirst.split(',')[1], again.split(',')[1]);
  const { clientFinal } = scramClientFinal('anything', 'n=,r=abc', serverFirst);
  assert.deepEqual(server.serverFinal(clientFinal), { ok: false });
});

test('malformed SCRAM messages are 08P01 / 0A000 errors', () => {
  const verifier = parseScramVerifier(PG15_SECRET);
  const first = (m: string) => new ScramServerExchange(verifier).serverFirst(m);
  const is = (sqlstate: '08P01' | '0A000') => (e: unknown) => isLakeshiftError(e, sqlstate);
  assert.throws(() => first(''), is('08P01'));
  assert.throws(() => first('p=tls-server-end-point,,n=,r=x'), is('08P01'));
  assert.throws(() => first('x,,n=,r=x'), is('08P01'));
  assert.throws(() => first('n,a=admin,n=,r=x'), is('0A000'));
  assert.throws(() => first('n,,m=ext,n=,r=x'), is('0A000'));
  assert.throws(() => first('n,,n='), is('08P01'));
  assert.throws(() => first('n,,r=x'), is('08P01'));
  assert.match(first('n,,n=,r=a,ext=1'), /^r=a/); // extensions are ignored
  const server = new ScramServerExchange(verifier);
  const serverFirst = server.serverFirst('n,,n=,r=abc');
  const nonce = serverFirst.split(',')[0]?.slice(2);
  assert.throws(() => server.serverFinal(`c=biws,r=${nonce}`), is('08P01')); // no proof
  const s2 = new ScramServerExchange(verifier);
  const f2 = s2.serverFirst('n,,n=,r=abc');
  assert.throws(() => s2.serverFinal(`c=eSws,r=${f2.split(',')[0]?.slice(2)},p=AAAA`), is('08P01'));
  const s3 = new ScramServerExchange(verifier);
  s3.serverFirst('n,,n=,r=abc');
  assert.throws(
    () => s3.serverFinal(`c=biws,r=abcWRONG,p=${Buffer.alloc(32).toString('base64')}`),
    is('08P01'),
  );
  assert.throws(() => s3.serverFinal('again'), is('08P01'));
});
