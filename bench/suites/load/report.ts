// The load suite's figures: rows/s per load path, each Lakeshift path beside the DuckDB and the
// PostgreSQL loads of the same file (two rows, one per target), a table of every path in seconds
// and rows/s, and, where a target is missed, the phases of a COPY FROM STDIN seen from the client.
import { formatNumber, formatRatio } from '../../lib/format.js';
import { median, type Timing } from '../../lib/timing.js';
import type { Anchor, Measurement, Target } from '../../lib/types.js';
import { passes } from '../../lib/types.js';
import { checksumDiff, type Checksum } from './checksum.js';
import type { LoadPath, Phases } from './paths.js';

export interface Outcome {
  path: LoadPath;
  /** Why the path was not timed (the server refused the statement), instead of timing. */
  missing?: string;
  timing?: Timing;
  phases: Phases[];
  /** What the table held after the path's last load (checked equal to the file's). */
  checksum?: Checksum;
}

/** Targets of the issue: COPY ≥ 0.8× DuckDB's native load, ≥ 3× PostgreSQL's COPY (rows/s). */
export const VS_DUCKDB: Target = { on: 'ratio', op: '>=', threshold: 0.8 };
export const VS_POSTGRES: Target = { on: 'ratio', op: '>=', threshold: 3 };

/** Each Lakeshift path and the paths it is compared with, first anchor first. */
const COMPARISONS: readonly {
  path: string;
  duckdb: string[];
  postgres: string[];
  targets: boolean;
}[] = [
  {
    path: 'lakeshift-stdin',
    duckdb: ['duckdb-csv', 'duckdb-parquet'],
    postgres: ['postgres-stdin', 'postgres-stdin-pk'],
    targets: true,
  },
  {
    path: 'lakeshift-psql',
    duckdb: ['duckdb-csv'],
    postgres: ['postgres-psql', 'postgres-stdin-pk'],
    targets: true,
  },
  {
    path: 'lakeshift-file-tbl',
    duckdb: ['duckdb-csv'],
    postgres: ['postgres-stdin', 'postgres-stdin-pk'],
    targets: true,
  },
  {
    path: 'lakeshift-file-parquet',
    duckdb: ['duckdb-parquet', 'duckdb-csv'],
    postgres: ['postgres-stdin', 'postgres-stdin-pk'],
    targets: true,
  },
  {
    path: 'lakeshift-stdin-nosort',
    duckdb: ['duckdb-csv'],
    postgres: ['postgres-stdin'],
    targets: false,
  },
];

export function rowsPerSecond(rows: number, t: Timing): number {
  return rows / (t.medianMs / 1000);
}

export function loadMeasurements(outcomes: readonly Outcome[], rows: number): Measurement[] {
  const byId = new Map(outcomes.map((o) => [o.path.id, o]));
  const anchorsOf = (ids: readonly string[]): Anchor[] =>
    ids.flatMap((id) => {
      const o = byId.get(id);
      return o?.timing
        ? [{ label: o.path.label, short: o.path.short, value: rowsPerSecond(rows, o.timing) }]
        : [];
    });
  const out: Measurement[] = [];
  for (const c of COMPARISONS) {
    const o = byId.get(c.path);
    if (o === undefined) continue;
    const value = o.timing ? rowsPerSecond(rows, o.timing) : NaN;
    const row = (
      against: string,
      anchors: Anchor[],
      target: Target | undefined,
      samples = true,
    ): Measurement => ({
      name: `${o.path.label}${against}`,
      short: `${o.path.short}${against}`,
      value,
      unit: 'rows/s',
      ...(anchors.length ? { anchors } : {}),
      ...(target && c.targets ? { target } : {}),
      ...(o.timing && samples ? { samples: o.timing.samplesMs } : {}),
      ...(o.missing !== undefined ? { missing: o.missing } : {}),
    });
    if (!c.targets) {
      out.push(row('', anchorsOf([...c.duckdb, ...c.postgres]), undefined));
      continue;
    }
    out.push(row(' vs DuckDB', anchorsOf(c.duckdb), VS_DUCKDB));
    out.push(row(' vs PostgreSQL', anchorsOf(c.postgres), VS_POSTGRES, false));
  }
  return out;
}

