// The admin HTTP endpoint: GET /health answers 200 with the server's status while it accepts
// connections, 503 while it shuts down. Used by `lakeshift status`, load balancers and tests.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HealthReport {
  status: 'ok' | 'shutting down';
  version: string;
  uptimeSeconds: number;
  sessions: number;
  wire: { host: string; port: number };
  catalog: string;
  storage: string;
  snapshot: number;
}

export interface AdminServer {
  host: string;
  port: number;
  close(): Promise<void>;
}

export async function startAdminServer(opts: {
  host: string;
  port: number;
  health: () => Promise<HealthReport>;
}): Promise<AdminServer> {
  const server: Server = createServer((req, res) => {
    if (req.method !== 'GET' || (req.url !== '/health' && req.url !== '/health/')) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 'not found', try: '/health' }));
      return;
    }
    opts.health().then(
      (report) => {
        res.writeHead(report.status === 'ok' ? 200 : 503, { 'content-type': 'application/json' });
        res.end(JSON.stringify(report));
      },
      (e: unknown) => {
        res.writeHead(503, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ status: 'unhealthy', error: String((e as Error)?.message ?? e) }));
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  return {
    host: opts.host,
    port: address.port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
