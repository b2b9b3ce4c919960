// The readers of a workgroup's external stream schemas, one per schema definition, kept open
// between refreshes (a Kafka client keeps its broker connections; a Kinesis client its HTTP
// agent). Where each connects comes from the schema (URI, CLUSTER_ARN) and the server's
// settings: Kafka clusters by ARN, the Kinesis endpoint, region and credentials (absent: the
// AWS SDK's own configuration — AWS_ENDPOINT_URL_KINESIS, AWS_REGION, profiles ...).
import { LakeshiftError, SqlState } from '../../common/errors.js';
import { KafkaStreamReader } from './kafka.js';
import { KinesisStreamReader } from './kinesis.js';
import type { StreamReader } from './types.js';

/** What CREATE EXTERNAL SCHEMA said about the stream source. */
export interface StreamSourceConfig {
  source: 'kinesis' | 'msk' | 'kafka';
  iamRole?: string;
  authentication?: 'none' | 'iam' | 'mtls';
  authenticationArn?: string;
  uri?: string;
  clusterArn?: string;
}

export interface StreamSettings {
  /** Bootstrap brokers ('host:port,...') of MSK clusters named by CLUSTER_ARN. */
  kafkaClusters?: Record<string, string>;
  /** Client certificate and key (PEM) for AUTHENTICATION mtls, and a CA for the brokers. */
  kafkaTls?: { cert?: string; key?: string; ca?: string };
  kinesisEndpoint?: string;
  region?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
}

function brokersOf(config: StreamSourceConfig, settings: StreamSettings): string {
  if (config.uri !== undefined) return config.uri;
  if (config.clusterArn !== undefined) {
    const brokers = settings.kafkaClusters?.[config.clusterArn];
    if (brokers !== undefined) return brokers;
    throw new LakeshiftError(
      SqlState.connectionFailure,
      `no bootstrap brokers are configured for CLUSTER_ARN '${config.clusterArn}'`,
      { hint: 'List it in the server configuration under kafkaClusters.' },
    );
  }
  throw new LakeshiftError(
    SqlState.invalidParameterValue,
    'an external schema FROM MSK or KAFKA needs URI or CLUSTER_ARN',
  );
}

export function openStreamReader(
  config: StreamSourceConfig,
  settings: StreamSettings,
): StreamReader {
  if (config.source === 'kinesis') {
    return new KinesisStreamReader({
      endpoint: settings.kinesisEndpoint,
      region: settings.region,
      credentials: settings.credentials,
    });
  }
  const mtls = config.authentication === 'mtls';
  if (config.authentication === 'iam') {
    // MSK's IAM authentication signs a SASL handshake the Kafka client cannot produce here.
    throw new LakeshiftError(
      SqlState.featureNotSupported,
      'AUTHENTICATION iam (MSK IAM access control) is not supported; use none or mtls',
    );
  }
  return new KafkaStreamReader({
    brokers: brokersOf(config, settings),
    clientId: 'lakeshift',
    ...(mtls ? { tls: { ...settings.kafkaTls } } : {}),
  });
}

/** Readers by a key naming the schema's definition (its id and annotation). */
export class StreamReaders {
  private readonly readers = new Map<string, StreamReader>();

  constructor(private readonly settings: StreamSettings) {}

  reader(key: string, config: StreamSourceConfig): StreamReader {
    const full = `${key}\u0000${JSON.stringify(config)}`;
    let r = this.readers.get(full);
    if (r === undefined) {
      r = openStreamReader(config, this.settings);
      this.readers.set(full, r);
    }
    return r;
  }

  async close(): Promise<void> {
    const all = [...this.readers.values()];
    this.readers.clear();
    await Promise.allSettled(all.map((r) => r.close()));
  }
}
