// One authentication per PendingConnection.method. Every error here is FATAL (28P01 for a wrong
// password, 08P01 for a malformed exchange); the caller reports it and closes the connection.
import type { AuthMethod } from '../../../session/wire.js';
import type { AuthExchange, AuthOutcome } from './exchange.js';
import { authenticateMd5 } from './md5.js';
import { authenticateScram } from './scram.js';

export type { AuthExchange, AuthOutcome } from './exchange.js';

export async function authenticate(method: AuthMethod, io: AuthExchange): Promise<AuthOutcome> {
  switch (method.kind) {
    case 'trust':
      return { kind: 'ok' };
    case 'md5':
      return authenticateMd5(io, method.hash);
    case 'scram-sha-256':
      return authenticateScram(io, method.verifier);
    case 'reject': {
      // Run the exchange as for any user, so that a disabled user looks like a wrong password.
      const outcome = await authenticateScram(io, null);
      return outcome.kind === 'disconnected'
        ? outcome
        : { kind: 'failed', reason: 'no password can succeed for this user' };
    }
  }
}
