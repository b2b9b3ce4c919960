// SCRAM-SHA-256 (RFC 5802, RFC 7677) as PostgreSQL implements it: stored verifiers in
// PostgreSQL's exact text format, so verifiers copied from pg_authid work here and ours work
// there, and the server side of the exchange (no channel binding: we never offer
// SCRAM-SHA-256-PLUS, so the client's gs2 header is "n,," or "y,,").
// https://www.postgresql.org/docs/15/sasl-authentication.html
// https://www.postgresql.org/docs/15/catalog-pg-authid.html (rolpassword format)
//
// SASLprep (RFC 4013) of the password, as PostgreSQL's pg_saslprep does: ASCII passwords are used
// as is; otherwise invalid UTF-8 is used as raw bytes; otherwise map (non-ASCII spaces to space,
// "commonly mapped to nothing" removed), NFKC, and if a prohibited character remains the raw
// password is used (PostgreSQL's fallback too). Missing: NFKC is the runtime's current Unicode
// version rather than 3.2, unassigned code points (RFC 3454 A.1) are not rejected, and the
// bidirectional rule (RFC 3454 section 6) is not checked — the JavaScript regex engine has no
// Bidi_Class property. Passwords that differ only in those corners may hash differently from
// PostgreSQL; every ASCII password hashes identically.
import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';
import { LakeshiftError, SqlState } from '../common/errors.js';

export const SCRAM_DEFAULT_ITERATIONS = 4096;
/** PostgreSQL's SCRAM_DEFAULT_SALT_LEN. */
const SALT_BYTES = 16;
/** PostgreSQL's SCRAM_RAW_NONCE_LEN. */
const NONCE_BYTES = 18;
const KEY_BYTES = 32;

export interface ScramVerifier {
  iterations: number;
  salt: Buffer;
  storedKey: Buffer;
  serverKey: Buffer;
}

function hmac(key: Uint8Array, data: string | Uint8Array): Buffer {
  return createHmac('sha256', key).update(data).digest();
}

function sha256(data: Uint8Array): Buffer {
  return createHash('sha256').update(data).digest();
}

type Ranges = readonly (readonly [number, number])[];

// RFC 3454 C.1.2: non-ASCII space characters (mapped to U+0020 by SASLprep).
const NON_ASCII_SPACE: Ranges = [
  [0x00a0, 0x00a0],
  [0x1680, 0x1680],
  [0x2000, 0x200b],
  [0x202f, 0x202f],
  [0x205f, 0x205f],
  [0x3000, 0x3000],
];
// RFC 3454 B.1: commonly mapped to nothing.
const MAPPED_TO_NOTHING: Ranges = [
  [0x00ad, 0x00ad],
  [0x034f, 0x034f],
  [0x1806, 0x1806],
  [0x180b, 0x180d],
  [0x200b, 0x200d],
  [0x2060, 0x2060],
  [0xfe00, 0xfe0f],
  [0xfeff, 0xfeff],
];
// RFC 4013 section 2.3 prohibited output: C.1.2, C.2.1, C.2.2, C.3, C.5, C.6, C.7, C.8, C.9;
// C.4 (non-characters) is checked separately.
const PROHIBITED: Ranges = [
  ...NON_ASCII_SPACE, // C.1.2
  [0x0000, 0x001f], // C.2.1
  [0x007f, 0x007f],
  [0x0080, 0x009f], // C.2.2
  [0x06dd, 0x06dd],
  [0x070f, 0x070f],
  [0x180e, 0x180e],
  [0x200c, 0x200d],
  [0x2028, 0x2029],
  [0x2060, 0x2063],
  [0x206a, 0x206f],
  [0xfeff, 0xfeff],
  [0xfff9, 0xfffc],
  [0x1d173, 0x1d17a],
  [0xe000, 0xf8ff], // C.3
  [0xf0000, 0xffffd],
  [0x100000, 0x10fffd],
  [0xfdd0, 0xfdef], // C.4 (the rest below)
  [0xd800, 0xdfff], // C.5
  [0xfff9, 0xfffd], // C.6
  [0x2ff0, 0x2ffb], // C.7
  [0x0340, 0x0341], // C.8
  [0x200e, 0x200f],
  [0x202a, 0x202e],
  [0xe0001, 0xe0001], // C.9
  [0xe0020, 0xe007f],
];

