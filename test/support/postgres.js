// Throwaway PostgreSQL 15 clusters for tests: initdb into a temp dir, a server on a random
// loopback port, trust auth for user 'lakeshift'. PostgreSQL refuses to run as root, so as root
// the binaries run as the 'postgres' system user (or 'nobody').
//
// A crashed test run must not leave servers behind: a process 'exit' handler kills them, and
// for deaths that skip 'exit' (SIGKILL, SIGTERM) a small detached watchdog shell, whose stdin
// is a pipe from this process, kills the server when that pipe reaches end-of-file.
import { spawn, execFile, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, openSync, closeSync, readFileSync, rmSync, } from 'node:fs';
import { rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
const BIN_DIR = '/usr/lib/postgresql/15/bin';
const SUPERUSER = 'lakeshift';
const START_TIMEOUT_MS = 30_000;
const PORT_ATTEMPTS = 5;
const execFileAsync = promisify(execFile);
/** Servers started by this process and not yet stopped; killed on exit. */
const running = new Set();
let exitHandlerInstalled = false;
function killAllSync() {
    for (const server of running) {
        try {
            // SIGQUIT is PostgreSQL's immediate shutdown: the postmaster kills its backends and exits.
            process.kill(server.pid, 'SIGQUIT');
        }
        catch {
            // Already gone.
        }
        try {
            rmSync(server.dir, { recursive: true, force: true });
        }
        catch {
            // The server may still be writing while it exits; the watchdog removes the dir a bit later.
        }
    }
    running.clear();
}
function onPath(command) {
    return (process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin')
        .split(delimiter)
        .some((dir) => dir !== '' && existsSync(join(dir, command)));
}
function resolveRunAs() {
    if (process.getuid?.() !== 0) {
        return { uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0, prefix: [] };
    }
    for (const user of ['postgres', 'nobody']) {
        const entry = spawnSync('getent', ['passwd', user], { encoding: 'utf8' });
        const fields = entry.status === 0 ? entry.stdout.trim().split(':') : [];
        const uid = Number(fields[2]);
        const gid = Number(fields[3]);
        if (fields.length < 4 || !Number.isInteger(uid) || !Number.isInteger(gid))
            continue;
        // setpriv execs the command itself, so the spawned pid is the postmaster's.
        if (onPath('setpriv')) {
            return {
                uid,
                gid,
                prefix: ['setpriv', `--reuid=${uid}`, `--regid=${gid}`, '--clear-groups', '--'],
            };
        }
        if (onPath('runuser'))
            return { uid, gid, prefix: ['runuser', '-u', user, '--'] };
        throw new Error('running PostgreSQL as root needs setpriv or runuser (util-linux)');
    }
    throw new Error('no non-root user (postgres or nobody) to run PostgreSQL as');
}
function splitCommand(runAs, binary, args) {
    const full = [...runAs.prefix, join(BIN_DIR, binary), ...args];
    return [full[0], full.slice(1)];
}
async function freePort() {
    return new Promise((resolve, reject) => {
        const server = createServer();
        server.once('error', reject);
        server.listen(0, '127.0.0.1', () => {
            const address = server.address();
            const port = typeof address === 'object' && address !== null ? address.port : 0;
            server.close(() => (port > 0 ? resolve(port) : reject(new Error('no free port'))));
        });
    });
}
function sleep(ms) {
    return new Promise((resolve) => setTimeout(resolve, ms));
}
/** The postmaster pid once postmaster.pid says "ready" (what pg_ctl -w waits for). */
function readyPid(dataDir) {
    let lines;
    try {
        lines = readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n');
    }
    catch {
        return undefined;
    }
    // Line 8 is the server status: "starting", "ready", "stopping".
    return lines[7]?.trim() === 'ready' ? Number(lines[0]) : undefined;
}
function logTail(logPath) {
    try {
        return readFileSync(logPath, 'utf8').split('\n').slice(-20).join('\n');
    }
    catch {
        return '(no log)';
    }
}
async function startServer(runAs, dir, port) {
    const dataDir = join(dir, 'data');
    const logPath = join(dir, 'postgres.log');
    const logFd = openSync(logPath, 'a');
    const [command, args] = splitCommand(runAs, 'postgres', [
        '-D',
        dataDir,
        '-p',
        String(port),
        '-k',
        dir,
        '-c',
        'listen_addresses=127.0.0.1',
        '-c',
        'fsync=off',
        '-c',
        'max_connections=200',
    ]);
    const child = spawn(command, args, { cwd: dir, stdio: ['ignore', logFd, logFd] });
    closeSync(logFd);
    let exited = false;
    child.once('exit', () => (exited = true));
    child.once('error', () => (exited = true));
    const deadline = Date.now() + START_TIMEOUT_MS;
    while (Date.now() < deadline) {
        const pid = readyPid(dataDir);
        if (pid !== undefined && !exited)
            return { kind: 'ready', child, pid };
        if (exited) {
            const log = logTail(logPath);
            if (/address already in use/i.test(log))
                return { kind: 'port-taken' };
            return { kind: 'failed', reason: log };
        }
        await sleep(20);
    }
    child.kill('SIGKILL');
    return { kind: 'failed', reason: `not ready after ${START_TIMEOUT_MS} ms\n${logTail(logPath)}` };
}
function startWatchdog(pid, dir) {
    const script = 'read _eof; kill -QUIT "$1" 2>/dev/null; sleep 1; rm -rf "$2"';
    const watchdog = spawn('sh', ['-c', script, 'pg-watchdog', String(pid), dir], {
        stdio: ['pipe', 'ignore', 'ignore'],
        detached: true,
    });
    // Neither the watchdog nor its pipe may keep the test process alive.
    watchdog.unref();
    watchdog.stdin?.unref();
    return watchdog;
}
async function createDatabase(port, database) {
    if (database === 'postgres')
        return;
    const client = new pg.Client({ host: '127.0.0.1', port, user: SUPERUSER, database: 'postgres' });
    await client.connect();
    try {
        await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`);
    }
    finally {
        await client.end();
    }
}
export async function startPostgres(opts = {}) {
    const database = opts.database ?? 'lakeshift_test';
    for (const binary of ['initdb', 'postgres']) {
        if (!existsSync(join(BIN_DIR, binary))) {
            throw new Error(`PostgreSQL 15 is not installed (${join(BIN_DIR, binary)} is missing): apt-get install -y postgresql-15`);
        }
    }
    const runAs = resolveRunAs();
    const dir = mkdtempSync(join(tmpdir(), 'lakeshift-pg-'));
    const removeDir = () => rm(dir, { recursive: true, force: true, maxRetries: 5 });
    try {
        if (runAs.prefix.length > 0)
            chownSync(dir, runAs.uid, runAs.gid);
        const dataDir = join(dir, 'data');
        const [initCommand, initArgs] = splitCommand(runAs, 'initdb', [
            ...['-D', dataDir, '-U', SUPERUSER, '--auth=trust', '-E', 'UTF8', '--locale=C'],
            ...['--no-sync', '--no-instructions'],
        ]);
        await execFileAsync(initCommand, initArgs, { cwd: dir });
        for (let attempt = 1; attempt <= PORT_ATTEMPTS; attempt++) {
            const port = await freePort();
            const outcome = await startServer(runAs, dir, port);
            if (outcome.kind === 'port-taken')
                continue;
            if (outcome.kind === 'failed')
                throw new Error(`PostgreSQL did not start:\n${outcome.reason}`);
            return await started(outcome.child, outcome.pid, dir, dataDir, port, database);
        }
        throw new Error(`PostgreSQL did not start: ${PORT_ATTEMPTS} ports in a row were taken`);
    }
    catch (e) {
        await removeDir();
        throw e;
    }
}
async function started(child, pid, dir, dataDir, port, database) {
    const server = { pid, dir };
    running.add(server);
    if (!exitHandlerInstalled) {
        process.on('exit', killAllSync);
        exitHandlerInstalled = true;
    }
    const watchdog = startWatchdog(pid, dir);
    const childExit = new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null)
            resolve();
        else
            child.once('exit', () => resolve());
    });
    let stopping;
    const stop = () => {
        stopping ??= (async () => {
            if (watchdog.pid !== undefined) {
                try {
                    process.kill(watchdog.pid, 'SIGKILL');
                }
                catch {
                    // Already gone.
                }
            }
            watchdog.stdin?.destroy();
            try {
                process.kill(pid, 'SIGQUIT');
            }
            catch {
                // Already gone.
            }
            // Give up waiting after a while; the timer must not keep the process alive itself.
            let timer;
            await Promise.race([
                childExit,
                new Promise((resolve) => (timer = setTimeout(resolve, 10_000))),
            ]);
            clearTimeout(timer);
            running.delete(server);
            await rm(dir, { recursive: true, force: true, maxRetries: 5 });
        })();
        return stopping;
    };
    try {
        await createDatabase(port, database);
    }
    catch (e) {
        await stop();
        throw e;
    }
    const url = `postgres://${SUPERUSER}@127.0.0.1:${port}/${encodeURIComponent(database)}`;
    return { url, port, dataDir, stop };
}
//# sourceMappingURL=postgres.js.map