// CREATE [OR REPLACE] / DROP / ALTER / SHOW PROCEDURE. Procedures change in the session's
// transaction like other DDL (visible to others at COMMIT, gone on ROLLBACK). CREATE parses the
// body as PL/pgSQL (syntax errors surface here) and stores its source text; CALL runs it.
// Privileges: the creator owns a procedure; its owner or a superuser replaces, renames or drops
// it, and only a superuser gives it another owner (r_ALTER_PROCEDURE).
// https://docs.aws.amazon.com/redshift/latest/dg/r_CREATE_PROCEDURE.html
// https://docs.aws.amazon.com/redshift/latest/dg/r_DROP_PROCEDURE.html
// https://docs.aws.amazon.com/redshift/latest/dg/r_ALTER_PROCEDURE.html
// https://docs.aws.amazon.com/redshift/latest/dg/r_SHOW_PROCEDURE.html
import { isLakeshiftError, LakeshiftError, SqlState } from '../common/errors.js';
import { parseProcedureBody } from '../plpgsql/index.js';
import type {
  AlterProcedure,
  CreateProcedure,
  DropProcedure,
  ProcedureArg,
  ShowProcedure,
} from '../sql/index.js';
import {
  displayName,
  identValue,
  printRedshiftExpr,
  printRedshiftType,
  procedureArgType,
  qualifiedName,
} from '../sql/index.js';
import { inputTypesOf, type ProcedureArgument, type ProcedureInfo } from '../storage/index.js';
import type { CommandResult } from './commands.js';
import { userIdOf } from './ddl.js';
import { findProcedure, inputTypesOfArgs, procedureDefinitionText } from './procedures.js';
import { creationSchema } from './resolve.js';
import type { Session } from './session.js';
import { checkSetting, setValueText } from './settings.js';
import type { ResultSink } from './wire.js';

/** Redshift's limits: at most 32 input and 32 output arguments. */
const MAX_ARGUMENTS = 32;

/** Languages PostgreSQL knows that are not for Redshift procedures. */
const OTHER_LANGUAGES = new Set(['sql', 'plpythonu', 'internal', 'c']);

function invalidDefinition(message: string, position?: number): LakeshiftError {
  return new LakeshiftError(SqlState.invalidFunctionDefinition, message, { position });
}

/** 42501 unless the session's user owns the procedure or is a superuser. */
function requireOwner(session: Session, p: ProcedureInfo): void {
  if (session.user.superuser || session.user.userId === p.ownerUserId) return;
  throw new LakeshiftError(SqlState.insufficientPrivilege, `must be owner of procedure ${p.name}`);
}

export function runProcedureDdl(
  session: Session,
  stmt: CreateProcedure | DropProcedure | AlterProcedure,
  sink: ResultSink,
): Promise<CommandResult> {
  switch (stmt.kind) {
    case 'CreateProcedure':
      return createProcedure(session, stmt);
    case 'DropProcedure':
      return dropProcedure(session, stmt, sink);
    case 'AlterProcedure':
      return alterProcedure(session, stmt);
  }
}

/** The arguments as the catalog records them, checked as PostgreSQL checks them. */
function procedureArguments(session: Session, args: readonly ProcedureArg[]): ProcedureArgument[] {
  const names = new Set<string>();
  let defaulted = false;
  const out = args.map((a): ProcedureArgument => {
    const name = a.name === undefined ? null : identValue(a.name, session.caseSensitiveIdentifiers);
    if (name !== null) {
      if (names.has(name)) {
        throw invalidDefinition(`parameter name "${name}" used more than once`, a.pos);
      }
      names.add(name);
    }
    const mode = a.mode ?? 'in';
    if (a.default !== undefined && mode === 'out') {
      throw invalidDefinition('only input parameters can have default values', a.pos);
    }
    if (mode !== 'out') {
      if (a.default !== undefined) defaulted = true;
      else if (defaulted) {
        throw invalidDefinition(
          'input parameters after one with a default value must also have defaults',
          a.pos,
        );
      }
    }
    return {
      name,
      mode,
      type: procedureArgType(a.type).text,
      declared: printRedshiftType(a.type),
      default: a.default === undefined ? null : printRedshiftExpr(a.default),
    };
  });
  const inputs = inputTypesOf(out).length;
  if (inputs > MAX_ARGUMENTS || out.length - inputs > MAX_ARGUMENTS) {
    throw new LakeshiftError(
      SqlState.programLimitExceeded,
      `procedures cannot have more than ${MAX_ARGUMENTS} input or ${MAX_ARGUMENTS} output arguments`,
    );
  }
  return out;
}

