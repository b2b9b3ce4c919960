#!/usr/bin/env node
// The lakeshift command. For now `start` opens (creating on first use) the default namespace
// and reports where its catalog and files are; the wire endpoint comes with the server.
import { Command } from 'commander';
import { resolve, join } from 'node:path';
import { Lake } from '../storage/index.js';
import { LakeshiftError } from '../common/errors.js';

const program = new Command('lakeshift').description('A Redshift-compatible data warehouse');

program
  .command('start')
  .description('open (and on first use create) a namespace on its embedded defaults')
  .option('--data-dir <dir>', 'where the catalog and data files live', './lakeshift-data')
  .option(
    '--catalog <location>',
    'SQLite file path or postgres:// URL (default: <data-dir>/catalog.db)',
  )
  .option('--storage <url>', 'file:///dir or s3://bucket/prefix (default: <data-dir>/files)')
  .action(async (opts: { dataDir: string; catalog?: string; storage?: string }) => {
    const dataDir = resolve(opts.dataDir);
    const lake = await Lake.open({
      catalog: opts.catalog ?? join(dataDir, 'catalog.db'),
      storage: opts.storage ?? join(dataDir, 'files'),
    });
    const snapshots = await lake.snapshots();
    console.log(
      `lakeshift: namespace ready — catalog ${lake.db.location}, files ${lake.store.url}`,
    );
    console.log(
      `lakeshift: ${snapshots.length} snapshot(s), newest ${snapshots.at(-1)?.snapshotId ?? 0}`,
    );
    console.log(
      'lakeshift: the PostgreSQL wire endpoint (port 5439) is not built yet; see the issues.',
    );
    await lake.close();
  });

program.parseAsync().catch((e: unknown) => {
  if (e instanceof LakeshiftError) {
    console.error(
      `lakeshift: ${e.message}${e.hint ? `\nhint: ${e.hint}` : ''} (SQLSTATE ${e.sqlstate})`,
    );
  } else console.error(e);
  process.exit(1);
});
