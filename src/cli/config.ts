// Server settings from, in order of precedence: command-line flags, LAKESHIFT_* environment
// variables, a JSON config file (--config or LAKESHIFT_CONFIG), and the embedded defaults.
// Every value is validated; a bad one stops the start with a message naming where it came from.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { LakeshiftError, SqlState, messageOf } from '../common/errors.js';
import { parseMaintenanceWindow } from '../ops/maintenance-window.js';

const port = z.coerce.number().int().min(0).max(65535);
const bool = z.union([
  z.boolean(),
  z
    .string()
    .toLowerCase()
    .refine((s) => ['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'].includes(s), {
      message: 'expected true or false',
    })
    .transform((s) => ['true', '1', 'yes', 'on'].includes(s)),
]);

const SCHEMA = z
  .object({
    dataDir: z.string().min(1),
    host: z.string().min(1),
    port,
    adminPort: port,
    catalog: z.string().min(1).optional(),
    storage: z.string().min(1).optional(),
    tlsCert: z.string().min(1).optional(),
    tlsKey: z.string().min(1).optional(),
    tlsSelfSigned: bool,
    maxConnections: z.coerce.number().int().min(1).max(100_000),
    shutdownGraceMs: z.coerce.number().int().min(0),
    logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
    duckdbThreads: z.coerce.number().int().min(1).max(1024).optional(),
    duckdbMemoryLimit: z.string().min(1).optional(),
    // S3 for COPY and UNLOAD (and the SDK's AWS_* settings where these are absent).
    awsS3Endpoint: z.url().optional(),
    awsRegion: z.string().min(1).optional(),
    /** Kinesis endpoint for external schemas FROM KINESIS (else AWS_ENDPOINT_URL_KINESIS ...). */
    awsKinesisEndpoint: z.url().optional(),
    /** Bootstrap brokers ('host:port,...') per MSK CLUSTER_ARN (JSON config only). */
    kafkaClusters: z.record(z.string(), z.string().min(1)).optional(),
    awsAccessKeyId: z.string().min(1).optional(),
    awsSecretAccessKey: z.string().min(1).optional(),
    /** Credentials per IAM role ARN, for IAM_ROLE 'arn:…' (JSON config only). */
    awsRoles: z
      .record(
        z.string(),
        z.object({
          accessKeyId: z.string().min(1),
          secretAccessKey: z.string().min(1),
          sessionToken: z.string().min(1).optional(),
        }),
      )
      .optional(),
    /** Redshift's weekly window, `ddd:hh24:mi-ddd:hh24:mi` in UTC (src/ops/maintenance-window.ts). */
    /** How often AUTO ON copy jobs look for new objects, in seconds (default 30). */
    copyJobPollSeconds: z.coerce.number().positive().max(86_400),
    /** How often AUTO REFRESH materialized views are checked for changed base data, in seconds. */
    mvAutoRefreshSeconds: z.coerce.number().positive().max(86_400),
    maintenanceWindow: z
      .string()
      .superRefine((text, ctx) => {
        try {
          parseMaintenanceWindow(text);
        } catch (e) {
          ctx.addIssue({ code: 'custom', message: messageOf(e) });
        }
      })
      .transform((text) => parseMaintenanceWindow(text).text)
      .optional(),
  })
  .strict();

export type ServerConfig = z.infer<typeof SCHEMA> & {
  /** Resolved locations. */
  catalogLocation: string;
  storageLocation: string;
};

type Key = keyof z.infer<typeof SCHEMA>;

const DEFAULTS: Partial<Record<Key, unknown>> = {
  dataDir: './lakeshift-data',
  host: '127.0.0.1',
  port: 5439,
  adminPort: 5440,
  tlsSelfSigned: false,
  maxConnections: 500,
  shutdownGraceMs: 30_000,
  logLevel: 'info',
  copyJobPollSeconds: 30,
  mvAutoRefreshSeconds: 1,
};

/** LAKESHIFT_DATA_DIR ← dataDir and so on. */
export function envName(key: string): string {
  return 'LAKESHIFT_' + key.replace(/[A-Z]/g, (c) => '_' + c).toUpperCase();
}

export function loadConfig(
  flags: Partial<Record<Key | 'config', unknown>>,
  env: NodeJS.ProcessEnv = process.env,
): ServerConfig {
  const sources = new Map<string, string>();
  const merged: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(DEFAULTS)) {
    merged[k] = v;
    sources.set(k, 'the default');
  }
  const configPath = (flags.config as string | undefined) ?? env['LAKESHIFT_CONFIG'];
  if (configPath !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(configPath, 'utf8'));
    } catch (e) {
      throw new LakeshiftError(
        SqlState.configFileError,
        `cannot read the config file ${configPath}: ${(e as Error).message}`,
      );
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new LakeshiftError(
        SqlState.configFileError,
        `the config file ${configPath} must hold a JSON object`,
      );
    }
    for (const [k, v] of Object.entries(parsed)) {
      merged[k] = v;
      sources.set(k, `the config file ${configPath}`);
    }
  }
  for (const key of Object.keys(SCHEMA.shape)) {
    const value = env[envName(key)];
    if (value !== undefined && value !== '') {
      merged[key] = value;
      sources.set(key, envName(key));
    }
  }
  for (const [k, v] of Object.entries(flags)) {
    if (k === 'config' || v === undefined) continue;
    merged[k] = v;
    sources.set(k, `--${k.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase())}`);
  }
  const result = SCHEMA.safeParse(merged);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const key = String(issue.path[0] ?? '');
    const where = sources.get(key);
    const message =
      issue.code === 'unrecognized_keys'
        ? `unknown setting ${issue.keys.join(', ')}${configPath ? ` in ${configPath}` : ''}`
        : `invalid setting ${key}${where ? ` (from ${where})` : ''}: ${issue.message}` +
          (key in merged ? `, got ${JSON.stringify(merged[key])}` : '');
    throw new LakeshiftError(SqlState.configFileError, message);
  }
  const config = result.data;
  if ((config.tlsCert === undefined) !== (config.tlsKey === undefined)) {
    throw new LakeshiftError(
      SqlState.configFileError,
      'invalid TLS settings: give both --tls-cert and --tls-key, or neither',
    );
  }
  if (config.tlsSelfSigned && config.tlsCert !== undefined) {
    throw new LakeshiftError(
      SqlState.configFileError,
      'invalid TLS settings: --tls-self-signed and --tls-cert/--tls-key exclude each other',
    );
  }
  if ((config.awsAccessKeyId === undefined) !== (config.awsSecretAccessKey === undefined)) {
    throw new LakeshiftError(
      SqlState.configFileError,
      'invalid AWS settings: give both awsAccessKeyId and awsSecretAccessKey, or neither',
    );
  }
  const dataDir = resolve(config.dataDir);
  return {
    ...config,
    dataDir,
    catalogLocation: config.catalog ?? join(dataDir, 'catalog.db'),
    storageLocation: config.storage ?? join(dataDir, 'files'),
  };
}