function inRanges(cp: number, ranges: Ranges): boolean {
  return ranges.some(([lo, hi]) => cp >= lo && cp <= hi);
}

function prohibited(cp: number): boolean {
  return inRanges(cp, PROHIBITED) || (cp & 0xfffe) === 0xfffe; // C.4: U+nFFFE, U+nFFFF
}

/**
 * The bytes SCRAM hashes for `password`: SASLprep where it applies, else the raw UTF-8 bytes
 * (PostgreSQL's behaviour). See the file comment for what is not implemented.
 */
export function saslprepPassword(password: string | Uint8Array): Buffer {
  const raw = typeof password === 'string' ? Buffer.from(password, 'utf8') : Buffer.from(password);
  if (raw.every((b) => b < 0x80)) return raw;
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(raw);
  } catch {
    return raw;
  }
  let mapped = '';
  for (const ch of text) {
    const cp = ch.codePointAt(0) as number;
    // Spaces first, as PostgreSQL's pg_saslprep (U+200B is in both tables).
    if (inRanges(cp, NON_ASCII_SPACE)) mapped += ' ';
    else if (!inRanges(cp, MAPPED_TO_NOTHING)) mapped += ch;
  }
  const prepared = mapped.normalize('NFKC');
  if (prepared.length === 0) return raw;
  for (const ch of prepared) if (prohibited(ch.codePointAt(0) as number)) return raw;
  return Buffer.from(prepared, 'utf8');
}

function deriveKeys(password: string, salt: Buffer, iterations: number) {
  const salted = pbkdf2Sync(saslprepPassword(password), salt, iterations, KEY_BYTES, 'sha256');
  const clientKey = hmac(salted, 'Client Key');
  return { storedKey: sha256(clientKey), serverKey: hmac(salted, 'Server Key') };
}

/**
 * A verifier in PostgreSQL's rolpassword format:
 * "SCRAM-SHA-256$<iterations>:<salt base64>$<StoredKey base64>:<ServerKey base64>".
 */
export function createScramVerifier(
  password: string,
  opts: { iterations?: number; salt?: Uint8Array } = {},
): string {
  const iterations = opts.iterations ?? SCRAM_DEFAULT_ITERATIONS;
  if (!Number.isInteger(iterations) || iterations < 1) {
    throw new RangeError(`SCRAM iteration count must be a positive integer, got ${iterations}`);
  }
  const salt = opts.salt === undefined ? randomBytes(SALT_BYTES) : Buffer.from(opts.salt);
  const { storedKey, serverKey } = deriveKeys(password, salt, iterations);
  return formatScramVerifier({ iterations, salt, storedKey, serverKey });
}

