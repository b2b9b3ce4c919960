// The admin HTTP endpoint.
//   GET  /health  200 with the server's status while it accepts connections, 503 while it shuts
//                 down; the availability (open, paused, maintenance) and the last maintenance
//                 round are in the body. Used by `lakeshift status`, load balancers and tests.
//   POST /pause   pauses the workgroup (`lakeshift pause`); POST /resume resumes it. Both take a
//   POST /resume  superuser's name and password as HTTP Basic credentials (RFC 7617): 401
//                 without valid ones, 403 for a user who is not a superuser; 200 with the
//                 availability after the change.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AvailabilityReport } from '../../ops/availability.js';

export interface HealthReport {
  status: 'ok' | 'shutting down';
  version: string;
  uptimeSeconds: number;
  sessions: number;
  wire: { host: string; port: number };
  catalog: string;
  storage: string;
  snapshot: number;
  availability: AvailabilityReport;
  maintenance: {
    lastRound: {
      trigger: string;
      startedAt: string;
      finishedAt: string;
      error?: string;
    } | null;
  };
}

/** What POST /pause and /resume do, behind the password check. */
export interface AdminControls {
  checkPassword(user: string, password: string): Promise<'ok' | 'not superuser' | 'invalid'>;
  pause(by: string): AvailabilityReport;
  resume(by: string): AvailabilityReport;
}

export interface AdminServer {
  host: string;
  port: number;
  close(): Promise<void>;
}

function send(res: ServerResponse, status: number, body: unknown, headers = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

/** user and password of an `Authorization: Basic base64(user:password)` header. */
export function basicCredentials(
  header: string | undefined,
): { user: string; password: string } | undefined {
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
  if (m === null) return undefined;
  const text = Buffer.from(m[1]!, 'base64').toString('utf8');
  const colon = text.indexOf(':');
  if (colon <= 0) return undefined;
  return { user: text.slice(0, colon), password: text.slice(colon + 1) };
}

async function control(
  req: IncomingMessage,
  res: ServerResponse,
  controls: AdminControls,
  action: 'pause' | 'resume',
): Promise<void> {
  req.resume(); // a body, if any, means nothing
  const credentials = basicCredentials(req.headers.authorization);
  const outcome = credentials
    ? await controls.checkPassword(credentials.user, credentials.password)
    : 'invalid';
  if (credentials === undefined || outcome === 'invalid') {
    send(
      res,
      401,
      { error: `${action} needs a superuser's name and password (HTTP Basic authentication)` },
      { 'www-authenticate': 'Basic realm="lakeshift admin", charset="UTF-8"' },
    );
    return;
  }
  if (outcome === 'not superuser') {
    send(res, 403, { error: `permission denied: only superusers may ${action} the warehouse` });
    return;
  }
  send(
    res,
    200,
    action === 'pause' ? controls.pause(credentials.user) : controls.resume(credentials.user),
  );
}

export async function startAdminServer(opts: {
  host: string;
  port: number;
  health: () => Promise<HealthReport>;
  controls: AdminControls;
}): Promise<AdminServer> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0]!.replace(/\/$/, '');
    const route =
      path === '/health'
        ? 'health'
        : path === '/pause' || path === '/resume'
          ? 'control'
          : undefined;
    if (route === undefined) {
      send(res, 404, { error: 'not found', try: '/health' });
      return;
    }
    const method = route === 'health' ? 'GET' : 'POST';
    if (req.method !== method) {
      send(res, 405, { error: `${path} takes ${method}` }, { allow: method });
      return;
    }
    if (route === 'control') {
      control(req, res, opts.controls, path === '/pause' ? 'pause' : 'resume').catch((e: unknown) =>
        send(res, 500, { error: String((e as Error)?.message ?? e) }),
      );
      return;
    }
    opts.health().then(
      (report) => send(res, report.status === 'ok' ? 200 : 503, report),
      (e: unknown) =>
        send(res, 503, { status: 'unhealthy', error: String((e as Error)?.message ?? e) }),
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
