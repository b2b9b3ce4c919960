// Regenerates this directory's corpus: the statements real clients send, read from the log of a
// throwaway PostgreSQL 15 (log_statement=all). Run: node --import tsx src/sql/parser/corpus/capture.ts
// Needs psql, /usr/bin/python3 with psycopg2 + SQLAlchemy 1.4, java and /usr/share/java/postgresql.jar.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import pg from 'pg';
import { startPostgres } from '../../../../test/support/postgres.js';
import { CORPUS_DIR } from './load.js';

const PSQL_COMMANDS = [
  '\\dt',
  '\\d t1',
  '\\d v1',
  '\\dn',
  '\\l',
  '\\du',
  '\\df',
  '\\dv',
  '\\d',
  '\\d+ t1',
];

const SCHEMA = `create type t_mood as enum ('a','b');
  create table t0 (id int primary key);
  create table t1 (id int primary key, name text not null default 'x' check (name <> ''),
    ref int references t0(id), m t_mood, unique (name, ref));
  create index t1_ref on t1 (ref) where ref > 0; comment on table t1 is 'hello';
  create view v1 as select id, name from t1;
  create function f1(a int) returns int language sql as 'select a';`;

const SQLALCHEMY = String.raw`import sys, sqlalchemy as sa, psycopg2
url = sys.argv[1]
conn = psycopg2.connect(url); cur = conn.cursor(); cur.execute("select 1"); cur.fetchall(); conn.commit(); conn.close()
e = sa.create_engine('postgresql+psycopg2://' + url.split('://',1)[1])
with e.connect() as c:
    c.execute(sa.text("select 1")).fetchall()
i = sa.inspect(e)
i.get_schema_names(); i.get_table_names(); i.get_view_names(); i.has_table('t1')
i.get_columns('t1'); i.get_pk_constraint('t1'); i.get_foreign_keys('t1'); i.get_indexes('t1')
i.get_unique_constraints('t1'); i.get_check_constraints('t1'); i.get_table_comment('t1')
i.get_view_definition('v1'); i.get_columns('v1')
m = sa.MetaData(); t = sa.Table('t1', m, autoload_with=e)
with e.connect() as c:
    c.execute(sa.select(t).where(t.c.id == 1).limit(3)).fetchall()
`;

const JDBC = String.raw`import java.sql.*;
public class Capture {
  public static void main(String[] a) throws Exception {
    Connection c = DriverManager.getConnection(a[0], "lakeshift", "");
    DatabaseMetaData md = c.getMetaData();
    drain(md.getTables(null, "public", "%", new String[]{"TABLE", "VIEW"}));
    drain(md.getTables(null, null, "%", null));
    drain(md.getColumns(null, "public", "t1", "%"));
    drain(md.getPrimaryKeys(null, "public", "t1"));
    drain(md.getImportedKeys(null, "public", "t1"));
    drain(md.getExportedKeys(null, "public", "t0"));
    drain(md.getIndexInfo(null, "public", "t1", false, true));
    drain(md.getSchemas());
    drain(md.getCatalogs());
    drain(md.getTableTypes());
    drain(md.getTypeInfo());
    drain(md.getProcedures(null, "public", "%"));
    drain(md.getFunctions(null, "public", "%"));
    md.getDatabaseProductVersion(); md.getUserName();
    Statement s = c.createStatement();
    drain(s.executeQuery("select 1::int4 as a, 'x'::text as b, now() as c, array[1,2] as d, 1.5::numeric as e, true as f, '{\"a\":1}'::json as g"));
    PreparedStatement p = c.prepareStatement("select * from t1 where id = ? and name = ?");
    p.setInt(1, 1); p.setString(2, "x"); drain(p.executeQuery());
    PreparedStatement p2 = c.prepareStatement("select ?::int[]");
    p2.setArray(1, c.createArrayOf("int4", new Object[]{1,2})); drain(p2.executeQuery());
    ResultSet rs = s.executeQuery("select ARRAY['a','b']::text[] as arr, 'a'::t_mood as m");
    while (rs.next()) { rs.getArray(1).getArray(); rs.getObject(2); }
    c.setAutoCommit(false); s.execute("insert into t0 values (99)"); c.rollback();
    c.setTransactionIsolation(Connection.TRANSACTION_SERIALIZABLE); c.setReadOnly(true);
    s.executeQuery("select 1").close(); c.commit();
    c.close();
  }
  static void drain(ResultSet rs) throws SQLException {
    int n = rs.getMetaData().getColumnCount();
    while (rs.next()) for (int i = 1; i <= n; i++) rs.getObject(i);
    rs.close();
  }
}
`;