export function formatScramVerifier(v: ScramVerifier): string {
  return (
    `SCRAM-SHA-256$${v.iterations}:${v.salt.toString('base64')}` +
    `$${v.storedKey.toString('base64')}:${v.serverKey.toString('base64')}`
  );
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function decodeBase64(text: string): Buffer | null {
  return BASE64.test(text) ? Buffer.from(text, 'base64') : null;
}

/** Parses a stored verifier; null when it is not one (PostgreSQL's parse_scram_secret). */
export function parseScramVerifier(text: string): ScramVerifier | null {
  const m = /^SCRAM-SHA-256\$(\d+):([^$:]+)\$([^$:]+):([^$:]+)$/.exec(text);
  if (m === null) return null;
  const iterations = Number(m[1]);
  const salt = decodeBase64(m[2] as string);
  const storedKey = decodeBase64(m[3] as string);
  const serverKey = decodeBase64(m[4] as string);
  if (!Number.isSafeInteger(iterations) || iterations < 1) return null;
  if (salt === null || salt.length === 0) return null;
  if (storedKey?.length !== KEY_BYTES || serverKey?.length !== KEY_BYTES) return null;
  return { iterations, salt, storedKey, serverKey };
}

/** True when `password` is the one behind `verifier` (for tests and tools, not the wire). */
export function scramVerifierMatches(verifier: string, password: string): boolean {
  const v = parseScramVerifier(verifier);
  if (v === null) return false;
  const { storedKey } = deriveKeys(password, v.salt, v.iterations);
  return timingSafeEqual(storedKey, v.storedKey);
}

/** Per-process secret for mock verifiers: the mock salt of a user is stable within a process. */
const MOCK_SECRET = randomBytes(32);

/**
 * A verifier no proof can satisfy, with a salt derived from the user name so that an unknown or
 * disabled user is indistinguishable from a real one (PostgreSQL's scram_mock_salt).
 */
export function mockScramVerifier(user: string): ScramVerifier {
  return {
    iterations: SCRAM_DEFAULT_ITERATIONS,
    salt: hmac(MOCK_SECRET, 'salt:' + user).subarray(0, SALT_BYTES),
    storedKey: randomBytes(KEY_BYTES),
    serverKey: randomBytes(KEY_BYTES),
  };
}

function malformed(detail: string): LakeshiftError {
  return new LakeshiftError(SqlState.protocolViolation, 'malformed SCRAM message', {
    detail,
    severity: 'FATAL',
  });
}

/** Reads "<name>=<value>" at the start of `parts[i]`. */
function attribute(part: string | undefined, name: string): string {
  if (part === undefined || !part.startsWith(name + '=')) {
    throw malformed(`Expected attribute "${name}".`);
  }
  return part.slice(name.length + 1);
}

const PRINTABLE_NONCE = /^[\x21-\x2B\x2D-\x7E]+$/;

/**
 * The server side of one SCRAM-SHA-256 exchange:
 *   client-first-message → serverFirst() → server-first-message
 *   client-final-message → serverFinal() → { ok, server-final-message }
 * Malformed messages throw LakeshiftError 08P01 (FATAL); a wrong proof returns ok: false.
 */
export class ScramServerExchange {
  readonly #verifier: ScramVerifier;
  readonly #mock: boolean;
  #state: 'first' | 'final' | 'done' = 'first';
  #gs2Header = '';
  #clientFirstBare = '';
  #serverFirst = '';
  #nonce = '';

  /** `verifier` null runs a mock exchange that always fails at the end. */
  constructor(verifier: ScramVerifier | null, user = '') {
    this.#mock = verifier === null;
    this.#verifier = verifier ?? mockScramVerifier(user);
  }

  serverFirst(clientFirstMessage: string): string {
    if (this.#state !== 'first') throw malformed('Unexpected client-first-message.');
    this.#state = 'final';
    // gs2-header = gs2-cbind-flag "," [authzid] ","
    const flag = clientFirstMessage[0];
    if (flag === 'p') {
      throw malformed(
        'The client selected SCRAM-SHA-256-PLUS channel binding, which this server does not offer.',
      );
    }
    if ((flag !== 'n' && flag !== 'y') || clientFirstMessage[1] !== ',') {
      throw malformed('Unexpected channel-binding flag.');
    }
    const authzidEnd = clientFirstMessage.indexOf(',', 2);
    if (authzidEnd < 0) throw malformed('Unexpected end of client-first-message.');
    if (authzidEnd !== 2) {
      throw new LakeshiftError(
        SqlState.featureNotSupported,
        'client uses authorization identity, but it is not supported',
        { severity: 'FATAL' },
      );
    }
    this.#gs2Header = clientFirstMessage.slice(0, 3);
    this.#clientFirstBare = clientFirstMessage.slice(3);
    const parts = this.#clientFirstBare.split(',');
    if (parts[0]?.startsWith('m=')) {
      throw new LakeshiftError(
        SqlState.featureNotSupported,
        'client requires an unsupported SCRAM extension',
        {
          severity: 'FATAL',
        },
      );
    }
    // The user name is the one of the startup packet; libpq sends an empty one.
    attribute(parts[0], 'n');
    const clientNonce = attribute(parts[1], 'r');
    if (!PRINTABLE_NONCE.test(clientNonce)) throw malformed('Invalid client nonce.');
    this.#nonce = clientNonce + randomBytes(NONCE_BYTES).toString('base64');
    this.#serverFirst =
      `r=${this.#nonce},s=${this.#verifier.salt.toString('base64')},` +
      `i=${this.#verifier.iterations}`;
    return this.#serverFirst;
  }

  serverFinal(clientFinalMessage: string): { ok: true; serverFinal: string } | { ok: false } {
    if (this.#state !== 'final') throw malformed('Unexpected client-final-message.');
    this.#state = 'done';
    const proofAt = clientFinalMessage.lastIndexOf(',p=');
    if (proofAt < 0) throw malformed('Could not find proof in client-final-message.');
    const withoutProof = clientFinalMessage.slice(0, proofAt);
    const parts = withoutProof.split(',');
    const binding = decodeBase64(attribute(parts[0], 'c'));
    if (binding === null) throw malformed('Invalid channel-binding data.');
    if (binding.toString('latin1') !== this.#gs2Header) {
      throw malformed('SCRAM channel binding check failed.');
    }
    if (attribute(parts[1], 'r') !== this.#nonce) throw malformed('Final nonce does not match.');
    const proof = decodeBase64(clientFinalMessage.slice(proofAt + 3));
    if (proof?.length !== KEY_BYTES) throw malformed('Malformed proof in client-final-message.');

    const authMessage = `${this.#clientFirstBare},${this.#serverFirst},${withoutProof}`;
    const clientSignature = hmac(this.#verifier.storedKey, authMessage);
    const clientKey = Buffer.alloc(KEY_BYTES);
    for (let i = 0; i < KEY_BYTES; i++) {
      clientKey[i] = (proof[i] as number) ^ (clientSignature[i] as number);
    }
    const matches = timingSafeEqual(sha256(clientKey), this.#verifier.storedKey);
    if (!matches || this.#mock) return { ok: false };
    const serverSignature = hmac(this.#verifier.serverKey, authMessage);
    return { ok: true, serverFinal: `v=${serverSignature.toString('base64')}` };
  }
}

/**
 * The client side of an exchange, for tests: the client-first-message, then the
 * client-final-message for the server's first message, and the expected server signature.
 */
export function scramClientFinal(
  password: string,
  clientFirstBare: string,
  serverFirst: string,
  gs2Header = 'n,,',
): { clientFinal: string; serverSignature: string } {
  const fields = Object.fromEntries(serverFirst.split(',').map((p) => [p[0], p.slice(2)]));
  const salt = Buffer.from(fields.s ?? '', 'base64');
  const iterations = Number(fields.i);
  const salted = pbkdf2Sync(saslprepPassword(password), salt, iterations, KEY_BYTES, 'sha256');
  const clientKey = hmac(salted, 'Client Key');
  const withoutProof = `c=${Buffer.from(gs2Header).toString('base64')},r=${fields.r}`;
  const authMessage = `${clientFirstBare},${serverFirst},${withoutProof}`;
  const signature = hmac(sha256(clientKey), authMessage);
  const proof = Buffer.alloc(KEY_BYTES);
  for (let i = 0; i < KEY_BYTES; i++)
    proof[i] = (clientKey[i] as number) ^ (signature[i] as number);
  const serverSignature = hmac(hmac(salted, 'Server Key'), authMessage).toString('base64');
  return { clientFinal: `${withoutProof},p=${proof.toString('base64')}`, serverSignature };
}
