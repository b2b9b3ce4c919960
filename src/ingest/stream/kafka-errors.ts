// Turns what @platformatic/kafka throws into LakeshiftErrors with SQLSTATEs. The library nests
// its errors (a MultipleErrors of retries, each a NetworkError whose cause is the socket or
// SASL failure; a ResponseError holding one ProtocolError per failed partition), so each test
// below walks the whole tree through `errors` and `cause`.

import { LakeshiftError, SqlState, messageOf } from '../../common/errors.js';

/** Kafka protocol error codes the reader reacts to (https://kafka.apache.org/protocol#protocol_error_codes). */
export const KafkaErrorCode = {
  offsetOutOfRange: 1,
  unknownTopicOrPartition: 3,
  notLeaderOrFollower: 6,
  fencedLeaderEpoch: 74,
  unknownTopicId: 100,
} as const;

interface LibraryError {
  code?: unknown;
  apiCode?: unknown;
  errors?: unknown;
  cause?: unknown;
  message?: unknown;
}

/** Every error in the tree below `e`, `e` first. */
function* walk(e: unknown, depth = 0): Generator<LibraryError> {
  if (typeof e !== 'object' || e === null || depth > 8) return;
  const err = e as LibraryError;
  yield err;
  if (Array.isArray(err.errors)) for (const inner of err.errors) yield* walk(inner, depth + 1);
  if (err.cause !== undefined) yield* walk(err.cause, depth + 1);
}

/** The Kafka protocol error codes anywhere in the tree. */
export function kafkaCodes(e: unknown): Set<number> {
  const codes = new Set<number>();
  for (const err of walk(e)) if (typeof err.apiCode === 'number') codes.add(err.apiCode);
  return codes;
}

/** The library's message for an unknown topic from Metadata ("Unknown topic t."). */
function isUnknownTopic(e: unknown): boolean {
  for (const err of walk(e)) {
    if (err.apiCode === KafkaErrorCode.unknownTopicOrPartition) return true;
    if (
      err.code === 'PLT_KFK_USER' &&
      typeof err.message === 'string' &&
      err.message.startsWith('Unknown topic')
    )
      return true;
  }
  return false;
}

/** The innermost message, which names the real failure (ECONNREFUSED, a TLS alert, ...). */
function rootMessage(e: unknown): string {
  let last = messageOf(e);
  for (const err of walk(e))
    if (typeof err.message === 'string' && err.message !== '') last = err.message;
  return last;
}

export function unknownTopic(topic: string, cause?: unknown): LakeshiftError {
  return new LakeshiftError(SqlState.undefinedObject, `Kafka topic "${topic}" does not exist`, {
    cause,
  });
}

/**
 * The LakeshiftError for a failure of a Kafka call about `topic`: 42704 for an unknown topic,
 * 28000 when the brokers refuse the credentials, 08001 when they cannot be reached (naming them),
 * 58030 for any other error a broker returns.
 */
export function kafkaError(e: unknown, brokers: string, topic: string | undefined): LakeshiftError {
  if (e instanceof LakeshiftError) return e;
  if (topic !== undefined && isUnknownTopic(e)) return unknownTopic(topic, e);
  const codes = new Set<unknown>();
  for (const err of walk(e)) codes.add(err.code);
  const detail = rootMessage(e);
  if (codes.has('PLT_KFK_AUTHENTICATION') || kafkaCodes(e).has(58)) {
    return new LakeshiftError(
      SqlState.invalidAuthorizationSpecification,
      `Kafka brokers ${brokers} refused the credentials`,
      { detail, cause: e },
    );
  }
  if (
    codes.has('PLT_KFK_NETWORK') ||
    codes.has('PLT_KFK_TIMEOUT') ||
    /ECONN|ETIMEDOUT|EHOSTUNREACH|ENOTFOUND|EAI_AGAIN/.test(detail)
  ) {
    return new LakeshiftError(
      SqlState.sqlclientUnableToEstablishSqlconnection,
      `could not connect to Kafka brokers ${brokers}`,
      { detail, cause: e },
    );
  }
  const about = topic === undefined ? '' : ` on topic "${topic}"`;
  return new LakeshiftError(SqlState.ioError, `Kafka error${about}: ${detail}`, { cause: e });
}

export function abortError(): LakeshiftError {
  return new LakeshiftError(SqlState.queryCanceled, 'canceling statement due to user request');
}
