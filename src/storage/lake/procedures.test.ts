// Stored procedures in the lake, on both catalog backends: overloads by input types, OR
// REPLACE as a new version of the same procedure, drop, rename and owner changes, rollback,
// time travel, schemas dropped with their procedures, concurrent creation of one signature, and
// the upgrade of a format-4 catalog.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { isLakeshiftError, type SqlStateCode } from '../../common/errors.js';
import { catalogBackends } from '../../../test/support/catalog-backends.js';
import { openCatalogDb } from '../catalog/open.js';
import { CATALOG_FORMAT_VERSION, initCatalog } from '../catalog/schema.js';
import { cloneNamespace } from '../maintenance/clone.js';
import { Lake } from './lake.js';
import { procedureArgument, procedureDefinition } from '../../../test/support/procedures.js';
import type { ProcedureArgument, ProcedureInfo } from './types.js';

const { backends, tempDir, cleanup } = catalogBackends('lakeshift-procedures-');
after(cleanup);

const arg = procedureArgument;
const definition = procedureDefinition;

async function rejectsWith(p: Promise<unknown>, sqlstate: SqlStateCode, message: string) {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(isLakeshiftError(e, sqlstate), `expected ${sqlstate}, got ${String(e)}`);
    assert.equal((e as Error).message, message);
    return true;
  });
}

const signatures = (ps: ProcedureInfo[]) =>
  ps.map((p) => `${p.schemaName}.${p.name}(${p.arguments.map((a) => a.type).join(',')})`);

