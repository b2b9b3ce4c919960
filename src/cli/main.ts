#!/usr/bin/env node
// The lakeshift command: `start` runs a server (namespace + workgroup); `status` asks a running
// one for its health; `pause` and `resume` pause and resume it through its admin endpoint, as a
// superuser (LAKESHIFT_ADMIN_PASSWORD holds the password).
import { Command } from 'commander';
import { LakeshiftError, SqlState } from '../common/errors.js';
import { loadConfig } from './config.js';
import { startServer } from './start.js';
import { loadCommand, type LoadCommandOptions } from './load.js';

const program = new Command('lakeshift').description('A Redshift-compatible data warehouse');

program
  .command('start')
  .description('start a server on a namespace (created on first use), on the embedded defaults')
  .option('--config <file>', 'JSON file of settings (keys as below, camelCase)')
  .option('--data-dir <dir>', 'where the catalog, data files and logs live (./lakeshift-data)')
  .option('--host <host>', 'address to listen on (127.0.0.1)')
  .option('--port <port>', 'PostgreSQL wire port, 0 = any free port (5439)')
  .option('--admin-port <port>', 'HTTP port of /health, 0 = any free port (5440)')
  .option('--catalog <location>', 'SQLite file path or postgres:// URL (<data-dir>/catalog.db)')
  .option('--storage <url>', 'file:///dir or s3://bucket/prefix (<data-dir>/files)')
  .option('--tls-cert <file>', 'PEM certificate for TLS')
  .option('--tls-key <file>', 'PEM private key for TLS')
  .option('--tls-self-signed', 'serve TLS with a self-signed certificate made on first start')
  .option('--max-connections <n>', 'most concurrent sessions (500)')
  .option('--log-level <level>', 'fatal | error | warn | info | debug | trace | silent')
  .option(
    '--maintenance-window <window>',
    'weekly window in UTC, Redshift format ddd:hh24:mi-ddd:hh24:mi (e.g. sun:05:30-sun:06:00)',
  )
  .action(async (flags: Record<string, unknown>) => {
    const config = loadConfig(flags);
    const server = await startServer(config);
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      console.log(`lakeshift: ${signal} received, shutting down`);
      server.stop().then(
        () => process.exit(0),
        (e: unknown) => {
          console.error('lakeshift: shutdown failed:', e);
          process.exit(1);
        },
      );
    };
    process.on('SIGTERM', () => stop('SIGTERM'));
    process.on('SIGINT', () => stop('SIGINT'));
  });

program
  .command('status')
  .description("print a running server's health (exit code 0 when healthy)")
  .option('--host <host>', 'admin host', '127.0.0.1')
  .option('--admin-port <port>', 'admin port', '5440')
  .action(async (opts: { host: string; adminPort: string }) => {
    const url = `http://${opts.host}:${opts.adminPort}/health`;
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
      const body = (await res.json()) as Record<string, unknown>;
      console.log(JSON.stringify(body, null, 2));
      process.exit(res.ok ? 0 : 1);
    } catch (e) {
      throw new LakeshiftError(
        SqlState.connectionFailure,
        `no Lakeshift server answers at ${url}: ${(e as Error).message}`,
      );
    }
  });

/** POST /pause or /resume on a running server's admin endpoint, as a superuser. */
async function control(
  action: 'pause' | 'resume',
  opts: { host: string; adminPort: string; user: string },
): Promise<void> {
  const password = process.env['LAKESHIFT_ADMIN_PASSWORD'];
  if (password === undefined || password === '') {
    throw new LakeshiftError(
      SqlState.invalidPassword,
      `lakeshift ${action} needs the password of superuser ${opts.user} in LAKESHIFT_ADMIN_PASSWORD`,
    );
  }
  const url = `http://${opts.host}:${opts.adminPort}/${action}`;
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${opts.user}:${password}`).toString('base64')}`,
      },
      signal: AbortSignal.timeout(10_000),
    });
  } catch (e) {
    throw new LakeshiftError(
      SqlState.connectionFailure,
      `no Lakeshift server answers at ${url}: ${(e as Error).message}`,
    );
  }
  const body = (await res.json().catch(() => ({}))) as Record<string, unknown>;
  if (!res.ok) {
    throw new LakeshiftError(
      res.status === 401 || res.status === 403
        ? SqlState.insufficientPrivilege
        : SqlState.connectionFailure,
      `${url} answered ${res.status}: ${String(body['error'] ?? res.statusText)}`,
    );
  }
  console.log(JSON.stringify(body, null, 2));
}

for (const action of ['pause', 'resume'] as const) {
  program
    .command(action)
    .description(
      action === 'pause'
        ? 'pause a running server: only superusers connect, nothing is written (survives restarts)'
        : 'resume a paused server',
    )
    .option('--host <host>', 'admin host', '127.0.0.1')
    .option('--admin-port <port>', 'admin port', '5440')
    .option('--user <name>', 'a superuser (password in LAKESHIFT_ADMIN_PASSWORD)', 'admin')
    .action((opts: { host: string; adminPort: string; user: string }) => control(action, opts));
}

program
  .command('load')
  .description(
    'load a local file or directory into a table (COPY FROM STDIN in one transaction), with a progress bar',
  )
  .argument('<path>', 'a file, or a directory of files (.gz files are expanded)')
  .argument('<table>', 'the table, [schema.]name')
  .option('--host <host>', 'server host', '127.0.0.1')
  .option('--port <port>', 'server port', '5439')
  .option('--user <name>', 'user (password in PGPASSWORD or LAKESHIFT_PASSWORD)', 'admin')
  .option('--database <name>', 'database', 'dev')
  .option('--format <format>', 'csv or text (default: csv for .csv files, else text)')
  .option('--delimiter <c>', "field delimiter (default: ',' for CSV, '|' for .tbl, else tab)")
  .option('--header', 'the first line of each file is a header')
  .option('--null <text>', 'the text that means NULL')
  .action(async (path: string, table: string, opts: LoadCommandOptions) => {
    if (opts.format !== undefined && opts.format !== 'csv' && opts.format !== 'text') {
      throw new LakeshiftError(SqlState.invalidParameterValue, '--format must be csv or text');
    }
    await loadCommand(path, table, opts);
  });

program.parseAsync().catch((e: unknown) => {
  if (e instanceof LakeshiftError) {
    console.error(
      `lakeshift: ${e.message}${e.hint ? `\nhint: ${e.hint}` : ''} (SQLSTATE ${e.sqlstate})`,
    );
  } else console.error(e);
  process.exit(1);
});
