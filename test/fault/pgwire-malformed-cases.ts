// The malformed-input cases of the PostgreSQL wire protocol fault tests, shared by
// pgwire-malformed.test.ts (the protocol room with its test-double backend) and
// server-malformed.test.ts (the real server process): a seeded random generator picks truncated
// messages, huge and negative declared lengths, unknown message types, garbage before and after
// startup, a second startup packet, bad SASL and MD5 exchanges, Bind with wrong parameter or
// format counts, bad Describe/Close subtypes, invalid UTF-8, foreign messages during COPY; and
// runCase() checks one case over a raw socket. Each must get an ErrorResponse where the protocol
// allows one, and end with a closed connection (the ones that only get an ERROR are then
// terminated by the client, proving the connection still works).
import assert from 'node:assert/strict';
import { scramClientFinal } from '../../src/security/scram.js';
import { MessageWriter } from '../../src/server/pgwire/buffer-writer.js';
import {
  RawClient,
  fe,
  reportFields,
  type BackendMessage,
} from '../../src/server/pgwire/test-support.js';
import { seededRandom } from '../support/random.js';

export const SEED = 20261122;
export const CASES = 200;
/** The longest message both servers accept (the pgwire default, DEFAULT_MAX_MESSAGE_BYTES). */
export const MAX_MESSAGE_BYTES = 256 * 1024 * 1024;

/** The statements the cases use, in the dialect of the server under test. */
export interface CaseSql {
  /** A statement with two integer parameters, $1 and $2. */
  addTwo: string;
  /** A statement with one parameter, $1. */
  echoOne: string;
  /** COPY ... FROM STDIN (text format) into a table that exists. */
  copyIn: string;
}

/** The test-double backend's statements (src/server/pgwire/test-backend.ts). */
export const TEST_DOUBLE_SQL: CaseSql = {
  addTwo: 'add $1 $2',
  echoOne: 'echo $1',
  copyIn: 'copy junk from stdin',
};

export type Expect =
  /** ErrorResponse with severity FATAL (and this SQLSTATE), then the server closes. */
  | { kind: 'fatal'; sqlstate?: string }
  /** ErrorResponse ERROR (this SQLSTATE) before ReadyForQuery; the client then terminates. */
  | { kind: 'error'; sqlstate?: string }
  /** ReadyForQuery with no error (the input is ignored per protocol); then terminate. */
  | { kind: 'ignored' }
  /** The client half-closes after the input: the server closes (an ErrorResponse is allowed). */
  | { kind: 'closed' }
  /** Anything but a hang: ReadyForQuery or a closed connection, then terminate. */
  | { kind: 'any' };

export interface Case {
  name: string;
  /** none: raw socket; trust: after a trust startup; scram / md5: after the first auth request. */
  phase: 'none' | 'trust' | 'scram' | 'md5';
  /** Run the SASL exchange's first step with a valid client-first-message before `send`. */
  validFirst?: boolean;
  send: Buffer[];
  /** Half-close the socket after sending. */
  end?: boolean;
  expect: Expect;
}