/** Every path in seconds and rows/s, the anchors included, and what its table held. */
export function pathsTable(
  outcomes: readonly Outcome[],
  rows: number,
  tblBytes: number,
  expected: Checksum,
): string {
  const s = (ms: number) => formatNumber(ms / 1000);
  const lines = [
    '| Path | Median s | Rows/s | .tbl MB/s | Runs (s) | count(*) | Checksum |',
    '| --- | ---: | ---: | ---: | --- | ---: | --- |',
    ...outcomes.map((o) => {
      const label = o.path.label.replace(/\|/g, '\\|');
      const t = o.timing;
      if (t === undefined) return `| ${label} | ${o.missing} | | | | | |`;
      const c = o.checksum;
      const same = c === undefined ? '—' : (checksumDiff(c, expected) ?? "= the file's");
      return `| ${label} | ${s(t.medianMs)} | ${formatNumber(Math.round(rowsPerSecond(rows, t)))} | ${formatNumber(tblBytes / 1e6 / (t.medianMs / 1000))} | ${t.samplesMs.map(s).join(', ')} | ${c ? formatNumber(Number(c.n)) : '—'} | ${same} |`;
    }),
  ];
  return lines.join('\n');
}

/**
 * Where the time of the COPY FROM STDIN paths went, from the client's side: streaming (until
 * the socket took the last byte) and finishing (CopyDone to CommandComplete); medians of the
 * timed runs. Written when a Lakeshift target is missed.
 */
export function phasesNote(outcomes: readonly Outcome[], measurements: Measurement[]): string[] {
  const missed = measurements.filter((m) => passes(m) === false);
  if (missed.length === 0) return [];
  const timed = outcomes.filter((o) => o.phases.length > 0 && o.timing);
  const s = (ms: number) => formatNumber(ms / 1000);
  const med = (o: Outcome, k: keyof Phases) => median(o.phases.map((p) => p[k]));
  const table = [
    '| COPY FROM STDIN path | Total s | Streaming s | After CopyDone s | After CopyDone, share |',
    '| --- | ---: | ---: | ---: | ---: |',
    ...timed.map((o) => {
      const total = o.timing!.medianMs;
      const finish = med(o, 'finishMs');
      return `| ${o.path.label} | ${s(total)} | ${s(med(o, 'streamMs'))} | ${s(finish)} | ${Math.round((100 * finish) / total)} % |`;
    }),
  ].join('\n');
  const find = (id: string) => timed.find((o) => o.path.id === id);
  const facts: string[] = [];
  const lake = find('lakeshift-stdin');
  const pg = find('postgres-stdin');
  const duck = outcomes.find((o) => o.path.id === 'duckdb-csv' && o.timing);
  if (lake) {
    facts.push(
      `Lakeshift spends ${s(med(lake, 'streamMs'))} s taking the file in (src/session/copy.ts writes the CopyData payloads to a spool file while checking that DuckDB's CSV reader may read them) and ${s(med(lake, 'finishMs'))} s after CopyDone (DuckDB's read_csv over the spool and the casts to the column types, written straight to one Parquet file ordered by the sort key with the writer's column statistics, then the commit).`,
    );
    if (duck)
      facts.push(
        `DuckDB's read_csv of the same file into a native table takes ${s(duck.timing!.medianMs)} s in all; Lakeshift's streaming phase alone is ${formatRatio(med(lake, 'streamMs') / duck.timing!.medianMs)} of that.`,
      );
    const nosort = find('lakeshift-stdin-nosort');
    if (nosort)
      facts.push(
        `Into a table without a sort key the phase after CopyDone takes ${s(med(nosort, 'finishMs'))} s instead of ${s(med(lake, 'finishMs'))} s (total ${s(nosort.timing!.medianMs)} s instead of ${s(lake.timing!.medianMs)} s).`,
      );
  }
  if (pg)
    facts.push(
      `PostgreSQL inserts the rows while they stream in: ${s(med(pg, 'streamMs'))} s streaming, ${s(med(pg, 'finishMs'))} s after CopyDone.`,
    );
  return [
    `**Where the time goes** (targets missed: ${missed.map((m) => m.name).join('; ')}). Phases of the COPY FROM STDIN runs as the client sees them: streaming = from sending the statement until the socket accepted the file's last byte (up to a few MB may still sit in socket buffers), after CopyDone = from then until the server's CommandComplete. Medians of the timed runs.\n\n${table}`,
    ...(facts.length ? [facts.join(' ')] : []),
  ];
}