/** Splits a PostgreSQL log into statements per client, using marker queries between clients. */
function statementsBySection(log: string): Map<string, string[]> {
  const entry = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+ \S+ \[\d+\] (\w+): {2}/;
  const entries: { level: string; text: string }[] = [];
  for (const line of log.split('\n')) {
    const m = entry.exec(line);
    if (m) entries.push({ level: m[1] as string, text: line.slice(m[0].length) });
    else if (entries.length > 0)
      (entries[entries.length - 1] as { text: string }).text += `\n${line}`;
  }
  const out = new Map<string, string[]>([['psql', []]]);
  let section = 'psql';
  for (const { level, text } of entries) {
    const m = /^(?:statement|execute [^:]+): ([\s\S]*)$/.exec(text);
    if (level !== 'LOG' || !m) continue;
    const sql = (m[1] as string).trim();
    const mark = /--capture-mark (\S+)'/.exec(sql);
    if (mark) {
      section = mark[1] as string;
      out.set(section, out.get(section) ?? []);
      continue;
    }
    const list = out.get(section) as string[];
    if (!list.includes(sql)) list.push(sql);
  }
  return out;
}

const db = await startPostgres({ database: 'lakeshift_test' });
const work = mkdtempSync(join(tmpdir(), 'lakeshift-capture-'));
try {
  const c = new pg.Client({ connectionString: db.url });
  await c.connect();
  await c.query(SCHEMA);
  await c.query("alter system set log_statement = 'all'");
  await c.query('select pg_reload_conf()');
  await c.end();
  await new Promise((r) => setTimeout(r, 500));
  const logPath = join(dirname(db.dataDir), 'postgres.log');
  const start = readFileSync(logPath, 'utf8').length;
  for (const cmd of PSQL_COMMANDS)
    execFileSync('psql', ['-X', '-E', '-d', db.url, '-c', cmd], { stdio: 'ignore' });
  const mark = (label: string) =>
    execFileSync('psql', ['-X', '-d', db.url, '-c', `select '--capture-mark ${label}'`], {
      stdio: 'ignore',
    });
  mark('psycopg2-sqlalchemy');
  writeFileSync(join(work, 'sa.py'), SQLALCHEMY);
  execFileSync('/usr/bin/python3', [join(work, 'sa.py'), db.url], { stdio: 'inherit' });
  mark('pgjdbc');
  writeFileSync(join(work, 'Capture.java'), JDBC);
  const jdbcUrl = `jdbc:postgresql://127.0.0.1:${db.port}/lakeshift_test`;
  execFileSync(
    'java',
    ['-cp', '/usr/share/java/postgresql.jar', join(work, 'Capture.java'), jdbcUrl],
    {
      stdio: 'inherit',
    },
  );
  await new Promise((r) => setTimeout(r, 500));
  for (const [client, stmts] of statementsBySection(readFileSync(logPath, 'utf8').slice(start))) {
    const header =
      `-- Statements ${client} sends to PostgreSQL 15, captured from the server log (log_statement=all).\n` +
      '-- One statement per block; blocks are separated by a line holding only ";;".\n';
    writeFileSync(join(CORPUS_DIR, `${client}.sql`), header + stmts.join('\n;;\n') + '\n');
    console.log(`${client}: ${stmts.length} statements`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
  await db.stop();
}
