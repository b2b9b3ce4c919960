// A session's transaction state over the lake's snapshot isolation. Autocommit by default: each
// statement (or each simple-query message / extended-protocol batch up to Sync) runs in an
// implicit transaction; BEGIN opens an explicit block that lasts until COMMIT or ROLLBACK. After
// an error inside a block, every statement fails with 25P02 until the block ends.
import type { DuckDBConnection } from '@duckdb/node-api';
import { LakeshiftError, SqlState } from '../common/errors.js';
import type { Lake, LakeTransaction } from '../storage/index.js';

let transactionSeq = 0;

export class SessionTransactions {
  private tx: LakeTransaction | undefined;
  private explicit = false;
  private failed = false;
  /** Redshift's transaction id of the current transaction (query history's transaction_id). */
  private id = 0;
  /** When the current transaction started (SYSDATE and CURRENT_TIMESTAMP read it). */
  private started = new Date();

  constructor(
    private readonly lake: Lake,
    private readonly connection: DuckDBConnection,
    /** The session's database: unqualified schema names resolve in it. */
    private readonly databaseId: number,
  ) {}

  /** ReadyForQuery status. */
  status(): 'I' | 'T' | 'E' {
    if (!this.explicit) return 'I';
    return this.failed ? 'E' : 'T';
  }

  get inBlock(): boolean {
    return this.explicit;
  }

  /** Whether the open transaction changed anything yet (its COMMIT writes). */
  get hasLocalChanges(): boolean {
    return this.tx !== undefined && this.tx.isOpen && this.tx.hasLocalChanges;
  }

  get transactionId(): number {
    return this.id;
  }

  /** When the current (or last) transaction started. */
  get startTime(): Date {
    return this.started;
  }

  /** The lake transaction for the next statement, opening an implicit one when needed. */
  async current(): Promise<LakeTransaction> {
    this.assertNotFailed();
    if (this.tx === undefined || !this.tx.isOpen) {
      this.tx = await this.lake.begin({
        connection: this.connection,
        databaseId: this.databaseId,
      });
      this.id = ++transactionSeq;
      this.started = new Date();
    }
    return this.tx;
  }

  /** Throws 25P02 when the block has failed (for statements that touch no data). */
  assertNotFailed(): void {
    if (this.failed) {
      throw new LakeshiftError(
        SqlState.inFailedSqlTransaction,
        'current transaction is aborted, commands ignored until end of transaction block',
      );
    }
  }

  /** BEGIN. A BEGIN inside a block is a warning in PostgreSQL and Redshift, not an error. */
  async begin(): Promise<{ alreadyInBlock: boolean }> {
    if (this.explicit) return { alreadyInBlock: true };
    this.explicit = true;
    this.failed = false;
    return { alreadyInBlock: false };
  }

  /** COMMIT / END: returns the command tag ("ROLLBACK" when the block had failed). */
  async commit(): Promise<{ tag: 'COMMIT' | 'ROLLBACK'; noBlock: boolean }> {
    const noBlock = !this.explicit;
    const failed = this.failed;
    this.explicit = false;
    this.failed = false;
    await this.end(!failed);
    return { tag: failed ? 'ROLLBACK' : 'COMMIT', noBlock };
  }

  /**
   * Commits the work so far and stays in the block (Redshift's TRUNCATE commits the transaction
   * it runs in); the next statement starts a new transaction.
   */
  async commitWork(): Promise<void> {
    await this.end(true);
  }

  /** Rolls back the work so far and stays in the block (ROLLBACK inside a procedure). */
  async rollbackWork(): Promise<void> {
    await this.end(false);
  }

  /** ROLLBACK / ABORT. */
  async rollback(): Promise<{ noBlock: boolean }> {
    const noBlock = !this.explicit;
    this.explicit = false;
    this.failed = false;
    await this.end(false);
    return { noBlock };
  }

  /** Ends an implicit transaction after its statements: commit on success, else roll back. */
  async endImplicit(success: boolean): Promise<void> {
    if (this.explicit) return;
    await this.end(success);
  }

  /**
   * Runs `done(true)` once the current transaction commits, `done(false)` when it rolls back or
   * its commit fails (what a statement reports about itself, such as a COPY's load history,
   * must say what happened to its rows).
   */
  onEnd(done: (committed: boolean) => void): void {
    this.endCallbacks.push(done);
  }

  private endCallbacks: ((committed: boolean) => void)[] = [];

  /** Commits or rolls back the current transaction, then tells the onEnd callbacks. */
  private async end(commit: boolean): Promise<void> {
    const tx = this.tx;
    this.tx = undefined;
    const callbacks = this.endCallbacks;
    this.endCallbacks = [];
    let committed = false;
    try {
      if (tx?.isOpen) {
        if (commit) {
          await tx.commit();
          committed = true;
        } else await tx.rollback();
      }
    } finally {
      for (const cb of callbacks) cb(committed);
    }
  }

  /** A statement failed: inside a block the block is now failed; outside, roll back. */
  async statementFailed(): Promise<void> {
    if (this.explicit) {
      this.failed = true;
      return;
    }
    await this.endImplicit(false);
  }

  /** The connection is closing: nothing half-done is committed. */
  async close(): Promise<void> {
    this.explicit = false;
    await this.end(false).catch(() => undefined);
  }
}
