// Test support (not used by the server): a raw protocol client over a plain socket, frontend
// message builders, and a server on port 0 with the TestDoubleBackend.
import { connect, type Socket } from 'node:net';
import type { AuthMethod } from '../../session/wire.js';
import { MessageWriter } from './buffer-writer.js';
import type { PgServerEvent } from './events.js';
import { startPgServer, type PgServer, type PgServerOptions } from './server.js';
import { TestDoubleBackend } from './test-backend.js';

/** Polls `condition` every 10 ms (no timing assertion: only a generous deadline). */
export async function waitFor(condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export interface TestServer {
  server: PgServer;
  backend: TestDoubleBackend;
  port: number;
  events: PgServerEvent[];
}

export async function startTestServer(
  opts: Partial<PgServerOptions> & {
    users?: Record<string, AuthMethod>;
    databases?: string[];
  } = {},
): Promise<TestServer> {
  const backend = new TestDoubleBackend({
    users: opts.users ?? { trusted: { kind: 'trust' } },
    ...(opts.databases === undefined ? {} : { databases: opts.databases }),
  });
  const events: PgServerEvent[] = [];
  const server = await startPgServer({
    port: 0,
    backend,
    ...opts,
    log: (e) => {
      if (events.length < 10_000) events.push(e);
      opts.log?.(e);
    },
  });
  return { server, backend, port: server.port, events };
}

/** Frontend messages, built as https://www.postgresql.org/docs/15/protocol-message-formats.html says. */
export const fe = {
  startup(params: Record<string, string>, version = 0x00030000): Buffer {
    const w = new MessageWriter(null).int32(version);
    for (const [k, v] of Object.entries(params)) w.cstring(k).cstring(v);
    return w.int8(0).end();
  },
  sslRequest: (): Buffer => new MessageWriter(null).int32(80877103).end(),
  gssencRequest: (): Buffer => new MessageWriter(null).int32(80877104).end(),
  cancelRequest: (pid: number, key: number): Buffer =>
    new MessageWriter(null).int32(80877102).int32(pid).int32(key).end(),
  query: (sql: string): Buffer => new MessageWriter('Q').cstring(sql).end(),
  parse(name: string, sql: string, types: number[] = []): Buffer {
    const w = new MessageWriter('P').cstring(name).cstring(sql).int16(types.length);
    for (const t of types) w.int32(t);
    return w.end();
  },
  bind(
    portal: string,
    statement: string,
    params: (string | null)[],
    paramFormats: number[] = [],
    resultFormats: number[] = [],
  ): Buffer {
    const w = new MessageWriter('B').cstring(portal).cstring(statement).int16(paramFormats.length);
    for (const f of paramFormats) w.int16(f);
    w.int16(params.length);
    for (const p of params) {
      if (p === null) w.int32(-1);
      else {
        const b = Buffer.from(p);
        w.int32(b.length).bytes(b);
      }
    }
    w.int16(resultFormats.length);
    for (const f of resultFormats) w.int16(f);
    return w.end();
  },
  describe: (kind: 'S' | 'P', name: string): Buffer =>
    new MessageWriter('D').int8(kind.charCodeAt(0)).cstring(name).end(),
  execute: (portal: string, maxRows = 0): Buffer =>
    new MessageWriter('E').cstring(portal).int32(maxRows).end(),
  close: (kind: 'S' | 'P', name: string): Buffer =>
    new MessageWriter('C').int8(kind.charCodeAt(0)).cstring(name).end(),
  sync: (): Buffer => new MessageWriter('S').end(),
  flush: (): Buffer => new MessageWriter('H').end(),
  terminate: (): Buffer => new MessageWriter('X').end(),
  copyData: (data: Uint8Array): Buffer => new MessageWriter('d').bytes(data).end(),
  copyDone: (): Buffer => new MessageWriter('c').end(),
  copyFail: (message: string): Buffer => new MessageWriter('f').cstring(message).end(),
  password: (text: string): Buffer => new MessageWriter('p').cstring(text).end(),
  saslInitial(mechanism: string, data: string | null): Buffer {
    const w = new MessageWriter('p').cstring(mechanism);
    if (data === null) return w.int32(-1).end();
    const b = Buffer.from(data);
    return w.int32(b.length).bytes(b).end();
  },
  saslResponse: (data: string): Buffer => new MessageWriter('p').bytes(Buffer.from(data)).end(),
  /** Any type byte and body. */
  raw: (type: string, body: Uint8Array = Buffer.alloc(0)): Buffer =>
    new MessageWriter(type).bytes(body).end(),
};

export interface BackendMessage {
  type: string;
  body: Buffer;
}

/** The fields of an ErrorResponse / NoticeResponse body by code: { S, V, C, M, D, H, P }. */
export function reportFields(body: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  let at = 0;
  while (at < body.length && body[at] !== 0) {
    const code = String.fromCharCode(body[at] as number);
    const end = body.indexOf(0, at + 1);
    out[code] = body.subarray(at + 1, end).toString('utf8');
    at = end + 1;
  }
  return out;
}

/** A protocol client on a plain socket that reads backend messages one by one. */
export class RawClient {
  readonly socket: Socket;
  /** Received bytes not read yet: chunks, the first consumed from #offset. */
  #chunks: Buffer[] = [];
  #offset = 0;
  #length = 0;
  #closed = false;
  #wake: (() => void) | undefined;

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.on('data', (chunk: Buffer) => {
      this.#chunks.push(chunk);
      this.#length += chunk.length;
      this.#wake?.();
    });
    socket.on('close', () => {
      this.#closed = true;
      this.#wake?.();
    });
    socket.on('error', () => {});
  }

  static connect(port: number): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => resolve(new RawClient(socket)));
      socket.once('error', reject);
    });
  }

  get closed(): boolean {
    return this.#closed;
  }

  send(...messages: Buffer[]): void {
    if (!this.socket.destroyed) this.socket.write(Buffer.concat(messages));
  }

  async #waitFor(n: number, deadline: number): Promise<boolean> {
    while (this.#length < n) {
      if (this.#closed) return false;
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(`timed out waiting for the server (have ${this.#length} bytes)`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.#wake = undefined;
    }
    return true;
  }

  /** The next `n` buffered bytes, without consuming them. */
  #peek(n: number): Buffer {
    const head = this.#chunks[0] as Buffer;
    if (head.length - this.#offset >= n) return head.subarray(this.#offset, this.#offset + n);
    const parts: Buffer[] = [];
    let have = -this.#offset;
    for (const c of this.#chunks) {
      parts.push(c);
      have += c.length;
      if (have >= n) break;
    }
    return Buffer.concat(parts).subarray(this.#offset, this.#offset + n);
  }

  #take(n: number): Buffer {
    const head = this.#chunks[0] as Buffer;
    let out: Buffer;
    if (head.length - this.#offset >= n) {
      out = head.subarray(this.#offset, this.#offset + n);
      this.#offset += n;
    } else {
      const parts: Buffer[] = [];
      let need = n;
      while (need > 0) {
        const c = this.#chunks[0] as Buffer;
        const k = Math.min(need, c.length - this.#offset);
        parts.push(c.subarray(this.#offset, this.#offset + k));
        need -= k;
        this.#offset += k;
        if (this.#offset === c.length) {
          this.#chunks.shift();
          this.#offset = 0;
        }
      }
      out = Buffer.concat(parts);
    }
    if (this.#chunks[0] !== undefined && this.#offset === (this.#chunks[0] as Buffer).length) {
      this.#chunks.shift();
      this.#offset = 0;
    }
    this.#length -= n;
    return out;
  }

  /** One byte (the answer to SSLRequest / GSSENCRequest), or null when closed. */
  async readByte(timeoutMs = 20_000): Promise<string | null> {
    if (!(await this.#waitFor(1, Date.now() + timeoutMs))) return null;
    return String.fromCharCode(this.#take(1)[0] as number);
  }

  /** The next backend message, or null when the server closed the connection. */
  async read(timeoutMs = 20_000): Promise<BackendMessage | null> {
    const deadline = Date.now() + timeoutMs;
    if (!(await this.#waitFor(5, deadline))) return null;
    const length = this.#peek(5).readInt32BE(1);
    if (!(await this.#waitFor(1 + length, deadline))) return null;
    const message = this.#take(1 + length);
    return { type: String.fromCharCode(message[0] as number), body: message.subarray(5) };
  }

  /** Messages up to and including the first of type `type` (or until the connection closes). */
  async readUntil(type: string, timeoutMs = 20_000): Promise<BackendMessage[]> {
    const out: BackendMessage[] = [];
    for (;;) {
      const m = await this.read(timeoutMs);
      if (m === null) return out;
      out.push(m);
      if (m.type === type) return out;
    }
  }

  /** Reads (and drops) everything until the server closes; true if it did within the time. */
  async waitClosed(timeoutMs = 20_000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!this.#closed) {
      if (Date.now() > deadline) return false;
      this.#chunks = [];
      this.#offset = 0;
      this.#length = 0;
      try {
        await this.#waitFor(1, deadline);
      } catch {
        return false;
      }
    }
    return true;
  }

  /** Startup as a trust user; resolves after the first ReadyForQuery. */
  async startupTrust(user = 'trusted', database = 'dev'): Promise<BackendMessage[]> {
    this.send(fe.startup({ user, database }));
    const messages = await this.readUntil('Z');
    if (messages.at(-1)?.type !== 'Z') {
      throw new Error(`startup failed: ${messages.map((m) => m.type).join('')}`);
    }
    return messages;
  }

  destroy(): void {
    this.socket.destroy();
  }
}
