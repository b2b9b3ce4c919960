// Splits the bytes of a connection into protocol messages with bounded memory.
//   startup phase: Int32 length (counting itself), then the packet (no type byte);
//   afterwards:    Byte1 type, Int32 length (counting itself, not the type), then the body.
// https://www.postgresql.org/docs/15/protocol-overview.html#PROTOCOL-MESSAGE-CONCEPTS
//
// Memory: a declared length is checked before anything is buffered for it (startup packets
// 8..10000 bytes like PostgreSQL's MAX_STARTUP_PACKET_LENGTH; other messages 4..maxMessageBytes),
// nothing is pre-allocated for it, and the socket is paused while more than `highWaterBytes`
// beyond the message being assembled are buffered, so a client that pipelines faster than we
// execute is held back by TCP flow control instead of filling our memory.
import type { Duplex } from 'node:stream';
import { LakeshiftError, SqlState } from '../../common/errors.js';

export const MAX_STARTUP_PACKET_BYTES = 10_000;
export const DEFAULT_MAX_MESSAGE_BYTES = 256 * 1024 * 1024;
const DEFAULT_HIGH_WATER_BYTES = 1024 * 1024;

export interface FrontendMessage {
  /** The type byte ('Q', 'P', ...) as a char code. */
  type: number;
  body: Buffer;
}

function fatalProtocol(message: string): LakeshiftError {
  return new LakeshiftError(SqlState.protocolViolation, message, { severity: 'FATAL' });
}

export class MessageReader {
  readonly #maxMessageBytes: number;
  readonly #highWater: number;
  #socket: Duplex | undefined;
  #chunks: Buffer[] = [];
  #length = 0;
  /** Bytes the current read is waiting for (kept buffered even past the high-water mark). */
  #needed = 0;
  #ended = false;
  #wake: (() => void) | undefined;
  readonly #onData = (chunk: Buffer) => this.#push(chunk);
  readonly #onEnd = () => this.#finish();

  constructor(opts: { maxMessageBytes?: number; highWaterBytes?: number } = {}) {
    this.#maxMessageBytes = opts.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
    this.#highWater = opts.highWaterBytes ?? DEFAULT_HIGH_WATER_BYTES;
  }

  /** Reads from `socket` (the plain socket, then the TLS socket after an upgrade). */
  attach(socket: Duplex): void {
    this.detach();
    this.#socket = socket;
    socket.on('data', this.#onData);
    socket.on('end', this.#onEnd);
    socket.on('close', this.#onEnd);
  }

  detach(): void {
    const s = this.#socket;
    if (s === undefined) return;
    s.off('data', this.#onData);
    s.off('end', this.#onEnd);
    s.off('close', this.#onEnd);
    this.#socket = undefined;
  }

  /** Bytes received and not yet consumed. */
  get buffered(): number {
    return this.#length;
  }

  get ended(): boolean {
    return this.#ended;
  }

  /** Whether a whole message is already buffered (the next read will not wait). */
  hasCompleteMessage(): boolean {
    if (this.#length < 5) return false;
    const length = this.#peekInt32(1);
    return length >= 4 && this.#length >= length + 1;
  }

  /** The end of input: wakes a pending read, which then returns null. */
  #finish(): void {
    this.#ended = true;
    this.#wakeUp();
  }

  /** Stops reading for good (connection closing). */
  close(): void {
    this.detach();
    this.#chunks = [];
    this.#length = 0;
    this.#finish();
  }

  #push(chunk: Buffer): void {
    if (this.#ended) return;
    this.#chunks.push(chunk);
    this.#length += chunk.length;
    if (this.#length > Math.max(this.#needed, this.#highWater)) this.#socket?.pause();
    if (this.#length >= this.#needed) this.#wakeUp();
  }

  #wakeUp(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }

  /** Waits until `n` bytes are buffered; false at end of input. */
  async #fill(n: number): Promise<boolean> {
    this.#needed = n;
    while (this.#length < n) {
      if (this.#ended) return false;
      this.#socket?.resume();
      await new Promise<void>((resolve) => (this.#wake = resolve));
    }
    this.#needed = 0;
    return true;
  }

  #peekInt32(at: number): number {
    const head = this.#chunks[0] as Buffer;
    if (head.length >= at + 4) return head.readInt32BE(at);
    const bytes = Buffer.alloc(at + 4);
    let offset = 0;
    for (const c of this.#chunks) {
      offset += c.copy(bytes, offset, 0, Math.min(c.length, bytes.length - offset));
      if (offset === bytes.length) break;
    }
    return bytes.readInt32BE(at);
  }

  /** Removes and returns the next `n` bytes (a view when they sit in one chunk). */
  #take(n: number): Buffer {
    let out: Buffer;
    const head = this.#chunks[0];
    if (head !== undefined && head.length >= n) {
      out = head.subarray(0, n);
      if (head.length === n) this.#chunks.shift();
      else this.#chunks[0] = head.subarray(n);
    } else {
      out = Buffer.allocUnsafe(n);
      let offset = 0;
      while (offset < n) {
        const c = this.#chunks[0] as Buffer;
        const k = Math.min(c.length, n - offset);
        c.copy(out, offset, 0, k);
        offset += k;
        if (k === c.length) this.#chunks.shift();
        else this.#chunks[0] = c.subarray(k);
      }
    }
    this.#length -= n;
    if (this.#length <= this.#highWater && !this.#ended) this.#socket?.resume();
    return out;
  }

  /**
   * The next startup-phase packet without its length word (protocol version or request code
   * first), or null at end of input. An impossible length is a FATAL 08P01.
   */
  async readStartupPacket(): Promise<Buffer | null> {
    if (!(await this.#fill(4))) return null;
    const length = this.#peekInt32(0);
    if (length < 8 || length > MAX_STARTUP_PACKET_BYTES) {
      throw fatalProtocol('invalid length of startup packet');
    }
    if (!(await this.#fill(length))) return null;
    return this.#take(length).subarray(4);
  }

  /**
   * The next typed message, or null at end of input (also in the middle of a message).
   * `checkType` sees the type byte as soon as it arrives, before the length is waited for (as
   * PostgreSQL's SocketBackend does): a second startup packet, whose first byte is 0, fails at
   * once instead of waiting for a length made of its version field.
   */
  async readMessage(
    checkType?: (type: number) => LakeshiftError | undefined,
  ): Promise<FrontendMessage | null> {
    if (!(await this.#fill(1))) return null;
    const type = (this.#chunks[0] as Buffer)[0] as number;
    const invalid = checkType?.(type);
    if (invalid !== undefined) throw invalid;
    if (!(await this.#fill(5))) return null;
    const length = this.#peekInt32(1);
    if (length < 4) throw fatalProtocol(`invalid message length ${length}`);
    if (length > this.#maxMessageBytes) {
      throw fatalProtocol(
        `message of ${length} bytes is longer than the maximum of ${this.#maxMessageBytes}`,
      );
    }
    if (!(await this.#fill(length + 1))) return null;
    const message = this.#take(length + 1);
    return { type, body: message.subarray(5) };
  }
}
