// A weekly maintenance window in Redshift's format `ddd:hh24:mi-ddd:hh24:mi` (UTC; days mon..sun,
// case-insensitive; at least 30 minutes; it may wrap the end of the week, as in
// `sun:23:30-mon:00:30`), and where a moment falls relative to it. Pure functions of their
// arguments: the clock is always passed in.
// https://docs.aws.amazon.com/redshift/latest/APIReference/API_ModifyCluster.html
// (PreferredMaintenanceWindow: "Format: ddd:hh24:mi-ddd:hh24:mi ... Constraints: Must be at least
// 30 minutes.")
import { LakeshiftError, SqlState } from '../common/errors.js';

export const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Day = (typeof DAYS)[number];

const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;
export const WEEK_MS = 7 * DAY_MS;
/** Redshift's shortest window. */
export const MIN_WINDOW_MINUTES = 30;

export interface MaintenanceWindow {
  /** The window as Redshift prints it, lower case: `sun:05:30-sun:06:00`. */
  readonly text: string;
  /** Where it starts, in milliseconds since Monday 00:00 UTC (0 ≤ startMs < WEEK_MS). */
  readonly startMs: number;
  /** How long it lasts, in milliseconds (30 minutes up to a minute short of a week). */
  readonly durationMs: number;
}

/** One occurrence of the window: from `start` (inclusive) to `end` (exclusive). */
export interface WindowOccurrence {
  start: Date;
  end: Date;
}

const FORMAT = /^([a-z]{3}):(\d{2}):(\d{2})-([a-z]{3}):(\d{2}):(\d{2})$/i;

function invalid(text: string, why: string): LakeshiftError {
  return new LakeshiftError(
    SqlState.invalidParameterValue,
    `invalid maintenance window "${text}": ${why}`,
    { hint: 'Give it as ddd:hh24:mi-ddd:hh24:mi in UTC, for example sun:05:30-sun:06:00.' },
  );
}

function point(text: string, day: string, hh: string, mi: string): number {
  const d = DAYS.indexOf(day.toLowerCase() as Day);
  if (d < 0) throw invalid(text, `"${day}" is not a day (mon, tue, wed, thu, fri, sat, sun)`);
  const hour = Number(hh);
  const minute = Number(mi);
  if (hour > 23) throw invalid(text, `hour ${hh} is out of range (00 to 23)`);
  if (minute > 59) throw invalid(text, `minute ${mi} is out of range (00 to 59)`);
  return d * DAY_MS + hour * 60 * MINUTE_MS + minute * MINUTE_MS;
}

/** Parses and validates a window; throws LakeshiftError 22023 naming what is wrong. */
export function parseMaintenanceWindow(text: string): MaintenanceWindow {
  const m = FORMAT.exec(text.trim());
  if (m === null) {
    throw invalid(text, 'expected the format ddd:hh24:mi-ddd:hh24:mi');
  }
  const [, d1 = '', h1 = '', m1 = '', d2 = '', h2 = '', m2 = ''] = m;
  const startMs = point(text, d1, h1, m1);
  const endMs = point(text, d2, h2, m2);
  const durationMs = (((endMs - startMs) % WEEK_MS) + WEEK_MS) % WEEK_MS;
  if (durationMs < MIN_WINDOW_MINUTES * MINUTE_MS) {
    throw invalid(
      text,
      `it lasts ${durationMs / MINUTE_MS} minutes; a window must last at least ` +
        `${MIN_WINDOW_MINUTES} minutes`,
    );
  }
  const canonical = `${d1}:${h1}:${m1}-${d2}:${h2}:${m2}`.toLowerCase();
  return { text: canonical, startMs, durationMs };
}

/** Milliseconds since the Monday 00:00 UTC that starts the week of `at`. */
export function weekOffset(at: Date): number {
  const t = at.getTime();
  const dayOfWeek = (at.getUTCDay() + 6) % 7; // Monday = 0
  return dayOfWeek * DAY_MS + (((t % DAY_MS) + DAY_MS) % DAY_MS);
}

/** The occurrences that can contain or follow `at`: last week's, this week's, next week's. */
function occurrences(w: MaintenanceWindow, at: Date): WindowOccurrence[] {
  const weekStart = at.getTime() - weekOffset(at);
  return [-1, 0, 1].map((k) => {
    const start = weekStart + k * WEEK_MS + w.startMs;
    return { start: new Date(start), end: new Date(start + w.durationMs) };
  });
}

/** The occurrence of the window that `at` is inside, if any (start inclusive, end exclusive). */
export function occurrenceAt(w: MaintenanceWindow, at: Date): WindowOccurrence | undefined {
  const t = at.getTime();
  return occurrences(w, at).find((o) => o.start.getTime() <= t && t < o.end.getTime());
}

/** The first occurrence that starts after `at` (strictly later). */
export function nextOccurrence(w: MaintenanceWindow, at: Date): WindowOccurrence {
  const t = at.getTime();
  return occurrences(w, at).find((o) => o.start.getTime() > t)!;
}

/** `2026-12-13 06:00 UTC`: how messages name a moment (windows are whole minutes). */
export function formatUtc(at: Date): string {
  return `${at.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
