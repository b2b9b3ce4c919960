// Starts a real S3 API server (the s3rver package) on 127.0.0.1 and a free port, with its data
// in a fresh temp directory and one bucket created, for tests of S3 code paths.
//
// It runs in a child process started with --openssl-legacy-provider: s3rver encrypts its
// ListObjectsV2 continuation tokens with DES, which OpenSSL 3 (Node >= 17) refuses without that
// flag, so in-process every truncated listing (more than max-keys objects) fails with a 500
// (https://github.com/jamhall/s3rver/issues/818). A child process also keeps s3rver's logger and
// sockets out of the test process.

import { spawn } from 'node:child_process';
import { S3Client } from '@aws-sdk/client-s3';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** s3rver accepts any well-formed signature; these are the credentials its README suggests. */
export const S3RVER_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;

export interface RunningS3rver {
  /** http://127.0.0.1:PORT — use with forcePathStyle, since buckets cannot be IP subdomains. */
  endpoint: string;
  bucket: string;
  credentials: typeof S3RVER_CREDENTIALS;
  /** An AWS SDK client for this server (the caller destroys it). */
  client(): S3Client;
  /** Stops the server (dropping open connections) and removes its data. */
  stop(): Promise<void>;
}

// The child: argv = [s3rver module path, data directory, bucket]. Options as in s3rver's README
// ("new S3rver([options])"); run() resolves to the bound address. It exits with its parent.
const CHILD_SCRIPT = `
const [modulePath, directory, bucket] = process.argv.slice(1);
const S3rver = require(modulePath);
const server = new S3rver({
  address: '127.0.0.1',
  port: 0,
  silent: true,
  directory,
  configureBuckets: [{ name: bucket, configs: [] }],
});
process.on('disconnect', () => process.exit(0));
server.run().then(
  (address) => process.send({ port: address.port }),
  (error) => { console.error(error); process.exit(1); },
);
`;

export async function startS3rver(bucket = 'lakeshift-test'): Promise<RunningS3rver> {
  const modulePath = createRequire(import.meta.url).resolve('s3rver');
  const directory = await mkdtemp(join(tmpdir(), 'lakeshift-s3rver-'));
  const flags = process.allowedNodeEnvironmentFlags.has('--openssl-legacy-provider')
    ? ['--openssl-legacy-provider']
    : [];
  const child = spawn(
    process.execPath,
    [...flags, '-e', CHILD_SCRIPT, modulePath, directory, bucket],
    { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let port: number;
  try {
    port = await new Promise<number>((resolve, reject) => {
      child.once('message', (message) => resolve((message as { port: number }).port));
      child.once('error', reject);
      child.once('exit', (code) =>
        reject(new Error(`s3rver exited with code ${code} before listening`)),
      );
    });
  } catch (e) {
    await rm(directory, { recursive: true, force: true });
    throw e;
  }
  // A test that forgets stop() must not keep the test process alive; the child exits with it.
  child.unref();
  child.channel?.unref();
  return {
    endpoint: `http://127.0.0.1:${port}`,
    bucket,
    credentials: S3RVER_CREDENTIALS,
    client: () =>
      new S3Client({
        endpoint: `http://127.0.0.1:${port}`,
        region: 'us-east-1',
        forcePathStyle: true,
        credentials: S3RVER_CREDENTIALS,
      }),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.ref(); // keep this process alive until the child has gone
        child.kill('SIGTERM');
      }
      await exited;
      await rm(directory, { recursive: true, force: true });
    },
  };
}
