// Multipart upload of a local file: CreateMultipartUpload, UploadPart for each slice (a few at a
// time, each read into memory so that its payload is signed like any small request), then
// CompleteMultipartUpload. Any failure aborts the upload so no orphaned parts keep costing money.
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/mpuoverview.html

import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import type { CompletedPart, S3Client } from '@aws-sdk/client-s3';
import { open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';

/** S3 allows at most 10,000 parts, each at least 5 MiB except the last. */
export const MAX_PARTS = 10_000;
export const MIN_PART_BYTES = 5 * 1024 * 1024;

export interface MultipartUpload {
  client: S3Client;
  bucket: string;
  objectKey: string;
  localPath: string;
  size: number;
  partSizeBytes: number;
  concurrency: number;
}

async function readSlice(file: FileHandle, offset: number, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  let filled = 0;
  while (filled < length) {
    const { bytesRead } = await file.read(buffer, filled, length - filled, offset + filled);
    if (bytesRead === 0) throw new Error(`file ended at byte ${offset + filled}, expected more`);
    filled += bytesRead;
  }
  return buffer;
}

export async function uploadMultipart(upload: MultipartUpload): Promise<void> {
  const { client, bucket, objectKey: Key, size } = upload;
  // Grow parts for huge files rather than exceed the part count limit.
  const partSize = Math.max(upload.partSizeBytes, Math.ceil(size / MAX_PARTS));
  const partCount = Math.max(1, Math.ceil(size / partSize));

  const created = await client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key }));
  const UploadId = created.UploadId;
  if (UploadId === undefined) throw new Error('CreateMultipartUpload returned no UploadId');

  const file = await open(upload.localPath, 'r');
  try {
    const parts: CompletedPart[] = new Array<CompletedPart>(partCount);
    let next = 0;
    let failed = false;
    const worker = async (): Promise<void> => {
      try {
        while (!failed && next < partCount) {
          const index = next++;
          const offset = index * partSize;
          const Body = await readSlice(file, offset, Math.min(partSize, size - offset));
          const PartNumber = index + 1;
          const result = await client.send(
            new UploadPartCommand({ Bucket: bucket, Key, UploadId, PartNumber, Body }),
          );
          parts[index] = { ETag: result.ETag, PartNumber };
        }
      } catch (e) {
        failed = true; // the other workers stop taking parts
        throw e;
      }
    };
    const workers = Array.from({ length: Math.min(upload.concurrency, partCount) }, worker);
    const outcomes = await Promise.allSettled(workers);
    const rejected = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
    if (rejected !== undefined) throw rejected.reason;

    await client.send(
      new CompleteMultipartUploadCommand({
        Bucket: bucket,
        Key,
        UploadId,
        MultipartUpload: { Parts: parts },
      }),
    );
  } catch (e) {
    // Best effort: the original failure is what the caller needs to see.
    await client
      .send(new AbortMultipartUploadCommand({ Bucket: bucket, Key, UploadId }))
      .catch(() => undefined);
    throw e;
  } finally {
    await file.close();
  }
}
