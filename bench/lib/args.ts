// Command-line arguments of bench/run.ts: the suite name, then `--key value`, `--key=value` or
// `--flag` options (a flag is followed by another option or nothing).
import type { BenchArgs, SuiteContext } from './types.js';

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

/** The text of a `--key value` option, or undefined when absent; a bare `--key` is an error. */
export function stringArg(args: BenchArgs, key: string): string | undefined {
  const v = args[key];
  if (v === true) throw new Error(`--${key} needs a value`);
  return v;
}

/** A number that may have a fraction (a TPC-H scale factor such as 0.01), or `fallback`. */
export function numberArg(args: BenchArgs, key: string, fallback: number): number {
  const text = stringArg(args, key);
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${key}: not a positive number: "${text}"`);
  return n;
}

/** A comma-separated list (`--clients 1,32,128`), or `fallback`. */
export function listArg(args: BenchArgs, key: string, fallback: readonly string[]): string[] {
  const text = stringArg(args, key);
  if (text === undefined) return [...fallback];
  return text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** The TPC-H data set a suite runs on: --sf (default 1, --quick 0.01), --seed (the generator's). */
export function tpchArgs(ctx: SuiteContext): { sf: number; seed: number | undefined } {
  const seed = stringArg(ctx.args, 'seed');
  return {
    sf: numberArg(ctx.args, 'sf', ctx.quick ? 0.01 : 1),
    seed: seed === undefined ? undefined : parseCount(seed),
  };
}
