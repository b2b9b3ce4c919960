// AUTO REFRESH YES: a background loop of the workgroup refreshes every materialized view that
// asks for it once its base tables changed. It polls (mvAutoRefreshMs) and does nothing while no
// snapshot was committed since its last pass; each refresh runs in an internal session of the
// view's owner and commits on its own, so it holds no lock queries wait on. A refresh that fails
// is recorded in SYS_MV_REFRESH_HISTORY and tried again at the next change.
// https://docs.aws.amazon.com/redshift/latest/dg/materialized-view-refresh.html
import { quoteIdent } from '../common/sql-quote.js';
import {
  AUTO_REFRESH_SESSIONS,
  autoRefreshDue,
  lastRefreshReadRecords,
  type DueRefresh,
} from './materialized-views.js';
import type { SessionManager } from './manager.js';
import { PollLoop } from './poll-loop.js';
import type { Session } from './session.js';
import { internalSink } from './wire.js';

/** Refreshes of one streaming view in a row within a pass, at most (then the others' turn). */
const MAX_BACK_TO_BACK = 50;

export class MvAutoRefresher {
  private readonly loop: PollLoop;
  /** The newest snapshot the last pass saw: no commit since, nothing to do. */
  private seenSnapshot = -1;
  /** The last pass found an AUTO REFRESH streaming view. */
  private streaming = false;
  /** Internal sessions by `${userId}/${databaseId}`, kept while streaming views refresh. */
  private readonly sessions = new Map<string, Session>();

  constructor(
    private readonly manager: SessionManager,
    pollMs: number,
  ) {
    this.loop = new PollLoop(
      () => this.pollOnce(),
      pollMs,
      manager.options.log,
      'auto refresh failed',
    );
  }

  private get stopped(): boolean {
    return this.loop.stopped;
  }

  start(): void {
    this.loop.start();
  }

  async stop(): Promise<void> {
    await this.loop.stop();
    await this.closeSessions();
  }

  private async closeSessions(): Promise<void> {
    const all = [...this.sessions.values()];
    this.sessions.clear();
    for (const s of all) await s.close().catch(() => undefined);
  }

  private async session(userId: number, databaseId: number): Promise<Session> {
    const key = `${userId}/${databaseId}`;
    let s = this.sessions.get(key);
    // A session the server ended (its database renamed or dropped) is opened again.
    if (s === undefined || s.isClosed) {
      s = await this.manager.openInternalSession(userId, databaseId);
      AUTO_REFRESH_SESSIONS.add(s);
      this.sessions.set(key, s);
    }
    return s;
  }

  /** One pass: refresh each stale AUTO REFRESH view of every database. */
  async pollOnce(): Promise<void> {
    if (!this.manager.availability.isWritable()) return;
    const latest = await this.manager.lake.latestSnapshotId();
    // Streams change without any commit: while a streaming view refreshes itself, always look.
    if (latest === this.seenSnapshot && !this.streaming) return;
    this.seenSnapshot = latest;
    const tx = await this.manager.lake.begin();
    let due: DueRefresh[];
    try {
      due = await autoRefreshDue(tx);
    } finally {
      await tx.rollback();
    }
    this.streaming = due.some((v) => v.streaming);
    try {
      for (const v of due) {
        if (this.stopped) return;
        const owner = await this.session(v.ownerId, v.databaseId);
        const name = `${quoteIdent(v.schemaName)}.${quoteIdent(v.name)}`;
        // A streaming view that read something refreshes again at once: a backlog is caught up
        // in back-to-back refreshes, not one per poll interval.
        for (let round = 0; round < MAX_BACK_TO_BACK && !this.stopped; round++) {
          try {
            await owner.simpleQuery(`REFRESH MATERIALIZED VIEW ${name}`, internalSink());
          } catch (e) {
            this.manager.options.log.warn({ err: e, view: name }, 'auto refresh failed');
            break;
          }
          if (!v.streaming || !lastRefreshReadRecords(owner)) break;
        }
        // A refresh commits: the next pass must look again (views on this view).
        this.seenSnapshot = -1;
      }
    } finally {
      // Sessions are not kept between passes: an idle one would hold its database open
      // (ALTER and DROP DATABASE wait for no one to be connected).
      if (!this.streaming) await this.closeSessions();
    }
  }
}
