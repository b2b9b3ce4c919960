// End-to-end estimate of the streaming target: a minimal PostgreSQL-protocol server (trust auth,
// simple Query only — a stand-in for the real pgwire room) streams a 5M-row narrow result through
// ResultCursor to node-postgres on the same machine, which parses every row (rowMode 'array',
// its default type parsers). Reports rows/s as the client sees them.
// Run: npx tsx bench/engine/pg-client.ts [rows]
import { createServer, type Socket } from 'node:net';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import {
  Engine,
  ResultCursor,
  describeResult,
  type FieldDescription,
} from '../../src/engine/index.js';

const ROWS = Number(process.argv[2] ?? 5_000_000);
const SQL = `SELECT i AS id, (i % 1000)::INTEGER AS k, 'name-' || i AS name, (i / 100)::DECIMAL(12,2) AS amount FROM range(${ROWS}) t(i)`;

function message(type: string, body: Buffer): Buffer {
  const head = Buffer.alloc(5);
  head.write(type, 0, 'latin1');
  head.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([head, body]);
}

function cstr(s: string): Buffer {
  return Buffer.from(s + '\0', 'utf8');
}

function rowDescription(fields: FieldDescription[]): Buffer {
  const parts: Buffer[] = [Buffer.alloc(2)];
  parts[0]!.writeInt16BE(fields.length);
  for (const f of fields) {
    const b = Buffer.alloc(18);
    b.writeInt32BE(f.tableOid, 0);
    b.writeInt16BE(f.columnAttr, 4);
    b.writeInt32BE(f.typeOid, 6);
    b.writeInt16BE(f.typeSize, 10);
    b.writeInt32BE(f.typeModifier, 12);
    b.writeInt16BE(f.format, 16);
    parts.push(cstr(f.name), b);
  }
  return message('T', Buffer.concat(parts));
}

function write(socket: Socket, data: Uint8Array): void | Promise<void> {
  if (socket.write(data)) return;
  return new Promise((resolve) => socket.once('drain', () => resolve()));
}

async function main(): Promise<void> {
  const engine = await Engine.create({ threads: 1 });
  const server = createServer((socket) => {
    let buffered = Buffer.alloc(0);
    let started = false;
    socket.on('data', (data: Buffer) => {
      buffered = Buffer.concat([buffered, data]);
      if (!started) {
        if (buffered.length < 4 || buffered.length < buffered.readInt32BE(0)) return;
        buffered = buffered.subarray(buffered.readInt32BE(0));
        started = true;
        const ok = Buffer.alloc(4);
        socket.write(message('R', ok));
        socket.write(message('S', Buffer.concat([cstr('client_encoding'), cstr('UTF8')])));
        socket.write(message('Z', Buffer.from('I')));
      }
      while (buffered.length >= 5 && buffered.length >= 1 + buffered.readInt32BE(1)) {
        const type = String.fromCharCode(buffered[0]!);
        const len = buffered.readInt32BE(1);
        const body = buffered.subarray(5, 1 + len);
        buffered = buffered.subarray(1 + len);
        if (type === 'X') socket.end();
        if (type === 'Q') void query(socket, body.subarray(0, body.length - 1).toString('utf8'));
      }
    });
  });
  const query = async (socket: Socket, sql: string): Promise<void> => {
    const connection = await engine.connect();
    const result = await connection.run(sql);
    const fields = describeResult(result.columnNames, result.columnTypes);
    socket.write(rowDescription(fields));
    const cursor = new ResultCursor(result, fields);
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    await cursor.next(0, (m) => write(socket, m));
    const cpu = process.cpuUsage(cpu0);
    if (cursor.rowCount > 100_000) {
      console.log(
        `server streamed ${cursor.rowCount} rows in ${((performance.now() - t0) / 1000).toFixed(2)} s ` +
          `(server CPU incl. DuckDB threads ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s)`,
      );
    }
    socket.write(message('C', cstr(`SELECT ${cursor.rowCount}`)));
    socket.write(message('Z', Buffer.from('I')));
    connection.close();
  };
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  // The client runs in its own process, as a real client would.
  const child = spawn(
    process.execPath,
    [...process.execArgv, fileURLToPath(import.meta.url), String(ROWS), String(port)],
    {
      stdio: 'inherit',
    },
  );
  await new Promise((resolve) => child.once('exit', resolve));
  server.close();
  engine.close();
}

async function runClient(port: number): Promise<void> {
  const client = new pg.Client({ host: '127.0.0.1', port, user: 'bench', database: 'bench' });
  await client.connect();
  await client.query({ text: SQL.replace(`range(${ROWS})`, 'range(100000)'), rowMode: 'array' });
  // Count rows as they arrive without keeping them: a Query with a row callback.
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  let rows = 0;
  await new Promise<void>((resolve, reject) => {
    const q = new pg.Query({ text: SQL, rowMode: 'array' } as pg.QueryConfig);
    q.on('row', () => {
      rows++;
    });
    q.on('end', () => resolve());
    q.on('error', reject);
    void client.query(q as unknown as pg.QueryConfig);
  });
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  console.log(
    `node-postgres received ${rows} rows in ${seconds.toFixed(2)} s: ${Math.round(rows / seconds)} rows/s ` +
      `(client CPU ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s)`,
  );
  await client.end();
}

if (process.argv[3] !== undefined) await runClient(Number(process.argv[3]));
else await main();
