// SASL authentication with SCRAM-SHA-256 (the only mechanism offered: no -PLUS, no channel
// binding): AuthenticationSASL → SASLInitialResponse (client-first-message) →
// AuthenticationSASLContinue (server-first-message) → SASLResponse (client-final-message) →
// AuthenticationSASLFinal (server-final-message), then AuthenticationOk from the caller.
// https://www.postgresql.org/docs/15/sasl-authentication.html
import { LakeshiftError, SqlState } from '../../../common/errors.js';
import { ScramServerExchange, parseScramVerifier } from '../../../security/scram.js';
import { decodeUtf8 } from '../buffer-reader.js';
import { decodeSaslInitialResponse } from '../frontend.js';
import {
  authenticationSasl,
  authenticationSaslContinue,
  authenticationSaslFinal,
} from '../messages.js';
import { receivePasswordMessage, type AuthExchange, type AuthOutcome } from './exchange.js';

export const SCRAM_MECHANISM = 'SCRAM-SHA-256';

/**
 * Runs the exchange against `verifier`; null (a user whose password cannot succeed, or a stored
 * secret that is not a valid verifier) runs PostgreSQL's mock exchange and fails at the end.
 */
export async function authenticateScram(
  io: AuthExchange,
  verifier: string | null,
): Promise<AuthOutcome> {
  const parsed = verifier === null ? null : parseScramVerifier(verifier);
  const exchange = new ScramServerExchange(parsed, io.user);
  io.send(authenticationSasl([SCRAM_MECHANISM]));

  const initial = await receivePasswordMessage(io, 'SASL');
  if (initial === null) return { kind: 'disconnected' };
  const { mechanism, data } = decodeSaslInitialResponse(initial);
  if (mechanism !== SCRAM_MECHANISM) {
    throw new LakeshiftError(
      SqlState.protocolViolation,
      'client selected an invalid SASL authentication mechanism',
      { severity: 'FATAL' },
    );
  }
  if (data === null) {
    throw new LakeshiftError(SqlState.protocolViolation, 'malformed SCRAM message', {
      detail: 'The message is empty.',
      severity: 'FATAL',
    });
  }
  io.send(authenticationSaslContinue(exchange.serverFirst(decodeUtf8(data))));

  const final = await receivePasswordMessage(io, 'SASL');
  if (final === null) return { kind: 'disconnected' };
  const outcome = exchange.serverFinal(decodeUtf8(final));
  if (!outcome.ok) {
    return {
      kind: 'failed',
      reason:
        parsed === null
          ? verifier === null
            ? 'no password can succeed for this user'
            : 'stored SCRAM verifier is invalid'
          : 'SCRAM proof does not match',
    };
  }
  return { kind: 'ok', messages: [authenticationSaslFinal(outcome.serverFinal)] };
}
