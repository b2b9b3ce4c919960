// The concurrency suite's figures: per phase the throughput (answered queries / phase time) and
// latency percentiles over every answered query, Lakeshift's phases measured beside the anchors
// (DuckDB in process, PostgreSQL when it ran); per-query tables and the errors, if any.
import { formatNumber } from '../../lib/format.js';
import type { Anchor, Measurement } from '../../lib/types.js';
import { percentile } from '../wire/clients.js';
import type { Contestant, PhaseResult, QueryStats } from './sessions.js';

/** A contestant's phases over all rounds, merged. */
export interface Totals {
  contestant: Contestant;
  sessions: number;
  elapsedMs: number;
  tailMs: number;
  abandoned: number;
  byQuery: Map<string, QueryStats>;
}

export function emptyTotals(contestant: Contestant, mix: readonly string[]): Totals {
  return {
    contestant,
    sessions: 0,
    elapsedMs: 0,
    tailMs: 0,
    abandoned: 0,
    byQuery: new Map(mix.map((q) => [q, { latenciesMs: [], errors: new Map() }])),
  };
}

export function addPhase(t: Totals, r: PhaseResult): void {
  t.sessions = r.sessions;
  t.elapsedMs += r.elapsedMs;
  t.tailMs = Math.max(t.tailMs, r.tailMs);
  t.abandoned += r.abandoned;
  for (const [q, s] of r.byQuery) {
    const mine = t.byQuery.get(q)!;
    mine.latenciesMs.push(...s.latenciesMs);
    for (const [m, n] of s.errors) mine.errors.set(m, (mine.errors.get(m) ?? 0) + n);
  }
}

const allLatencies = (t: Totals) => [...t.byQuery.values()].flatMap((s) => s.latenciesMs);
const answered = (t: Totals) => allLatencies(t).length;
const errorCount = (t: Totals) =>
  [...t.byQuery.values()].reduce(
    (n, s) => n + [...s.errors.values()].reduce((a, b) => a + b, 0),
    0,
  );

export function throughput(t: Totals): number {
  return answered(t) / (t.elapsedMs / 1000);
}

function latency(t: Totals, p: number): number {
  const all = allLatencies(t);
  return all.length ? percentile(all, p) : NaN;
}

/** Lakeshift's phase with the anchors' figures of the same kind beside it. */
export function phaseMeasurements(lakeshift: Totals, anchors: readonly Totals[]): Measurement[] {
  const c = lakeshift.contestant;
  const figure = (
    what: string,
    unit: string,
    value: (t: Totals) => number,
    short: string,
  ): Measurement => {
    const a: Anchor[] = anchors
      .filter((t) => answered(t) > 0)
      .map((t) => ({ label: t.contestant.label, short: t.contestant.short, value: value(t) }));
    const v = value(lakeshift);
    return {
      name: `${c.label}: ${what}, ${lakeshift.sessions} sessions`,
      short: `${c.short}: ${short}`,
      value: v,
      unit,
      ...(a.length ? { anchors: a } : {}),
      ...(Number.isFinite(v) ? {} : { missing: 'no query answered' }),
    };
  };
  return [
    figure('queries/s', 'queries/s', throughput, 'queries/s'),
    ...[50, 95, 99].map((p) => figure(`p${p} latency`, 'ms', (t) => latency(t, p), `p${p}`)),
  ];
}

/** Per query: answered, errors and latency percentiles, one column group per contestant. */
export function perQueryTable(mix: readonly string[], totals: readonly Totals[]): string {
  const f = (x: number) => (Number.isFinite(x) ? formatNumber(x) : '—');
  const head = totals.map((t) => t.contestant.short);
  const lines = [
    `| Query | ${head.map((h) => `${h}: answered (errors) | p50 ms | p95 ms`).join(' | ')} |`,
    `| --- | ${head.map(() => '---: | ---: | ---:').join(' | ')} |`,
  ];
  for (const q of mix) {
    const cells = totals.map((t) => {
      const s = t.byQuery.get(q)!;
      const errors = [...s.errors.values()].reduce((a, b) => a + b, 0);
      const l = s.latenciesMs;
      return `${formatNumber(l.length)}${errors ? ` (${formatNumber(errors)})` : ''} | ${f(l.length ? percentile(l, 50) : NaN)} | ${f(l.length ? percentile(l, 95) : NaN)}`;
    });
    lines.push(`| ${q} | ${cells.join(' | ')} |`);
  }
  const sums = totals.map(
    (t) =>
      `${formatNumber(answered(t))}${errorCount(t) ? ` (${formatNumber(errorCount(t))})` : ''} | ${f(latency(t, 50))} | ${f(latency(t, 95))}`,
  );
  lines.push(`| all | ${sums.join(' | ')} |`);
  return lines.join('\n');
}

/** Each phase's time, tail and abandoned sessions; the errors by contestant and query. */
export function phaseNotes(totals: readonly Totals[]): string[] {
  const lines = totals.map(
    (t) =>
      `- ${t.contestant.label}: ${formatNumber(answered(t))} queries answered in ${formatNumber(t.elapsedMs / 1000)} s (the last query in flight answered ${formatNumber(t.tailMs / 1000)} s after the deadline), ${formatNumber(errorCount(t))} errors${t.abandoned ? `, ${t.abandoned} session(s) gave up after 20 errors in a row` : ''}`,
  );
  const errors = totals.flatMap((t) =>
    [...t.byQuery].flatMap(([q, s]) =>
      [...s.errors].map(([m, n]) => `- ${t.contestant.label}, ${q}: ${formatNumber(n)} × ${m}`),
    ),
  );
  return [
    `Phases:\n${lines.join('\n')}`,
    ...(errors.length ? [`**Errors** (count × SQLSTATE and message):\n${errors.join('\n')}`] : []),
  ];
}
