// Command-line arguments of bench/run.ts: the suite name, then `--key value`, `--key=value` or
// `--flag` options (a flag is followed by another option or nothing).
import type { BenchArgs } from './types.js';

export function parseArgs(argv: readonly string[]): { suite: string | undefined; args: BenchArgs } {
  const args: Record<string, string | true> = {};
  let suite: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      if (eq > 0) {
        args[a.slice(2, eq)] = a.slice(eq + 1);
      } else {
        const next = argv[i + 1];
        if (next !== undefined && !next.startsWith('--')) {
          args[a.slice(2)] = next;
          i++;
        } else args[a.slice(2)] = true;
      }
    } else if (suite === undefined) suite = a;
    else throw new Error(`unexpected argument "${a}"`);
  }
  return { suite, args };
}

/** Parses 200000, 200_000, 200,000, 200k or 6M. */
export function parseCount(text: string): number {
  const m = /^(\d+(?:\.\d+)?)([kKmM]?)$/.exec(text.replace(/[_,]/g, ''));
  if (!m) throw new Error(`not a count: "${text}"`);
  const mult = m[2] === '' ? 1 : /k/i.test(m[2]!) ? 1e3 : 1e6;
  return Math.round(Number(m[1]) * mult);
}
