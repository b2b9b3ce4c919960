// Generates TPC-H data for the benchmark suites ahead of a run (they generate it on first use
// otherwise): `npx tsx bench/tpch-data.ts --sf 1 [--seed N] [--dir DIR]`.
import { parseArgs } from './lib/args.js';
import { ensureTpchDataset } from './lib/tpch-dataset.js';

const { args } = parseArgs(['tpch-data', ...process.argv.slice(2)]);
const scale = Number(args.sf ?? '0.01');
const seed = typeof args.seed === 'string' ? Number(args.seed) : undefined;
const root = typeof args.dir === 'string' ? args.dir : undefined;
const data = await ensureTpchDataset({
  scale,
  seed,
  root,
  progress: (m) => process.stderr.write(`${m}\n`),
});
for (const t of data.tables) process.stdout.write(`${t.name}\t${t.rows}\t${t.tbl}\t${t.parquet}\n`);
