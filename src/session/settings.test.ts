import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isLakeshiftError } from '../common/errors.js';
import { SessionSettings, searchPathSchemas } from './settings.js';

test('SET/SHOW/RESET with validation and reported changes', () => {
  const reported: [string, string][] = [];
  const s = new SessionSettings((n, v) => reported.push([n, v]));
  assert.equal(s.get('search_path'), '$user, public');
  s.set('TIMEZONE', 'america/new_york');
  assert.equal(s.get('timezone'), 'America/New_York');
  assert.deepEqual(reported, [['TimeZone', 'America/New_York']]);
  s.set('extra_float_digits', '3');
  s.set('enable_case_sensitive_identifier', 'true');
  assert.equal(s.get('enable_case_sensitive_identifier'), 'on');
  s.set('statement_timeout', '2s');
  assert.equal(s.get('statement_timeout'), '2000');
  assert.throws(
    () => s.set('extra_float_digits', '9'),
    (e: unknown) => isLakeshiftError(e, '22023'),
  );
  assert.throws(
    () => s.set('no_such_thing', '1'),
    (e: unknown) => isLakeshiftError(e, '42704'),
  );
  assert.throws(
    () => s.set('server_version', '9'),
    (e: unknown) => isLakeshiftError(e, '55P02'),
  );
  s.reset('timezone');
  assert.equal(s.get('TimeZone'), 'UTC');
});

test('transactions: SET LOCAL ends with the transaction, ROLLBACK undoes SET', () => {
  const s = new SessionSettings(() => undefined);
  s.set('application_name', 'a', { inTransaction: true });
  s.set('query_group', 'etl', { local: true, inTransaction: true });
  s.endTransaction(true);
  assert.equal(s.get('application_name'), 'a');
  assert.equal(s.get('query_group'), 'default');
  s.set('application_name', 'b', { inTransaction: true });
  s.endTransaction(false);
  assert.equal(s.get('application_name'), 'a');
});

test('search_path: $user and quoting', () => {
  assert.deepEqual(searchPathSchemas('$user, public, "Mixed"', 'bob'), ['bob', 'public', 'Mixed']);
});
