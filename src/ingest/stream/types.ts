// The one interface a streaming materialized view reads through: a stream (a Kafka topic or a
// Kinesis stream) is a set of partitions (Kafka partitions, Kinesis shards), each an ordered log
// read from a position. A refresh reads every partition from its last committed position to the
// end it saw when the refresh began, and commits the rows together with the new positions.

/** One record, with the metadata columns Redshift gives a streaming materialized view. */
export type StreamRecord = KafkaStreamRecord | KinesisStreamRecord;

export interface KafkaStreamRecord {
  kind: 'kafka';
  /** kafka_partition */
  partition: number;
  /** kafka_offset */
  offset: bigint;
  /** kafka_timestamp_type: 0 = CreateTime, 1 = LogAppendTime (Kafka's attribute bit). */
  timestampType: 0 | 1;
  /** kafka_timestamp, milliseconds since the epoch. */
  timestamp: bigint;
  /** kafka_key; null when the record has none. */
  key: Buffer | null;
  /** kafka_value; null for a tombstone. */
  value: Buffer | null;
  /** kafka_headers, in the record's order. */
  headers: ReadonlyArray<{ key: string; value: Buffer | null }>;
}

export interface KinesisStreamRecord {
  kind: 'kinesis';
  /** shard_id */
  shardId: string;
  /** sequence_number: a decimal string of up to 128 digits' worth, ordered within a shard. */
  sequenceNumber: string;
  /** approximate_arrival_timestamp */
  arrival: Date;
  /** partition_key */
  partitionKey: string;
  /** kinesis_data */
  data: Buffer;
}

/**
 * Where a partition's reading stands: the position of the next record to read, as text (a Kafka
 * offset, or for Kinesis the sequence number of the last record read, prefixed "after:").
 * `undefined` means "from the earliest record the stream still holds".
 */
export type StreamPosition = string | undefined;

export interface PartitionBatch {
  /** Partition id as text: Kafka's partition number, or the Kinesis shard id. */
  partition: string;
  records: StreamRecord[];
  /** Position to commit after these records: reading resumes here. The position asked for when
   *  nothing was read, so `undefined` when a partition read from its start holds nothing yet. */
  next: StreamPosition;
  /** Records the stream no longer held between the position asked for and the first returned
   *  (retention, trimming). Reported, never silently skipped. `from` is the position asked for;
   *  for Kinesis `to` is "at:<sequence number>" of the first record returned, and the range is
   *  the records strictly between: Kinesis cannot say whether there were any, so a shard left
   *  quiet for longer than the retention period reports a range that may be empty. */
  lost?: { from: string; to: string };
}

export interface ReadLimits {
  /** Stop a partition's read after about this many records (the rest waits for the next call). */
  maxRecords: number;
  /** Stop a partition's read after about this many bytes of record data. */
  maxBytes: number;
  signal?: AbortSignal;
}

export interface StreamReader {
  /** Partition ids of the stream, in order. Fails with SQLSTATE 42704 naming the stream when the
   *  topic or stream does not exist, and 08001 naming the endpoint when it cannot be reached. */
  partitions(stream: string): Promise<string[]>;
  /**
   * Read each listed partition from its position up to the end as of this call (records that
   * arrive during the read may wait for the next call), within the limits.
   */
  read(
    stream: string,
    from: ReadonlyMap<string, StreamPosition>,
    limits: ReadLimits,
  ): Promise<PartitionBatch[]>;
  close(): Promise<void>;
}
