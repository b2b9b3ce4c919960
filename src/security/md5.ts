// PostgreSQL's MD5 password scheme (deprecated upstream, still what many Redshift clients use).
// Stored: "md5" + md5hex(password || user). On the wire (AuthenticationMD5Password) the server
// sends a random 4-byte salt and the client answers "md5" + md5hex(md5hex(password || user) || salt).
// https://www.postgresql.org/docs/15/auth-password.html
// https://www.postgresql.org/docs/15/protocol-flow.html#id-1.10.6.7.3 (AuthenticationMD5Password)
import { createHash, timingSafeEqual } from 'node:crypto';

function md5Hex(data: string | Uint8Array): string {
  return createHash('md5').update(data).digest('hex');
}

/** The stored form of a password for `user`: "md5" followed by 32 hex digits. */
export function md5PasswordHash(password: string, user: string): string {
  return 'md5' + md5Hex(Buffer.from(password + user, 'utf8'));
}

/** True when `hash` has the shape of a stored MD5 hash. */
export function isMd5PasswordHash(hash: string): boolean {
  return /^md5[0-9a-f]{32}$/.test(hash);
}

/** What a client answers to `salt` when it knows the password behind `storedHash`. */
export function md5SaltedResponse(storedHash: string, salt: Uint8Array): string {
  const inner = Buffer.from(
    storedHash.startsWith('md5') ? storedHash.slice(3) : storedHash,
    'utf8',
  );
  return 'md5' + md5Hex(Buffer.concat([inner, salt]));
}

/** Checks a client's PasswordMessage against the stored hash and the salt sent to it. */
export function verifyMd5Response(storedHash: string, salt: Uint8Array, response: string): boolean {
  if (!isMd5PasswordHash(storedHash)) return false;
  const expected = Buffer.from(md5SaltedResponse(storedHash, salt), 'utf8');
  const actual = Buffer.from(response, 'utf8');
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
