// Who is measured against whom. A subject is one server (and table) a benchmark queries; with
// Lakeshift present it is the measurement and the PostgreSQL subjects are its anchors, measured in
// the same run; without it (--target postgres) each subject is reported on its own, without
// anchors or targets (the targets are Lakeshift's).
import type { Measurement, Target } from '../../lib/types.js';
import type { Endpoint } from './servers.js';

export interface Subject {
  /** 'Lakeshift', 'PostgreSQL 15 (no index on id)' … */
  label: string;
  /** For the chart. */
  short: string;
  endpoint: Endpoint;
  table: string;
}

export interface Figure {
  subject: Subject;
  value: number;
  samples?: number[];
}

export interface MeasurementSpec {
  /** The measurement's name; `who` is the measured subject's label. */
  name: (who: string) => string;
  short?: (who: string) => string;
  unit: string;
  /** Applies when Lakeshift is the measured subject. */
  target?: Target;
  note?: string;
}

export function compare(figures: readonly Figure[], spec: MeasurementSpec): Measurement[] {
  const [first, ...rest] = figures;
  if (first === undefined) return [];
  const one = (f: Figure, anchors: Figure[]): Measurement => ({
    name: spec.name(f.subject.label),
    ...(spec.short ? { short: spec.short(f.subject.short) } : {}),
    value: f.value,
    unit: spec.unit,
    ...(anchors.length
      ? {
          anchors: anchors.map((a) => ({
            label: a.subject.label,
            short: a.subject.short,
            value: a.value,
          })),
        }
      : {}),
    ...(spec.target && f.subject.endpoint.system === 'Lakeshift' ? { target: spec.target } : {}),
    ...(f.samples ? { samples: f.samples } : {}),
    ...(spec.note ? { note: spec.note } : {}),
  });
  if (first.subject.endpoint.system === 'Lakeshift') return [one(first, rest)];
  return figures.map((f) => one(f, []));
}
