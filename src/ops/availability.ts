// The workgroup's availability: open, paused (by an administrator: `lakeshift pause`,
// POST /pause, ALTER SYSTEM PAUSE) or in its weekly maintenance window. Sessions ask it before
// they admit a connection or run a statement; background work (maintenance, auto-copy jobs)
// asks isWritable() and waits with whenWritable() or onChange(). Refusals are LakeshiftError
// 57P03 (cannot connect now), a retryable error, with a message naming the window or the pause.
//
// A pause outlives a restart: it is the file `paused.json` in the data directory (written to a
// temporary name and renamed, so it is there whole or not at all). A pause takes precedence
// over the window; after a resume inside the window the window applies again.
import {
  closeSync,
  fsyncSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { LakeshiftError, SqlState } from '../common/errors.js';
import {
  formatUtc,
  nextOccurrence,
  occurrenceAt,
  parseMaintenanceWindow,
  type MaintenanceWindow,
  type WindowOccurrence,
} from './maintenance-window.js';

export type AvailabilityState =
  | { kind: 'open' }
  | { kind: 'paused'; since: Date; by: string }
  | { kind: 'maintenance'; window: string; start: Date; until: Date };

/** The state as JSON for /health and the pause/resume answers. */
export interface AvailabilityReport {
  state: AvailabilityState['kind'];
  /** Paused: since when (ISO 8601) and by whom. */
  since?: string;
  by?: string;
  /** The configured window (`sun:05:30-sun:06:00`), if any. */
  maintenanceWindow: string | null;
  /** In the window: when this occurrence ends. */
  until?: string;
  /** The next occurrence of the window (the one after the current, inside it). */
  nextWindow?: { start: string; end: string };
}

/** Who is asking: the authenticated user of a connection or session. */
export interface Requester {
  name: string;
  superuser: boolean;
}

export type AvailabilityListener = (state: AvailabilityState, previous: AvailabilityState) => void;

export interface AvailabilityOptions {
  /** Where `paused.json` lives; without one a pause lasts until the process ends. */
  dataDir?: string;
  /** The weekly window, as text (validated here) or parsed. */
  maintenanceWindow?: string | MaintenanceWindow;
  /** The clock (tests move it); Date.now by default. */
  now?: () => Date;
  /** Reports a listener that threw (the others still run). */
  onError?: (e: unknown) => void;
}

const PAUSE_FILE = 'paused.json';
/** The longest the watch timer sleeps: a moved clock (suspend, NTP) is noticed within this. */
const MAX_SLEEP_MS = 60_000;

function sameState(a: AvailabilityState, b: AvailabilityState): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === 'paused' && b.kind === 'paused') return a.since.getTime() === b.since.getTime();
  if (a.kind === 'maintenance' && b.kind === 'maintenance') {
    return a.start.getTime() === b.start.getTime();
  }
  return true;
}

