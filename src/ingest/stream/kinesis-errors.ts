// Kinesis and network failures as LakeshiftErrors: what a user can act on (the endpoint cannot be
// reached, the stream does not exist, access is denied) gets its SQLSTATE and names the thing to
// check. Error names are the Kinesis API's exception types
// (https://docs.aws.amazon.com/kinesis/latest/APIReference/API_GetRecords.html#API_GetRecords_Errors)
// and Node's socket error codes; nothing here matches message text.

import { LakeshiftError, SqlState, messageOf } from '../../common/errors.js';

interface SdkErrorShape {
  name?: string;
  code?: string;
  cause?: unknown;
  $metadata?: { httpStatusCode?: number };
}

/** What a failed call was about, for the message. */
export interface KinesisTarget {
  /** The endpoint as shown to users: a URL, or a description of the SDK's default. */
  endpoint: string;
  stream: string;
  shard?: string;
}

/** Kinesis' throughput limits (GetRecords: 5 calls and 2 MB/s per shard; control calls per account). */
const THROTTLED = new Set([
  'ProvisionedThroughputExceededException',
  'LimitExceededException',
  'KMSThrottlingException',
  'ThrottlingException',
]);

/** Node socket errors and the HTTP handler's timeouts: the endpoint did not answer. */
const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ECONNABORTED',
  'ERR_SOCKET_CONNECTION_TIMEOUT',
]);

const DENIED = new Set(['AccessDeniedException', 'KMSAccessDeniedException']);
const BAD_CREDENTIALS = new Set([
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'IncompleteSignatureException',
  'MissingAuthenticationTokenException',
  'ExpiredTokenException',
  'CredentialsProviderError',
]);
/** The stream exists but cannot be read now (creating, deleting, its KMS key unusable). */
const NOT_READY = new Set([
  'ResourceInUseException',
  'KMSDisabledException',
  'KMSInvalidStateException',
  'KMSNotFoundException',
  'KMSOptInRequired',
]);

export function errorName(e: unknown): string | undefined {
  return (e as SdkErrorShape | undefined)?.name;
}

export function isThrottled(e: unknown): boolean {
  const name = errorName(e);
  return (
    (name !== undefined && THROTTLED.has(name)) ||
    (e as SdkErrorShape | undefined)?.$metadata?.httpStatusCode === 429
  );
}

function isUnreachable(e: unknown, depth = 0): boolean {
  const err = e as SdkErrorShape | undefined;
  if (err === undefined || err === null || typeof err !== 'object') return false;
  if (err.name === 'TimeoutError' || (err.code !== undefined && UNREACHABLE.has(err.code))) {
    return true;
  }
  return depth < 5 && isUnreachable(err.cause, depth + 1);
}

function what(target: KinesisTarget): string {
  return target.shard === undefined
    ? `Kinesis stream "${target.stream}"`
    : `shard "${target.shard}" of Kinesis stream "${target.stream}"`;
}

/** The error a user sees for a failed Kinesis call (LakeshiftErrors pass through unchanged). */
export function kinesisError(e: unknown, target: KinesisTarget): unknown {
  if (e instanceof LakeshiftError) return e;
  const name = errorName(e) ?? '';
  const said = messageOf(e);
  if (isUnreachable(e)) {
    return new LakeshiftError(
      SqlState.sqlclientUnableToEstablishSqlconnection,
      `could not connect to Kinesis at ${target.endpoint}: ${said}`,
      {
        cause: e,
        hint: 'check that the Kinesis endpoint is reachable from the server (AWS_ENDPOINT_URL_KINESIS, AWS_ENDPOINT_URL or the endpoint option, and AWS_REGION)',
      },
    );
  }
  if (name === 'ResourceNotFoundException') {
    return new LakeshiftError(SqlState.undefinedObject, `${what(target)} does not exist`, {
      cause: e,
      detail: said,
      hint:
        target.shard === undefined
          ? `check the stream name and the region at ${target.endpoint}`
          : 'a closed shard disappears once the stream retention period has passed; list the partitions again',
    });
  }
  if (DENIED.has(name)) {
    return new LakeshiftError(
      SqlState.insufficientPrivilege,
      `permission denied for ${what(target)}`,
      {
        cause: e,
        detail: said,
        hint: 'the IAM role or credentials need kinesis:ListShards, kinesis:GetShardIterator and kinesis:GetRecords on the stream (and kms:Decrypt for an encrypted stream)',
      },
    );
  }
  if (BAD_CREDENTIALS.has(name)) {
    return new LakeshiftError(
      SqlState.invalidAuthorizationSpecification,
      `Kinesis at ${target.endpoint} did not accept the credentials for ${what(target)}`,
      { cause: e, detail: said },
    );
  }
  if (NOT_READY.has(name)) {
    return new LakeshiftError(
      SqlState.objectNotInPrerequisiteState,
      `${what(target)} cannot be read now`,
      { cause: e, detail: said },
    );
  }
  if (isThrottled(e)) {
    return new LakeshiftError(
      SqlState.configurationLimitExceeded,
      `Kinesis kept refusing reads of ${what(target)} for exceeding its throughput limits`,
      {
        cause: e,
        detail: said,
        hint: 'other consumers may share the shard read limit (5 reads and 2 MB per second per shard); refresh less often or add shards',
      },
    );
  }
  // Anything else is unexpected here: upper layers log it and report XX000.
  return e;
}

/** The error for a call given up because the caller's signal fired. */
export function abortError(signal: AbortSignal): LakeshiftError {
  const reason: unknown = signal.reason;
  if (reason instanceof LakeshiftError) return reason;
  return new LakeshiftError(SqlState.queryCanceled, 'canceling statement due to user request');
}
