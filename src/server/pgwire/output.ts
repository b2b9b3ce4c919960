// Batches backend messages into one socket write per batch and applies backpressure: when the
// socket's buffer is full (write() returned false), producers await 'drain' before encoding
// more, so a slow client holds back the statement instead of growing our memory.
import type { Duplex } from 'node:stream';

/** Pending bytes beyond which a producer's push flushes at once. */
const FLUSH_BYTES = 64 * 1024;

export class Output {
  #socket: Duplex;
  #pending: Uint8Array[] = [];
  #size = 0;
  #closed = false;

  constructor(socket: Duplex) {
    this.#socket = socket;
  }

  /** After a TLS upgrade, writes go to the TLS socket. */
  setSocket(socket: Duplex): void {
    this.#socket = socket;
  }

  get closed(): boolean {
    return this.#closed || this.#socket.destroyed;
  }

  /** Queues a message (or several framed messages); dropped once the connection is closing. */
  push(message: Uint8Array): void {
    if (this.closed) return;
    this.#pending.push(message);
    this.#size += message.length;
  }

  /** Writes everything queued in one socket write. */
  flush(): void {
    if (this.#size === 0) return;
    const batch = this.#pending;
    const size = this.#size;
    this.#pending = [];
    this.#size = 0;
    if (this.closed) return;
    this.#socket.write(batch.length === 1 ? (batch[0] as Uint8Array) : Buffer.concat(batch, size));
  }

  /** Bytes queued and not yet written. */
  get pending(): number {
    return this.#size;
  }

  /** Whether enough is queued to write a batch now. */
  get full(): boolean {
    return this.#size >= FLUSH_BYTES;
  }

  /** Queues `message`; past the batch size flushes and resolves once the socket can take more. */
  pushAndWait(message: Uint8Array): void | Promise<void> {
    this.push(message);
    if (this.#size < FLUSH_BYTES) return;
    this.flush();
    return this.drained();
  }

  /** Resolves when the socket's buffer has room again (or the connection is gone). */
  drained(): Promise<void> | void {
    const socket = this.#socket;
    if (this.closed || !socket.writableNeedDrain) return;
    return new Promise<void>((resolve) => {
      const done = () => {
        socket.off('drain', done);
        socket.off('close', done);
        resolve();
      };
      socket.on('drain', done);
      socket.on('close', done);
    });
  }

  /** Flushes and ends the socket's writing side; later pushes are dropped. */
  end(): void {
    this.flush();
    this.#closed = true;
    if (!this.#socket.destroyed) this.#socket.end();
  }
}
