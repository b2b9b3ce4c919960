import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { isLakeshiftError, type LakeshiftError } from '../common/errors.js';
import { Availability, type AvailabilityState } from './availability.js';

/** A clock the test moves. */
function clock(iso: string) {
  let t = new Date(iso).getTime();
  return {
    now: () => new Date(t),
    set: (to: string) => (t = new Date(to).getTime()),
  };
}

const admin = { name: 'admin', superuser: true };
const alice = { name: 'alice', superuser: false };

function refused(fn: () => void): LakeshiftError {
  let error: unknown;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  assert.ok(isLakeshiftError(error, '57P03'), `expected 57P03, got ${String(error)}`);
  return error;
}

test('without a window or a pause everything is open', () => {
  const a = new Availability();
  assert.deepEqual(a.current(), { kind: 'open' });
  assert.equal(a.isWritable(), true);
  a.checkWrite();
  a.checkConnect(alice);
  a.checkStatement(alice);
  assert.deepEqual(a.report(), { state: 'open', maintenanceWindow: null });
  a.close();
});

test('in the window writes are refused with 57P03 naming the window; connections are not', () => {
  const c = clock('2026-12-13T05:45:00Z');
  const a = new Availability({ maintenanceWindow: 'sun:05:30-sun:06:00', now: c.now });
  assert.equal(a.isWritable(), false);
  const e = refused(() => a.checkWrite());
  assert.equal(
    e.message,
    'the warehouse is in its maintenance window sun:05:30-sun:06:00 (until 2026-12-13 06:00 UTC); ' +
      'writes are refused, retry afterwards',
  );
  assert.equal(e.severity, 'ERROR');
  a.checkConnect(alice);
  a.checkStatement(alice);
  assert.deepEqual(a.report(), {
    state: 'maintenance',
    maintenanceWindow: 'sun:05:30-sun:06:00',
    until: '2026-12-13T06:00:00.000Z',
    nextWindow: { start: '2026-12-20T05:30:00.000Z', end: '2026-12-20T06:00:00.000Z' },
  });
  c.set('2026-12-13T06:00:00Z');
  assert.equal(a.isWritable(), true);
  a.checkWrite();
  a.close();
});

test('an invalid window text fails construction', () => {
  assert.throws(
    () => new Availability({ maintenanceWindow: 'sun:05:30-sun:05:45' }),
    /at least 30 minutes/,
  );
});

test('paused: others are refused at connect and per statement, superusers only read', () => {
  const c = clock('2026-12-10T10:00:00Z');
  const a = new Availability({ now: c.now });
  a.pause('admin');
  const connect = refused(() => a.checkConnect(alice));
  assert.equal(connect.severity, 'FATAL');
  assert.equal(
    connect.message,
    'the warehouse is paused (since 2026-12-10 10:00 UTC, by admin); connections are refused ' +
      'until it is resumed',
  );
  assert.match(connect.hint ?? '', /ALTER SYSTEM RESUME/);
  assert.match(refused(() => a.checkStatement(alice)).message, /statements are refused/);
  a.checkConnect(admin);
  a.checkStatement(admin);
  assert.match(refused(() => a.checkWrite()).message, /paused .*; writes are refused/);
  assert.equal(a.isWritable(), false);
  assert.deepEqual(a.report(), {
    state: 'paused',
    since: '2026-12-10T10:00:00.000Z',
    by: 'admin',
    maintenanceWindow: null,
  });
  a.resume();
  a.checkConnect(alice);
  a.checkWrite();
});

test('a pause survives a restart (the data directory keeps it) until resumed', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lakeshift-availability-'));
  const c = clock('2026-12-10T10:00:00Z');
  const first = new Availability({ dataDir: dir, now: c.now });
  first.pause('ops');
  c.set('2026-12-10T11:00:00Z');
  first.pause('someone else'); // already paused: the first pause stands
  assert.ok(existsSync(join(dir, 'paused.json')));
  first.close();

  const second = new Availability({ dataDir: dir, now: c.now });
  assert.deepEqual(second.current(), {
    kind: 'paused',
    since: new Date('2026-12-10T10:00:00Z'),
    by: 'ops',
  });
  second.resume();
  assert.equal(existsSync(join(dir, 'paused.json')), false);
  assert.deepEqual(new Availability({ dataDir: dir }).current(), { kind: 'open' });

  // A damaged file still pauses (the safe reading).
  writeFileSync(join(dir, 'paused.json'), '{ not json');
  assert.equal(new Availability({ dataDir: dir, now: c.now }).current().kind, 'paused');
  assert.match(readFileSync(join(dir, 'paused.json'), 'utf8'), /not json/);
});

test('listeners hear pauses, resumes and window boundaries; a pause wins over the window', () => {
  const c = clock('2026-12-13T05:00:00Z');
  const a = new Availability({ maintenanceWindow: 'sun:05:30-sun:06:00', now: c.now });
  const heard: [AvailabilityState['kind'], AvailabilityState['kind']][] = [];
  const stop = a.onChange((s, previous) => heard.push([s.kind, previous.kind]));
  a.refresh(); // nothing changed
  c.set('2026-12-13T05:30:00Z');
  a.refresh();
  a.pause('admin');
  a.resume(); // back inside the window
  c.set('2026-12-13T06:00:00Z');
  a.refresh();
  stop();
  a.pause('admin');
  assert.deepEqual(heard, [
    ['maintenance', 'open'],
    ['paused', 'maintenance'],
    ['maintenance', 'paused'],
    ['open', 'maintenance'],
  ]);
  a.close();
});

test('a listener that throws is reported and the others still hear', () => {
  const errors: unknown[] = [];
  const a = new Availability({ onError: (e) => errors.push(e) });
  let heard = 0;
  a.onChange(() => {
    throw new Error('boom');
  });
  a.onChange(() => heard++);
  a.pause('admin');
  assert.equal(heard, 1);
  assert.equal(errors.length, 1);
});

test('whenWritable waits through the window and a pause, and can be aborted', async () => {
  const c = clock('2026-12-13T05:45:00Z');
  const a = new Availability({ maintenanceWindow: 'sun:05:30-sun:06:00', now: c.now });
  let writable = false;
  const waiting = a.whenWritable().then(() => (writable = true));
  a.pause('admin');
  c.set('2026-12-13T06:10:00Z');
  a.refresh(); // the window is over, but still paused
  await new Promise((r) => setImmediate(r));
  assert.equal(writable, false);
  a.resume();
  await waiting;
  assert.equal(writable, true);
  await a.whenWritable(); // open: at once

  a.pause('admin');
  const controller = new AbortController();
  const aborted = a.whenWritable(controller.signal);
  controller.abort(new Error('job stopped'));
  await assert.rejects(aborted, /job stopped/);
  a.close();
});

test('the watch timer notices the window starting on its own', async () => {
  // A clock 50 ms before the window's start, running in real time.
  const offset = new Date('2026-12-13T05:29:59.950Z').getTime() - Date.now();
  const a = new Availability({
    maintenanceWindow: 'sun:05:30-sun:06:00',
    now: () => new Date(Date.now() + offset),
  });
  assert.equal(a.current().kind, 'open');
  // The watch timer does not keep a process alive; this test's deadline does.
  let deadline: NodeJS.Timeout | undefined;
  const started = await Promise.race([
    new Promise<AvailabilityState>((resolve) => a.onChange(resolve)),
    new Promise<never>((_, reject) => {
      deadline = setTimeout(() => reject(new Error('the window start went unnoticed')), 10_000);
    }),
  ]);
  clearTimeout(deadline);
  assert.equal(started.kind, 'maintenance');
  a.close();
});