export class Availability {
  readonly maintenanceWindow: MaintenanceWindow | undefined;
  readonly #now: () => Date;
  readonly #pauseFile: string | undefined;
  readonly #onError: (e: unknown) => void;
  readonly #listeners = new Set<AvailabilityListener>();
  #paused: { since: Date; by: string } | undefined;
  /** The state listeners last heard of. */
  #announced: AvailabilityState;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(opts: AvailabilityOptions = {}) {
    const w = opts.maintenanceWindow;
    this.maintenanceWindow = typeof w === 'string' ? parseMaintenanceWindow(w) : w;
    this.#now = opts.now ?? (() => new Date());
    this.#onError = opts.onError ?? (() => undefined);
    this.#pauseFile = opts.dataDir === undefined ? undefined : join(opts.dataDir, PAUSE_FILE);
    this.#paused = this.#readPause();
    this.#announced = this.current();
    this.#arm();
  }

  // ---- asking -------------------------------------------------------------------------------

  current(at: Date = this.#now()): AvailabilityState {
    if (this.#paused) return { kind: 'paused', ...this.#paused };
    const o = this.maintenanceWindow && occurrenceAt(this.maintenanceWindow, at);
    if (o) {
      return {
        kind: 'maintenance',
        window: this.maintenanceWindow!.text,
        start: o.start,
        until: o.end,
      };
    }
    return { kind: 'open' };
  }

  /** Whether writes (statements, loads, commits of background work) may run now. */
  isWritable(at?: Date): boolean {
    return this.current(at).kind === 'open';
  }

  /** The next occurrence of the window after `at` (none without a window). */
  nextWindow(at: Date = this.#now()): WindowOccurrence | undefined {
    return this.maintenanceWindow && nextOccurrence(this.maintenanceWindow, at);
  }

  report(at: Date = this.#now()): AvailabilityReport {
    const s = this.current(at);
    const next = this.nextWindow(at);
    return {
      state: s.kind,
      ...(s.kind === 'paused' ? { since: s.since.toISOString(), by: s.by } : {}),
      maintenanceWindow: this.maintenanceWindow?.text ?? null,
      ...(s.kind === 'maintenance' ? { until: s.until.toISOString() } : {}),
      ...(next
        ? { nextWindow: { start: next.start.toISOString(), end: next.end.toISOString() } }
        : {}),
    };
  }

  /** Throws 57P03 unless writes may run now (the window, or a pause). */
  checkWrite(at?: Date): void {
    const s = this.current(at);
    if (s.kind !== 'open') throw refusal(s, 'writes are refused');
  }

  /** A new connection: throws 57P03 (FATAL) while paused, except for superusers. */
  checkConnect(user: Requester, at?: Date): void {
    const s = this.current(at);
    if (s.kind === 'paused' && !user.superuser) {
      throw refusal(s, 'connections are refused', 'FATAL');
    }
  }

  /**
   * A statement of an open session: while paused only superusers' statements run (and no
   * writes, see checkWrite).
   */
  checkStatement(user: Requester, at?: Date): void {
    const s = this.current(at);
    if (s.kind === 'paused' && !user.superuser) throw refusal(s, 'statements are refused');
  }

  // ---- changing -----------------------------------------------------------------------------

  /** Pauses (already paused: keeps the first pause). Survives a restart. */
  pause(by: string): AvailabilityState {
    if (this.#paused === undefined) {
      const paused = { since: this.#now(), by };
      this.#writePause(paused);
      this.#paused = paused;
    }
    this.refresh();
    return this.current();
  }

  /** Resumes (not paused: nothing to do). */
  resume(): AvailabilityState {
    if (this.#paused !== undefined) {
      if (this.#pauseFile !== undefined) rmSync(this.#pauseFile, { force: true });
      this.#paused = undefined;
    }
    this.refresh();
    return this.current();
  }

  // ---- waiting ------------------------------------------------------------------------------

  /**
   * Calls `listener` with the new and the previous state whenever it changes (a pause, a
   * resume, a window starting or ending). Returns the unsubscribe function.
   */
  onChange(listener: AvailabilityListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Resolves once writes may run (at once if they may now); rejects when `signal` aborts. */
  whenWritable(signal?: AbortSignal): Promise<void> {
    if (this.isWritable()) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const done = () => {
        unsubscribe();
        signal?.removeEventListener('abort', aborted);
      };
      const aborted = () => {
        done();
        reject(signal?.reason ?? new Error('aborted'));
      };
      const unsubscribe = this.onChange((s) => {
        if (s.kind !== 'open') return;
        done();
        resolve();
      });
      if (signal?.aborted) aborted();
      else signal?.addEventListener('abort', aborted, { once: true });
    });
  }

  /**
   * Looks at the clock now and tells listeners if the state changed since they last heard. The
   * watch timer calls it at every window boundary; tests that move the clock call it themselves.
   */
  refresh(): void {
    const now = this.current();
    const previous = this.#announced;
    if (!sameState(now, previous)) {
      this.#announced = now;
      for (const listener of [...this.#listeners]) {
        try {
          listener(now, previous);
        } catch (e) {
          this.#onError(e);
        }
      }
    }
    this.#arm();
  }

  /** Stops the watch timer (server shutdown). Waiters are left waiting. */
  close(): void {
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** Sleeps until the window's next boundary (at most a minute), then refreshes. */
  #arm(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#closed || this.maintenanceWindow === undefined) return;
    const now = this.#now();
    const inside = occurrenceAt(this.maintenanceWindow, now);
    const boundary = inside ? inside.end : nextOccurrence(this.maintenanceWindow, now).start;
    const delay = Math.max(0, Math.min(MAX_SLEEP_MS, boundary.getTime() - now.getTime()));
    this.#timer = setTimeout(() => this.refresh(), delay);
    this.#timer.unref();
  }

  #readPause(): { since: Date; by: string } | undefined {
    if (this.#pauseFile === undefined) return undefined;
    let text: string;
    try {
      text = readFileSync(this.#pauseFile, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
    // The file's presence is the pause; an unreadable body still pauses (the safe reading).
    try {
      const body = JSON.parse(text) as { since?: unknown; by?: unknown };
      const since = new Date(String(body.since));
      return {
        since: Number.isNaN(since.getTime()) ? this.#now() : since,
        by: typeof body.by === 'string' ? body.by : 'unknown',
      };
    } catch {
      return { since: this.#now(), by: 'unknown' };
    }
  }

  #writePause(paused: { since: Date; by: string }): void {
    if (this.#pauseFile === undefined) return;
    const tmp = `${this.#pauseFile}.tmp`;
    const fd = openSync(tmp, 'w');
    try {
      writeSync(fd, JSON.stringify({ since: paused.since.toISOString(), by: paused.by }) + '\n');
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, this.#pauseFile);
  }
}

const RESUME_HINT =
  'A superuser resumes it with `lakeshift resume`, POST /resume on the admin port, or ' +
  'ALTER SYSTEM RESUME.';

/** The 57P03 error for a refused connection, statement or write, naming the window or pause. */
function refusal(
  s: Exclude<AvailabilityState, { kind: 'open' }>,
  what: string,
  severity: 'ERROR' | 'FATAL' = 'ERROR',
): LakeshiftError {
  if (s.kind === 'maintenance') {
    return new LakeshiftError(
      SqlState.cannotConnectNow,
      `the warehouse is in its maintenance window ${s.window} (until ${formatUtc(s.until)}); ` +
        `${what}, retry afterwards`,
      { severity },
    );
  }
  return new LakeshiftError(
    SqlState.cannotConnectNow,
    `the warehouse is paused (since ${formatUtc(s.since)}, by ${s.by}); ${what} until it is ` +
      'resumed',
    { severity, hint: RESUME_HINT },
  );
}