/** The clauses Redshift requires or refuses together (LANGUAGE plpgsql; NONATOMIC alone). */
function checkClauses(session: Session, stmt: CreateProcedure): string {
  if (stmt.language === undefined) throw invalidDefinition('no language specified', stmt.pos);
  const language = identValue(stmt.language, session.caseSensitiveIdentifiers);
  if (language !== 'plpgsql') {
    if (OTHER_LANGUAGES.has(language)) {
      throw new LakeshiftError(
        SqlState.featureNotSupported,
        `stored procedures in language "${language}" are not supported: use LANGUAGE plpgsql`,
        { position: stmt.language.pos },
      );
    }
    throw new LakeshiftError(SqlState.undefinedObject, `language "${language}" does not exist`, {
      position: stmt.language.pos,
    });
  }
  if (stmt.nonatomic && (stmt.security === 'definer' || stmt.settings.length > 0)) {
    throw invalidDefinition(
      'a NONATOMIC procedure cannot have SECURITY DEFINER or SET clauses',
      stmt.pos,
    );
  }
  return language;
}

async function createProcedure(session: Session, stmt: CreateProcedure): Promise<CommandResult> {
  const cs = session.caseSensitiveIdentifiers;
  const q = qualifiedName(stmt.name, cs);
  const tx = await session.transactions.current();
  const schema = await creationSchema(session, tx, q);
  const language = checkClauses(session, stmt);
  const args = procedureArguments(session, stmt.args);
  const config = stmt.settings.map((s) =>
    checkSetting(s.name.map((p) => identValue(p, false)).join('.'), setValueText(s.values)),
  );
  // Syntax errors of the body surface now, not at the first CALL.
  parseProcedureBody(stmt.body.text, { procedureName: q.name, caseSensitive: cs });
  if (stmt.orReplace) {
    const existing = await tx.getProcedure(schema, q.name, inputTypesOf(args));
    if (existing !== undefined) requireOwner(session, existing);
  }
  await tx.createProcedure(
    schema,
    q.name,
    {
      arguments: args,
      body: stmt.body.text,
      language,
      security: stmt.security ?? 'invoker',
      nonatomic: stmt.nonatomic,
      config,
      ownerUserId: session.user.userId,
      annotation: null,
    },
    { orReplace: stmt.orReplace },
  );
  return { tag: 'CREATE PROCEDURE', rows: 0 };
}

async function dropProcedure(
  session: Session,
  stmt: DropProcedure,
  sink: ResultSink,
): Promise<CommandResult> {
  const tx = await session.transactions.current();
  const skipping = (message: string) =>
    sink.notice({ severity: 'NOTICE', sqlstate: '00000', message: `${message}, skipping` });
  for (const ref of stmt.procedures) {
    let p: ProcedureInfo | undefined;
    try {
      p = await findProcedure(session, tx, ref, { missingOk: stmt.ifExists });
    } catch (e) {
      if (!stmt.ifExists || !isLakeshiftError(e, SqlState.undefinedSchema)) throw e;
      skipping(e.message);
      continue;
    }
    if (p === undefined) {
      // As PostgreSQL words it, `()` included when no argument list was given.
      const name = displayName(qualifiedName(ref.name, session.caseSensitiveIdentifiers));
      skipping(`procedure ${name}(${inputTypesOfArgs(ref.args ?? []).join(', ')}) does not exist`);
      continue;
    }
    requireOwner(session, p);
    await tx.dropProcedure(p);
  }
  return { tag: 'DROP PROCEDURE', rows: 0 };
}

async function alterProcedure(session: Session, stmt: AlterProcedure): Promise<CommandResult> {
  const tx = await session.transactions.current();
  const p = (await findProcedure(session, tx, stmt.procedure))!;
  const a = stmt.action;
  if (a.kind === 'RenameProcedure') {
    requireOwner(session, p);
    await tx.renameProcedure(p, identValue(a.to, session.caseSensitiveIdentifiers));
  } else {
    if (!session.user.superuser) {
      throw new LakeshiftError(
        SqlState.insufficientPrivilege,
        `must be superuser to change the owner of procedure ${p.name}`,
      );
    }
    const owner =
      a.owner === 'current_user'
        ? session.user.userId
        : a.owner === 'session_user'
          ? session.sessionUser.userId
          : await userIdOf(session, identValue(a.owner, session.caseSensitiveIdentifiers));
    await tx.setProcedureOwner(p, owner);
  }
  return { tag: 'ALTER PROCEDURE', rows: 0 };
}

/** SHOW PROCEDURE: one row, the statement that recreates the procedure. */
export async function showProcedureRows(
  session: Session,
  stmt: ShowProcedure,
): Promise<{ columns: string[]; rows: string[][] }> {
  const tx = await session.transactions.current();
  const p = (await findProcedure(session, tx, stmt.procedure))!;
  return { columns: ['Stored Procedure Definition'], rows: [[procedureDefinitionText(p)]] };
}