type Rand = () => number;
const int = (r: Rand, lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
const bytes = (r: Rand, n: number) => Buffer.from(Array.from({ length: n }, () => int(r, 0, 255)));

function header(type: string | null, length: number): Buffer {
  const b = Buffer.alloc(type === null ? 4 : 5);
  if (type !== null) b[0] = type.charCodeAt(0);
  b.writeInt32BE(length, type === null ? 0 : 1);
  return b;
}

const VALID_TYPES = new Set('QPBDECSHXFdcf');

const generators = (sql: CaseSql): ((r: Rand) => Case)[] => [
  // ---- before startup
  (r) => ({
    name: 'startup length beyond 10000',
    phase: 'none',
    send: [header(null, int(r, 10_001, 0x7fffffff)), bytes(r, int(r, 0, 64))],
    expect: { kind: 'fatal', sqlstate: '08P01' },
  }),
  (r) => ({
    name: 'startup length below 8 (or negative)',
    phase: 'none',
    send: [header(null, pick(r, [int(r, -0x80000000, -1), int(r, 0, 7)])), bytes(r, 8)],
    expect: { kind: 'fatal', sqlstate: '08P01' },
  }),
  (r) => ({
    name: 'garbage instead of a startup packet',
    phase: 'none',
    send: [bytes(r, int(r, 1, 300))],
    end: true,
    expect: { kind: 'closed' },
  }),
  (r) => {
    const packet = fe.startup({ user: 'trusted', database: 'dev' });
    return {
      name: 'truncated startup packet',
      phase: 'none',
      send: [packet.subarray(0, int(r, 1, packet.length - 1))],
      end: true,
      expect: { kind: 'closed' },
    };
  },
  (r) => ({
    name: 'unsupported protocol version',
    phase: 'none',
    send: [
      fe.startup(
        { user: 'trusted' },
        pick(r, [0x00020000, 0x00010000, 0x00040000, int(r, 0x00050000, 0x04d20000)]),
      ),
    ],
    expect: { kind: 'fatal', sqlstate: '0A000' },
  }),
  (r) => {
    const w = new MessageWriter(null).int32(0x00030000).cstring('user').cstring('trusted');
    w.bytes(Buffer.from(pick(r, ['database', 'x', 'application_name'])));
    return {
      name: 'startup parameters without terminator',
      phase: 'none',
      send: [w.end()],
      expect: { kind: 'fatal', sqlstate: '08P01' },
    };
  },
  (r) => ({
    name: 'cancel request of the wrong length',
    phase: 'none',
    send: [
      new MessageWriter(null)
        .int32(80877102)
        .bytes(bytes(r, pick(r, [0, 4, 12, 100])))
        .end(),
    ],
    expect: { kind: 'fatal', sqlstate: '08P01' },
  }),
  () => ({
    name: 'startup without a user',
    phase: 'none',
    send: [fe.startup({ database: 'dev' })],
    expect: { kind: 'fatal', sqlstate: '28000' },
  }),
  // ---- after startup
  (r) => ({
    name: 'declared length beyond the maximum (up to 2 GiB)',
    phase: 'trust',
    send: [
      header(pick(r, ['Q', 'P', 'd', 'B']), int(r, MAX_MESSAGE_BYTES + 1, 0x7fffffff)),
      bytes(r, int(r, 0, 100)),
    ],
    expect: { kind: 'fatal', sqlstate: '08P01' },
  }),
  (r) => ({
    name: 'declared length within the maximum, body never sent',
    phase: 'trust',
    send: [
      header(pick(r, ['Q', 'P', 'd']), int(r, 64 * 1024 * 1024, MAX_MESSAGE_BYTES)),
      bytes(r, int(r, 0, 1000)),
    ],
    end: true,
    expect: { kind: 'closed' },
  }),
  (r) => ({
    name: 'declared length below 4 (or negative)',
    phase: 'trust',
    send: [
      header(pick(r, ['Q', 'S', 'X']), pick(r, [int(r, -0x80000000, -1), int(r, 0, 3)])),
      bytes(r, 4),
    ],
    expect: { kind: 'fatal', sqlstate: '08P01' },
  }),
  (r) => {
    let type: string;
    do type = String.fromCharCode(int(r, 0, 255));
    while (VALID_TYPES.has(type));
    return {
      name: `unknown message type ${type.charCodeAt(0)}`,
      phase: 'trust',
      send: [fe.raw(type, bytes(r, int(r, 0, 50)))],
      expect: { kind: 'fatal', sqlstate: '08P01' },
    };
  },
  () => ({
    name: 'a second startup packet',
    phase: 'trust',
    send: [fe.startup({ user: 'trusted', database: 'dev' })],
    expect: { kind: 'fatal', sqlstate: '08P01' },
  }),
  () => ({
    name: 'a password message after startup',
    phase: 'trust',
    send: [fe.password('secret')],
    expect: { kind: 'fatal', sqlstate: '08P01' },
  }),
  (r) => {
    const m = pick(r, [fe.query('select 1'), fe.parse('', 'select 1'), fe.bind('', '', ['1'])]);
    return {
      name: 'truncated message, then end of input',
      phase: 'trust',
      send: [m.subarray(0, int(r, 1, m.length - 1))],
      end: true,
      expect: { kind: 'closed' },
    };
  },
  (r) => ({
    name: 'random bytes after startup',
    phase: 'trust',
    send: [bytes(r, int(r, 1, 500))],
    end: true,
    expect: { kind: 'closed' },
  }),
  (r) => {
    const n = pick(r, [0, 1, 3, 7]);
    return {
      name: `Bind with ${n} parameters for 2`,
      phase: 'trust',
      send: [
        fe.parse('', sql.addTwo),
        fe.bind(
          '',
          '',
          Array.from({ length: n }, () => '1'),
        ),
        fe.execute(''),
        fe.sync(),
      ],
      expect: { kind: 'error', sqlstate: '08P01' },
    };
  },
  (r) => ({
    name: 'Bind with more parameter formats than parameters',
    phase: 'trust',
    send: [fe.parse('', sql.addTwo), fe.bind('', '', ['1', '2'], [0, 0, int(r, 0, 1)]), fe.sync()],
    expect: { kind: 'error', sqlstate: '08P01' },
  }),
  (r) => ({
    name: 'Bind with an invalid format code',
    phase: 'trust',
    send: [
      fe.parse('', sql.addTwo),
      fe.bind('', '', ['1', '2'], [], [int(r, 2, 30000)]),
      fe.sync(),
    ],
    expect: { kind: 'error', sqlstate: '22023' },
  }),
  (r) => {
    const w = new MessageWriter('B').cstring('').cstring('').int16(0).int16(2);
    w.int32(int(r, -1000, -2))
      .bytes(bytes(r, 4))
      .int16(0);
    return {
      name: 'Bind with a negative parameter length',
      phase: 'trust',
      send: [fe.parse('', sql.addTwo), w.end(), fe.sync()],
      expect: { kind: 'error', sqlstate: '08P01' },
    };
  },
  (r) => {
    const w = new MessageWriter('B').cstring('').cstring('').int16(0).int16(1);
    w.int32(int(r, 100, 0x7fffffff)).bytes(bytes(r, 10));
    return {
      name: 'Bind parameter longer than the message',
      phase: 'trust',
      send: [fe.parse('', sql.echoOne), w.end(), fe.sync()],
      expect: { kind: 'error', sqlstate: '08P01' },
    };
  },
  (r) => {
    let kind: number;
    do kind = int(r, 0, 255);
    while (kind === 0x53 || kind === 0x50);
    const type = pick(r, ['D', 'C']);
    return {
      name: `${type === 'D' ? 'Describe' : 'Close'} with subtype ${kind}`,
      phase: 'trust',
      send: [new MessageWriter(type).int8(kind).cstring('x').end(), fe.sync()],
      expect: { kind: 'error', sqlstate: '08P01' },
    };
  },
  (r) => ({
    name: 'Parse without string terminators',
    phase: 'trust',
    send: [fe.raw('P', Buffer.from('s'.repeat(int(r, 0, 40)))), fe.sync()],
    expect: { kind: 'error', sqlstate: '08P01' },
  }),
  (r) => ({
    name: 'Query with trailing bytes after its string',
    phase: 'trust',
    send: [fe.raw('Q', Buffer.concat([Buffer.from('select 1\0'), bytes(r, int(r, 1, 20))]))],
    expect: { kind: 'error', sqlstate: '08P01' },
  }),
  (r) => ({
    name: 'Query with invalid UTF-8',
    phase: 'trust',
    send: [fe.raw('Q', Buffer.from([0x73, pick(r, [0xc3, 0xff, 0xfe, 0xed]), 0x28, 0]))],
    expect: { kind: 'error', sqlstate: '22021' },
  }),
  (r) => ({
    name: 'Execute of a portal that does not exist',
    phase: 'trust',
    send: [fe.execute(`p${int(r, 0, 99)}`), fe.sync()],
    expect: { kind: 'error', sqlstate: '34000' },
  }),
  (r) => ({
    name: 'Bind to a statement that does not exist',
    phase: 'trust',
    send: [fe.bind('', `s${int(r, 0, 99)}`, []), fe.sync()],
    expect: { kind: 'error', sqlstate: '26000' },
  }),
  (r) => ({
    name: 'random body for an extended-protocol message',
    phase: 'trust',
    send: [fe.raw(pick(r, ['P', 'B', 'D', 'E', 'C']), bytes(r, int(r, 0, 60))), fe.sync()],
    expect: { kind: 'any' },
  }),
  (r) => ({
    name: 'COPY messages outside COPY are ignored',
    phase: 'trust',
    send: [pick(r, [fe.copyData(bytes(r, 10)), fe.copyDone(), fe.copyFail('x')]), fe.sync()],
    expect: { kind: 'ignored' },
  }),
  () => ({
    name: 'FunctionCall',
    phase: 'trust',
    send: [fe.raw('F', Buffer.from([0, 0, 0, 1, 0, 0, 0, 0, 0, 0]))],
    expect: { kind: 'error', sqlstate: '0A000' },
  }),
  (r) => {
    let type: string;
    do type = pick(r, ['Q', 'P', 'B', 'E', 'X', 'D', 'p', 'Z']);
    while (type === 'X');
    return {
      name: `message ${type} during COPY in`,
      phase: 'trust',
      send: [fe.query(sql.copyIn), fe.copyData(Buffer.from('1\n')), fe.raw(type, bytes(r, 3))],
      expect: { kind: 'fatal', sqlstate: '08P01' },
    };
  },
  (r) => ({
    name: 'huge declared length during COPY in',
    phase: 'trust',
    send: [fe.query(sql.copyIn), header('d', int(r, MAX_MESSAGE_BYTES + 1, 0x7fffffff))],
    expect: { kind: 'fatal', sqlstate: '08P01' },
  }),
  // ---- authentication
  (r) => ({
    name: 'SASL with an unknown mechanism',
    phase: 'scram',
    send: [
      fe.saslInitial(pick(r, ['SCRAM-SHA-1', 'PLAIN', 'SCRAM-SHA-256-PLUS', '']), 'n,,n=,r=abc'),
    ],
    expect: { kind: 'fatal', sqlstate: '08P01' },
  }),
  (r) => ({
    name: 'SASL with a garbage client-first-message',
    phase: 'scram',
    send: [
      fe.saslInitial(
        'SCRAM-SHA-256',
        pick(r, [
          '',
          'x',
          'n,,',
          'n,,r=abc',
          'p=tls-unique,,n=,r=a',
          'n,,n=,r=a b',
          bytes(r, 20).toString('latin1'),
        ]),
      ),
    ],
    expect: { kind: 'fatal', sqlstate: '08P01' },
  }),
  () => ({
    name: 'SASL initial response without data',
    phase: 'scram',
    send: [fe.saslInitial('SCRAM-SHA-256', null)],
    expect: { kind: 'fatal', sqlstate: '08P01' },
  }),
  (r) => ({
    name: 'not a password message during authentication',
    phase: pick(r, ['scram', 'md5'] as const),
    send: [pick(r, [fe.query('select 1'), fe.sync(), fe.raw('x', bytes(r, 4))])],
    expect: { kind: 'fatal', sqlstate: '08P01' },
  }),
  (r) => ({
    name: 'SASL garbage client-final-message',
    phase: 'scram',
    validFirst: true,
    send: [
      fe.saslResponse(
        pick(r, ['', 'c=biws', 'c=biws,r=x,p=AAAA', 'garbage', bytes(r, 30).toString('latin1')]),
      ),
    ],
    expect: { kind: 'fatal', sqlstate: '08P01' },
  }),
  () => ({
    name: 'SASL wrong proof',
    phase: 'scram',
    validFirst: true,
    send: [], // filled in by the runner with a proof for the wrong password
    expect: { kind: 'fatal', sqlstate: '28P01' },
  }),
  (r) => ({
    name: 'MD5 wrong response',
    phase: 'md5',
    send: [fe.password(pick(r, ['', 'md5', 'md5' + '0'.repeat(32), bytes(r, 8).toString('hex')]))],
    expect: { kind: 'fatal', sqlstate: '28P01' },
  }),
  (r) => ({
    name: 'MD5 password message without terminator',
    phase: 'md5',
    send: [
      fe.raw(
        'p',
        bytes(r, 10).map((b) => b | 1),
      ),
    ],
    expect: { kind: 'fatal', sqlstate: '08P01' },
  }),
];

/** The cases of `seed`, in the order they run: `count` from the generators in turn, shuffled. */
export function malformedCases(sql: CaseSql, seed = SEED, count = CASES): Case[] {
  const rand = seededRandom(seed);
  const all = generators(sql);
  return Array.from({ length: count }, (_, i) => all[i % all.length] as (r: Rand) => Case)
    .map((g) => g(rand))
    .sort(() => rand() - 0.5);
}

/** How a fresh raw connection reaches a case's phase on the server under test. */
export interface CaseServer {
  port: number;
  /**
   * trust: authenticated, after the first ReadyForQuery. scram / md5: the startup packet of a
   * user with that password method sent, and its first authentication request ('R') read.
   */
  enter(client: RawClient, phase: 'trust' | 'scram' | 'md5'): Promise<void>;
}

const types = (ms: BackendMessage[]) => ms.map((m) => m.type).join('');

/** Runs one case on a new connection; throws (an assertion error) when the server misbehaves. */
export async function runCase(c: Case, server: CaseServer): Promise<void> {
  const client = await RawClient.connect(server.port);
  try {
    if (c.phase !== 'none') await server.enter(client, c.phase);
    let send = c.send;
    if (c.validFirst) {
      const bare = 'n=,r=fuzzclientnonce';
      client.send(fe.saslInitial('SCRAM-SHA-256', `n,,${bare}`));
      const cont = await client.read();
      assert.equal(cont?.type, 'R');
      const serverFirst = (cont?.body as Buffer).subarray(4).toString();
      if (send.length === 0)
        send = [fe.saslResponse(scramClientFinal('wrong', bare, serverFirst).clientFinal)];
    }
    client.send(...send);
    if (c.end) client.socket.end();

    const e = c.expect;
    if (e.kind === 'fatal') {
      const ms = await client.readUntil('E');
      const last = ms.at(-1);
      assert.equal(last?.type, 'E', `expected an ErrorResponse, got "${types(ms)}"`);
      const f = reportFields(last.body);
      assert.equal(f.S, 'FATAL', f.M);
      if (e.sqlstate !== undefined) assert.equal(f.C, e.sqlstate, f.M);
      assert.ok(await client.waitClosed(), 'the server closed the connection');
    } else if (e.kind === 'error' || e.kind === 'ignored' || e.kind === 'any') {
      const ms = await client.readUntil('Z');
      if (e.kind !== 'any') {
        assert.equal(ms.at(-1)?.type, 'Z', `expected ReadyForQuery, got "${types(ms)}"`);
        const errors = ms.filter((m) => m.type === 'E').map((m) => reportFields(m.body));
        if (e.kind === 'ignored') assert.equal(errors.length, 0);
        else {
          assert.equal(errors.length, 1, `expected one ErrorResponse, got "${types(ms)}"`);
          assert.equal(errors[0]?.S, 'ERROR');
          if (e.sqlstate !== undefined) assert.equal(errors[0]?.C, e.sqlstate, errors[0]?.M);
        }
      }
      // The connection still works; Terminate closes it.
      if (!client.closed) {
        client.send(fe.query('select 1'));
        assert.equal(types(await client.readUntil('Z')), 'TDCZ');
        client.send(fe.terminate());
      }
      assert.ok(await client.waitClosed(), 'the server closed the connection');
    } else {
      assert.ok(await client.waitClosed(), 'the server closed the connection');
    }
  } finally {
    client.destroy();
  }
}
