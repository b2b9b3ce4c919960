// A Lakeshift session without a server: a lake in a directory of the caller's, the session
// manager, and one session of the admin user in database dev — the statement path a client's
// statements take, for tests and benchmarks that call the session room directly.
import { join } from 'node:path';
import pino from 'pino';
import { Engine } from '../../src/engine/index.js';
import { bootstrapNamespace } from '../../src/session/bootstrap.js';
import { History } from '../../src/session/history.js';
import { SessionManager } from '../../src/session/manager.js';
import type { Session } from '../../src/session/session.js';
import type { NoticeFields, ResultSink } from '../../src/session/wire.js';
import { Lake } from '../../src/storage/index.js';

export interface LocalSession {
  session: Session;
  /** Closes the session, the lake and the engine (the directory stays). */
  close(): Promise<void>;
}

/** Opens a fresh lake in `dir` (catalog.sqlite, data/, history.jsonl) and a session on it. */
export async function openLocalSession(dir: string, threads = 2): Promise<LocalSession> {
  const engine = await Engine.create({ threads });
  const lake = await Lake.open({
    catalog: join(dir, 'catalog.sqlite'),
    storage: join(dir, 'data'),
    duckdb: engine.instance,
  });
  await bootstrapNamespace(lake, 'Local1local');
  const manager = new SessionManager({
    lake,
    engine,
    history: new History(join(dir, 'history.jsonl')),
    log: pino({ level: 'silent' }),
    maxConnections: 4,
  });
  await manager.prepareEngine();
  const pending = await manager.startup({
    user: 'admin',
    database: 'dev',
    parameters: {},
    remoteAddress: '127.0.0.1',
    remotePort: 0,
    ssl: false,
  } as Parameters<SessionManager['startup']>[0]);
  const session = (await pending.accept()) as unknown as Session;
  return {
    session,
    async close() {
      await session.close();
      await lake.close();
      engine.close();
    },
  };
}

/** A sink that drops results; COPY FROM STDIN reads `copyChunks`; notices go to `onNotice`. */
export function quietSink(
  copyChunks: Iterable<string> = [],
  onNotice: (n: NoticeFields) => void = () => {},
): ResultSink {
  return {
    rowDescription() {},
    dataRows() {},
    commandComplete() {},
    emptyQuery() {},
    notice: onNotice,
    parameterStatus() {},
    async *copyIn() {
      for (const chunk of copyChunks) yield Buffer.from(chunk, 'utf8');
    },
    copyOutStart() {},
    copyData() {},
    copyDone() {},
  };
}
