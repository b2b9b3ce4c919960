import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { isLakeshiftError } from '../common/errors.js';
import {
  WEEK_MS,
  formatUtc,
  nextOccurrence,
  occurrenceAt,
  parseMaintenanceWindow,
  weekOffset,
} from './maintenance-window.js';

const at = (iso: string) => new Date(iso);
// 2026-12-13 is a Sunday, 2026-12-14 a Monday.

test('parses Redshift’s format, days case-insensitive, and prints it lower case', () => {
  const w = parseMaintenanceWindow('SUN:05:30-Sun:06:00');
  assert.equal(w.text, 'sun:05:30-sun:06:00');
  assert.equal(w.startMs, (6 * 24 * 60 + 5 * 60 + 30) * 60_000);
  assert.equal(w.durationMs, 30 * 60_000);
  assert.equal(parseMaintenanceWindow(' mon:00:00-tue:00:00 ').durationMs, 24 * 3600_000);
});

test('invalid windows are refused with what is wrong', () => {
  const rejects = (text: string, message: string) =>
    assert.throws(
      () => parseMaintenanceWindow(text),
      (e: unknown) => isLakeshiftError(e, '22023') && e.message === message,
    );
  rejects(
    'sun:5:30-sun:06:00',
    'invalid maintenance window "sun:5:30-sun:06:00": expected the format ddd:hh24:mi-ddd:hh24:mi',
  );
  rejects(
    'sunday',
    'invalid maintenance window "sunday": expected the format ddd:hh24:mi-ddd:hh24:mi',
  );
  rejects('', 'invalid maintenance window "": expected the format ddd:hh24:mi-ddd:hh24:mi');
  rejects(
    'sum:05:30-sun:06:00',
    'invalid maintenance window "sum:05:30-sun:06:00": "sum" is not a day (mon, tue, wed, thu, fri, sat, sun)',
  );
  rejects(
    'sun:24:00-mon:01:00',
    'invalid maintenance window "sun:24:00-mon:01:00": hour 24 is out of range (00 to 23)',
  );
  rejects(
    'sun:05:30-sun:06:60',
    'invalid maintenance window "sun:05:30-sun:06:60": minute 60 is out of range (00 to 59)',
  );
  rejects(
    'sun:05:30-sun:05:59',
    'invalid maintenance window "sun:05:30-sun:05:59": it lasts 29 minutes; a window must last at least 30 minutes',
  );
  rejects(
    'wed:07:30-wed:07:30',
    'invalid maintenance window "wed:07:30-wed:07:30": it lasts 0 minutes; a window must last at least 30 minutes',
  );
  assert.throws(
    () => parseMaintenanceWindow('x'),
    (e: unknown) => isLakeshiftError(e) && /sun:05:30-sun:06:00/.test(e.hint ?? ''),
  );
});

test('inside: start inclusive, end exclusive', () => {
  const w = parseMaintenanceWindow('sun:05:30-sun:06:00');
  assert.equal(occurrenceAt(w, at('2026-12-13T05:29:59.999Z')), undefined);
  assert.deepEqual(occurrenceAt(w, at('2026-12-13T05:30:00.000Z')), {
    start: at('2026-12-13T05:30:00Z'),
    end: at('2026-12-13T06:00:00Z'),
  });
  assert.ok(occurrenceAt(w, at('2026-12-13T05:59:59.999Z')));
  assert.equal(occurrenceAt(w, at('2026-12-13T06:00:00.000Z')), undefined);
  // The same weekday and time of other weeks.
  assert.ok(occurrenceAt(w, at('2027-01-03T05:45:00Z')));
  assert.equal(occurrenceAt(w, at('2026-12-14T05:45:00Z')), undefined);
});

test('a window that wraps the end of the week', () => {
  const w = parseMaintenanceWindow('sun:23:30-mon:00:30');
  assert.equal(w.durationMs, 60 * 60_000);
  const sundayOne = { start: at('2026-12-13T23:30:00Z'), end: at('2026-12-14T00:30:00Z') };
  assert.deepEqual(occurrenceAt(w, at('2026-12-13T23:45:00Z')), sundayOne);
  // Monday morning belongs to the occurrence that started in the week before.
  assert.deepEqual(occurrenceAt(w, at('2026-12-14T00:00:00Z')), sundayOne);
  assert.deepEqual(occurrenceAt(w, at('2026-12-14T00:29:59.999Z')), sundayOne);
  assert.equal(occurrenceAt(w, at('2026-12-14T00:30:00Z')), undefined);
  assert.equal(occurrenceAt(w, at('2026-12-13T23:29:59Z')), undefined);
  assert.deepEqual(nextOccurrence(w, at('2026-12-14T00:30:00Z')), {
    start: at('2026-12-20T23:30:00Z'),
    end: at('2026-12-21T00:30:00Z'),
  });
});

test('the next occurrence: later today, or next week from inside or after', () => {
  const w = parseMaintenanceWindow('sun:05:30-sun:06:00');
  assert.deepEqual(nextOccurrence(w, at('2026-12-13T05:00:00Z')).start, at('2026-12-13T05:30Z'));
  assert.deepEqual(nextOccurrence(w, at('2026-12-13T05:30:00Z')).start, at('2026-12-20T05:30Z'));
  assert.deepEqual(nextOccurrence(w, at('2026-12-13T06:00:00Z')).start, at('2026-12-20T05:30Z'));
  assert.deepEqual(nextOccurrence(w, at('2026-12-09T12:00:00Z')).start, at('2026-12-13T05:30Z'));
  assert.equal(formatUtc(at('2026-12-13T06:00:00Z')), '2026-12-13 06:00 UTC');
});

test('property: inside exactly when the time of week is within the window (mod a week)', () => {
  const day = fc.constantFrom('mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun');
  const hh = fc.integer({ min: 0, max: 23 }).map((n) => String(n).padStart(2, '0'));
  const mi = fc.integer({ min: 0, max: 59 }).map((n) => String(n).padStart(2, '0'));
  const text = fc
    .tuple(day, hh, mi, day, hh, mi)
    .map(([a, b, c, d, e, f]) => `${a}:${b}:${c}-${d}:${e}:${f}`);
  const moment = fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2100, 0, 1) });
  fc.assert(
    fc.property(text, moment, (t, ms) => {
      let w;
      try {
        w = parseMaintenanceWindow(t);
      } catch {
        return; // shorter than 30 minutes
      }
      const when = new Date(ms);
      const sinceStart = (((weekOffset(when) - w.startMs) % WEEK_MS) + WEEK_MS) % WEEK_MS;
      const o = occurrenceAt(w, when);
      assert.equal(o !== undefined, sinceStart < w.durationMs);
      if (o) assert.equal(o.start.getTime(), ms - sinceStart);
      const next = nextOccurrence(w, when);
      assert.ok(next.start.getTime() > ms && next.start.getTime() <= ms + WEEK_MS);
      assert.equal(next.start.getTime(), ms - sinceStart + WEEK_MS);
      assert.equal(next.end.getTime() - next.start.getTime(), w.durationMs);
    }),
    { numRuns: 2000 },
  );
});
