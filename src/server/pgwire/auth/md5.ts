// MD5 password authentication: AuthenticationMD5Password with a random 4-byte salt, then the
// client's PasswordMessage "md5" + md5hex(md5hex(password || user) || salt).
// https://www.postgresql.org/docs/15/protocol-flow.html#id-1.10.6.7.3
import { randomBytes } from 'node:crypto';
import { verifyMd5Response } from '../../../security/md5.js';
import { decodePassword } from '../frontend.js';
import { authenticationMd5Password } from '../messages.js';
import { receivePasswordMessage, type AuthExchange, type AuthOutcome } from './exchange.js';

export async function authenticateMd5(io: AuthExchange, storedHash: string): Promise<AuthOutcome> {
  const salt = randomBytes(4);
  io.send(authenticationMd5Password(salt));
  const body = await receivePasswordMessage(io, 'password');
  if (body === null) return { kind: 'disconnected' };
  const response = decodePassword(body);
  if (verifyMd5Response(storedHash, salt, response)) return { kind: 'ok' };
  return { kind: 'failed', reason: 'MD5 password does not match' };
}
