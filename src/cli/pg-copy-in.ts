// COPY ... FROM STDIN through node-postgres without pg-copy-streams (for `lakeshift load`, the
// benchmarks and tests): a Submittable that sends
// the statement as a simple query, answers CopyInResponse with CopyData messages (waiting for
// the socket to drain between chunks, so a large load is not buffered whole) and CopyDone, and
// resolves with the row count of the server's "COPY n" command tag. An ErrorResponse settles it
// at once: node-postgres forgets the active query on an error, so ReadyForQuery never reaches it.
import type pg from 'pg';

/** What node-postgres's Connection offers a Submittable (not in @types/pg). */
interface Connection {
  stream: NodeJS.WritableStream & { writableNeedDrain?: boolean };
  query(text: string): void;
  sendCopyFromChunk(chunk: Buffer): void;
  endCopyFrom(): void;
  sendCopyFail(message: string): void;
}

class CopyIn implements pg.Submittable {
  private error: Error | undefined;
  private rowCount = 0;
  private settled = false;

  constructor(
    private readonly statement: string,
    private readonly chunks: Iterable<string | Buffer> | AsyncIterable<string | Buffer>,
    private readonly done: (error: Error | undefined, rowCount: number) => void,
  ) {}

  submit(connection: unknown): void {
    (connection as Connection).query(this.statement);
  }

  handleCopyInResponse(connection: Connection): void {
    void this.send(connection);
  }

  private async send(connection: Connection): Promise<void> {
    try {
      for await (const chunk of this.chunks) {
        // The server has already refused the COPY: it skips data until CopyDone.
        if (this.error !== undefined) break;
        connection.sendCopyFromChunk(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
        if (connection.stream.writableNeedDrain === true) {
          await new Promise((resolve) => connection.stream.once('drain', resolve));
        }
      }
      connection.endCopyFrom();
    } catch (e) {
      connection.sendCopyFail(String(e));
    }
  }

  handleCommandComplete(msg: { text: string }): void {
    const m = /^COPY (\d+)$/.exec(msg.text);
    if (m !== null) this.rowCount = Number(m[1]);
  }

  handleError(error: Error): void {
    this.error = error;
    this.settle();
  }

  handleReadyForQuery(): void {
    this.settle();
  }

  private settle(): void {
    if (this.settled) return;
    this.settled = true;
    this.done(this.error, this.rowCount);
  }

  // Messages a COPY does not produce, but the client calls these hooks if a server sends them.
  handleRowDescription(): void {}
  handleDataRow(): void {}
  handleEmptyQuery(): void {}
  handleCopyData(): void {}
  handlePortalSuspended(): void {}
}

/** Runs `COPY ... FROM STDIN` (the statement) with the given data; returns the rows copied. */
export function copyFrom(
  client: pg.Client,
  statement: string,
  chunks: Iterable<string | Buffer> | AsyncIterable<string | Buffer>,
): Promise<number> {
  return new Promise((resolve, reject) => {
    client.query(
      new CopyIn(statement, chunks, (error, rows) =>
        error === undefined ? resolve(rows) : reject(error),
      ),
    );
  });
}