for (const backend of backends) {
  describe(`procedures on ${backend.name}`, () => {
    let lake: Lake;
    before(async () => {
      lake = await Lake.open({ catalog: await backend.fresh(), storage: join(tempDir(), 'f') });
      await lake.transaction(async (tx) => {
        await tx.createSchema('public');
        await tx.createSchema('etl');
      });
    });
    after(() => lake.close());

    test('overloads differ in input types; OUT arguments do not count, INOUT ones do', async () => {
      await lake.transaction(async (tx) => {
        await tx.createProcedure('public', 'sp_a', definition([arg('integer')]));
        await tx.createProcedure('public', 'sp_a', definition([arg('character varying')]));
        await tx.createProcedure('public', 'sp_a', definition([arg('integer'), arg('integer')]));
        await tx.createProcedure('public', 'sp_a', definition([arg('bigint', 'inout')]));
        await rejectsWith(
          tx.createProcedure('public', 'sp_a', definition([arg('integer'), arg('date', 'out')])),
          '42723',
          'function "sp_a" already exists with same argument types',
        );
      });
      const tx = await lake.begin();
      try {
        assert.deepEqual(signatures(await tx.getProcedures('public', 'sp_a')), [
          'public.sp_a(integer)',
          'public.sp_a(character varying)',
          'public.sp_a(integer,integer)',
          'public.sp_a(bigint)',
        ]);
        const p = await tx.getProcedure('public', 'sp_a', ['bigint']);
        assert.equal(p?.arguments[0]?.mode, 'inout');
        assert.equal(await tx.getProcedure('public', 'sp_a', ['date']), undefined);
        assert.deepEqual(await tx.getProcedures('etl', 'sp_a'), []);
        assert.deepEqual(await tx.getProcedures('nope', 'sp_a'), []);
      } finally {
        await tx.rollback();
      }
    });

    test('OR REPLACE keeps the id and owner as a new version; older snapshots read the old one', async () => {
      const first = await lake.transaction((tx) =>
        tx.createProcedure('etl', 'sp_load', {
          ...definition([arg('integer', 'in', 'n'), arg('integer', 'out', 'loaded')], 'v1'),
          config: [{ name: 'search_path', value: 'etl' }],
        }),
      );
      const before = (await lake.snapshots()).at(-1)!.snapshotId;
      const replaced = await lake.transaction((tx) =>
        tx.createProcedure(
          'etl',
          'sp_load',
          {
            ...definition([arg('integer', 'in', 'n'), arg('integer', 'out')], 'v2'),
            ownerUserId: 7,
          },
          { orReplace: true },
        ),
      );
      assert.equal(replaced.procedureId, first.procedureId);
      assert.equal(replaced.ownerUserId, 100);
      const now = await lake.begin();
      const then = await lake.begin({ snapshotId: before });
      try {
        const [current] = await now.getProcedures('etl', 'sp_load');
        assert.equal(current?.body, 'v2');
        assert.deepEqual(current?.config, []);
        const [old] = await then.getProcedures('etl', 'sp_load');
        assert.equal(old?.body, 'v1');
        assert.deepEqual(old?.config, [{ name: 'search_path', value: 'etl' }]);
        assert.deepEqual(signatures(await then.listProcedures('etl')), [
          'etl.sp_load(integer,integer)',
        ]);
      } finally {
        await now.rollback();
        await then.rollback();
      }
    });

    test('OR REPLACE may not change outputs, input names or defaults', async () => {
      await lake.transaction(async (tx) => {
        await tx.createProcedure('public', 'sp_r', {
          ...definition([arg('integer', 'in', 'a'), arg('integer', 'inout', 'b')]),
        });
        const replace = (args: ProcedureArgument[]) =>
          tx.createProcedure('public', 'sp_r', definition(args), { orReplace: true });
        await rejectsWith(
          replace([arg('integer', 'in', 'a'), arg('integer', 'inout', 'b'), arg('date', 'out')]),
          '42P13',
          'cannot change return type of existing function',
        );
        await rejectsWith(
          replace([arg('integer', 'in', 'a'), arg('integer', 'in', 'b')]),
          '42P13',
          'cannot change whether a procedure has output parameters',
        );
        await rejectsWith(
          replace([arg('integer', 'in', 'x'), arg('integer', 'inout', 'b')]),
          '42P13',
          'cannot change name of input parameter "a"',
        );
      });
    });

    test('drop, rename and owner changes; a rename onto an existing signature fails', async () => {
      await lake.transaction(async (tx) => {
        await tx.createProcedure('public', 'sp_old', definition([arg('integer')]));
        await tx.createProcedure('public', 'sp_taken', definition([arg('integer')]));
        await tx.createProcedure('public', 'sp_taken', definition([arg('date')]));
      });
      await lake.transaction(async (tx) => {
        await rejectsWith(
          tx.renameProcedure(
            { schema: 'public', name: 'sp_old', inputTypes: ['integer'] },
            'sp_taken',
          ),
          '42723',
          'function sp_taken(integer) already exists in schema "public"',
        );
        await tx.dropProcedure({ schema: 'public', name: 'sp_taken', inputTypes: ['integer'] });
        await tx.renameProcedure(
          { schema: 'public', name: 'sp_old', inputTypes: ['integer'] },
          'sp_taken',
        );
        await tx.setProcedureOwner(
          { schema: 'public', name: 'sp_taken', inputTypes: ['integer'] },
          42,
        );
        await rejectsWith(
          tx.dropProcedure({ schema: 'public', name: 'sp_old', inputTypes: ['integer'] }),
          '42883',
          'procedure sp_old(integer) does not exist',
        );
      });
      const tx = await lake.begin();
      try {
        const taken = await tx.getProcedures('public', 'sp_taken');
        assert.deepEqual(
          taken.map((p) => [p.arguments[0]?.type, p.ownerUserId]),
          [
            ['integer', 42],
            ['date', 100],
          ],
        );
        assert.deepEqual(await tx.getProcedures('public', 'sp_old'), []);
      } finally {
        await tx.rollback();
      }
    });

    test('a rolled-back transaction leaves no procedure behind', async () => {
      const tx = await lake.begin();
      await tx.createProcedure('public', 'sp_gone', definition([]));
      assert.equal((await tx.getProcedures('public', 'sp_gone')).length, 1);
      await tx.rollback();
      const rows = await lake.db.all(
        `SELECT 1 FROM lake_procedure WHERE procedure_name = 'sp_gone'`,
      );
      assert.deepEqual(rows, []);
    });

    test('a schema with procedures drops only with CASCADE, and takes them along', async () => {
      await lake.transaction(async (tx) => {
        await tx.createSchema('tmp');
        await tx.createProcedure('tmp', 'sp_t', definition([]));
      });
      await lake.transaction(async (tx) => {
        await rejectsWith(
          tx.dropSchema('tmp'),
          '2BP01',
          'cannot drop schema tmp because other objects depend on it',
        );
        await tx.dropSchema('tmp', { cascade: true });
      });
      const live = await lake.db.all(
        `SELECT 1 FROM lake_procedure WHERE procedure_name = 'sp_t' AND end_snapshot IS NULL`,
      );
      assert.deepEqual(live, []);
    });

    test('two transactions creating the same signature: the later commit fails with 40001', async () => {
      const a = await lake.begin();
      const b = await lake.begin();
      await a.createProcedure('public', 'sp_race', definition([arg('integer')]));
      await b.createProcedure('public', 'sp_race', definition([arg('integer')]));
      await a.commit();
      await assert.rejects(b.commit(), (e: unknown) => isLakeshiftError(e, '40001'));
      // Another input type is another procedure: no conflict.
      const c = await lake.begin();
      const d = await lake.begin();
      await c.createProcedure('public', 'sp_race2', definition([arg('integer')]));
      await d.createProcedure('public', 'sp_race2', definition([arg('bigint')]));
      await c.commit();
      await d.commit();
    });

    test('a clone holds the procedures of its snapshot', async () => {
      const snapshot = (await lake.snapshots()).at(-1)!.snapshotId;
      const dir = tempDir();
      const clone = await cloneNamespace(lake, snapshot, {
        catalog: join(dir, 'clone.db'),
        storage: join(dir, 'files'),
      });
      try {
        const tx = await clone.begin();
        assert.deepEqual(signatures(await tx.getProcedures('public', 'sp_race2')), [
          'public.sp_race2(integer)',
          'public.sp_race2(bigint)',
        ]);
        await tx.rollback();
      } finally {
        await clone.close();
      }
    });

    test('a catalog of format 4 gains lake_procedure when opened', async () => {
      const location = await backend.fresh();
      const db = await openCatalogDb(location);
      await initCatalog(db, 'ns');
      await db.run(`DROP TABLE lake_procedure`);
      await db.run(`DROP TABLE lake_mv_state`);
      await db.run(`UPDATE lake_metadata SET value = '4' WHERE key = 'format_version'`);
      await db.close();
      assert.equal(CATALOG_FORMAT_VERSION, 6);
      const upgraded = await Lake.open({ catalog: location, storage: join(tempDir(), 'f') });
      try {
        const v = await upgraded.db.get<{ value: string }>(
          `SELECT value FROM lake_metadata WHERE key = 'format_version'`,
        );
        assert.equal(v?.value, '6');
        await upgraded.transaction(async (tx) => {
          await tx.createSchema('public');
          await tx.createProcedure('public', 'sp_new', definition([]));
        });
        const tx = await upgraded.begin();
        assert.equal((await tx.listProcedures()).length, 1);
        // Format 6's lake_mv_state came with the upgrade too.
        assert.equal(await tx.getMvState(1), undefined);
        await tx.rollback();
      } finally {
        await upgraded.close();
      }
    });
  });
}
