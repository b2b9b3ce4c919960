import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { isLakeshiftError } from '../common/errors.js';
import { envName, loadConfig } from './config.js';

test('embedded defaults: port 5439 on 127.0.0.1, catalog and files under the data dir', () => {
  const c = loadConfig({}, {});
  assert.equal(c.port, 5439);
  assert.equal(c.host, '127.0.0.1');
  assert.equal(c.dataDir, resolve('./lakeshift-data'));
  assert.equal(c.catalogLocation, join(resolve('./lakeshift-data'), 'catalog.db'));
  assert.equal(c.storageLocation, join(resolve('./lakeshift-data'), 'files'));
});

test('precedence: flags over LAKESHIFT_* over the config file over defaults', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lakeshift-config-'));
  const file = join(dir, 'lakeshift.json');
  writeFileSync(file, JSON.stringify({ port: 6000, host: '0.0.0.0', maxConnections: 7 }));
  const c = loadConfig(
    { config: file, port: '7000' },
    { LAKESHIFT_PORT: '6500', LAKESHIFT_HOST: '::1' },
  );
  assert.equal(c.port, 7000);
  assert.equal(c.host, '::1');
  assert.equal(c.maxConnections, 7);
  assert.equal(envName('adminPort'), 'LAKESHIFT_ADMIN_PORT');
});

function rejects(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (e: unknown) => isLakeshiftError(e) && pattern.test(e.message));
}

test('bad values name the setting and where it came from', () => {
  rejects(
    () => loadConfig({}, { LAKESHIFT_PORT: 'abc' }),
    /invalid setting port \(from LAKESHIFT_PORT\)/,
  );
  rejects(() => loadConfig({ port: '70000' }, {}), /invalid setting port \(from --port\)/);
  rejects(() => loadConfig({ logLevel: 'loud' }, {}), /invalid setting logLevel/);
  rejects(() => loadConfig({ tlsCert: '/x.pem' }, {}), /give both --tls-cert and --tls-key/);
  rejects(
    () => loadConfig({ tlsCert: '/x', tlsKey: '/y', tlsSelfSigned: true }, {}),
    /exclude each other/,
  );
  const dir = mkdtempSync(join(tmpdir(), 'lakeshift-config-'));
  const file = join(dir, 'bad.json');
  writeFileSync(file, '{"port": 5439, "colour": "blue"}');
  rejects(() => loadConfig({ config: file }, {}), /unknown setting colour/);
  writeFileSync(file, '{ not json');
  rejects(() => loadConfig({ config: file }, {}), /cannot read the config file/);
  rejects(
    () => loadConfig({ config: join(dir, 'missing.json') }, {}),
    /cannot read the config file/,
  );
});

test('maintenanceWindow: Redshift’s format from a flag, the environment or the file', () => {
  assert.equal(loadConfig({}, {}).maintenanceWindow, undefined);
  assert.equal(
    loadConfig({ maintenanceWindow: 'SUN:05:30-sun:06:00' }, {}).maintenanceWindow,
    'sun:05:30-sun:06:00',
  );
  assert.equal(
    loadConfig({}, { LAKESHIFT_MAINTENANCE_WINDOW: 'sun:23:30-mon:00:30' }).maintenanceWindow,
    'sun:23:30-mon:00:30',
  );
  const dir = mkdtempSync(join(tmpdir(), 'lakeshift-config-'));
  const file = join(dir, 'lakeshift.json');
  writeFileSync(file, JSON.stringify({ maintenanceWindow: 'wed:07:30-wed:08:00' }));
  assert.equal(loadConfig({ config: file }, {}).maintenanceWindow, 'wed:07:30-wed:08:00');
  rejects(
    () => loadConfig({ maintenanceWindow: 'sun:05:30-sun:05:45' }, {}),
    /^invalid setting maintenanceWindow \(from --maintenance-window\): invalid maintenance window "sun:05:30-sun:05:45": it lasts 15 minutes; a window must last at least 30 minutes, got "sun:05:30-sun:05:45"$/,
  );
  rejects(
    () => loadConfig({}, { LAKESHIFT_MAINTENANCE_WINDOW: 'sunday 5am' }),
    /invalid setting maintenanceWindow \(from LAKESHIFT_MAINTENANCE_WINDOW\): .*ddd:hh24:mi-ddd:hh24:mi/,
  );
});
