// A TCP proxy on 127.0.0.1 and a free port in front of a test server, to make the server
// unreachable and reachable again without restarting it (kinesalite, for one, forgets its
// streams when it restarts): pause() closes the port and drops every connection through it,
// resume() listens on the same port again.

import { createServer, connect, type Server, type Socket } from 'node:net';

export interface TcpProxy {
  port: number;
  /** Closes the port (connections are refused) and drops the open connections. */
  pause(): Promise<void>;
  /** Listens on the same port again. */
  resume(): Promise<void>;
  /** pause(), for good. */
  stop(): Promise<void>;
}

export async function startTcpProxy(
  targetPort: number,
  targetHost = '127.0.0.1',
): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  const track = (socket: Socket): void => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  };
  const listen = async (port: number): Promise<Server> => {
    const server = createServer((client) => {
      const upstream = connect(targetPort, targetHost);
      track(client);
      track(upstream);
      const drop = (): void => {
        client.destroy();
        upstream.destroy();
      };
      client.once('error', drop).once('close', drop);
      upstream.once('error', drop).once('close', drop);
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    return server;
  };
  let server: Server | undefined = await listen(0);
  const port = (server.address() as { port: number }).port;
  const pause = async (): Promise<void> => {
    const closing = server;
    server = undefined;
    if (closing === undefined) return;
    const closed = new Promise<void>((resolve) => closing.close(() => resolve()));
    for (const socket of sockets) socket.destroy();
    await closed;
  };
  return {
    port,
    pause,
    async resume() {
      server ??= await listen(port);
    },
    stop: pause,
  };
}
