// What an authentication method needs from the connection: send a message, receive the
// client's next one. Every error in the authentication phase is FATAL.
// https://www.postgresql.org/docs/15/protocol-flow.html#id-1.10.6.7.3
import { LakeshiftError, SqlState } from '../../../common/errors.js';
import type { FrontendMessage } from '../framing.js';

export interface AuthExchange {
  /** The user of the startup packet. */
  readonly user: string;
  /** Queues a message; it is flushed before the next receive(). */
  send(message: Buffer): void;
  /** The client's next message, or null when it disconnected; `checkType` as in MessageReader. */
  receive(
    checkType?: (type: number) => LakeshiftError | undefined,
  ): Promise<FrontendMessage | null>;
}

export type AuthOutcome =
  | { kind: 'ok'; messages?: Buffer[] }
  /** Wrong password (or none can succeed): the reason goes to the log, never to the client. */
  | { kind: 'failed'; reason: string }
  | { kind: 'disconnected' };

/** The body of the next PasswordMessage / SASLInitialResponse / SASLResponse ('p'). */
export async function receivePasswordMessage(
  io: AuthExchange,
  expected: 'password' | 'SASL',
): Promise<Buffer | null> {
  const message = await io.receive((type) =>
    type === 0x70
      ? undefined
      : new LakeshiftError(
          SqlState.protocolViolation,
          `expected ${expected} response, got message type ${type}`,
          { severity: 'FATAL' },
        ),
  );
  return message === null ? null : message.body;
}
