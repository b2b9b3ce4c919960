// CREATE / DROP / ALTER / SHOW PROCEDURE.
// https://docs.aws.amazon.com/redshift/latest/dg/r_CREATE_PROCEDURE.html
// https://docs.aws.amazon.com/redshift/latest/dg/r_DROP_PROCEDURE.html
// https://docs.aws.amazon.com/redshift/latest/dg/r_ALTER_PROCEDURE.html
// https://docs.aws.amazon.com/redshift/latest/dg/r_SHOW_PROCEDURE.html
import type {
  AlterProcedure,
  AlterProcedureAction,
  CreateProcedure,
  DropProcedure,
  ProcedureArg,
  ProcedureArgMode,
  ProcedureBody,
  ProcedureRef,
  ShowProcedure,
} from '../ast/index.js';
import { LakeshiftError, SqlState } from '../../common/errors.js';
import type { Parser } from './core.js';
import { parseExpr, Prec } from './expr.js';
import { parseSetValues } from './session.js';
import { parseTypeName } from './types.js';

/** After CREATE [OR REPLACE]: `PROCEDURE name (args) clauses`. */
export function parseCreateProcedure(p: Parser, pos: number, orReplace: boolean): CreateProcedure {
  p.expectWord('procedure');
  const name = p.parseQualifiedName();
  const args = parseArgList(p, true);
  let body: ProcedureBody | undefined;
  let language: CreateProcedure['language'];
  let nonatomic = false;
  let security: CreateProcedure['security'];
  const settings: CreateProcedure['settings'] = [];
  // Each clause at most once, in any order (PostgreSQL's createfunc_opt_list).
  const seen = new Set<string>();
  const once = (clause: string, at = p.tokens[p.i - 1]) => {
    if (seen.has(clause)) throw conflictingOptions(at?.pos);
    seen.add(clause);
  };
  for (;;) {
    if (p.eatWord('as')) {
      once('as');
      body = parseBody(p);
    } else if (p.eatWord('language')) {
      once('language');
      const t = p.peek();
      language =
        t.type === 'string'
          ? { value: p.parseStringValue(), quoted: true, pos: t.pos }
          : p.parseAnyIdent();
    } else if (p.eatWord('nonatomic')) {
      once('nonatomic');
      nonatomic = true;
    } else if (p.eatWord('security')) {
      once('security');
      const mode = p.eatOneOf('invoker', 'definer');
      if (mode === undefined) throw p.errorAt();
      security = mode;
    } else if (p.eatWord('set')) {
      const settingName = p.parseQualifiedName(2, () => true);
      if (!p.eatWord('to') && !p.eatOp('=')) throw p.errorAt();
      settings.push({ name: settingName, values: parseSetValues(p) });
    } else {
      break;
    }
  }
  if (body === undefined) throw p.errorAt();
  const stmt: CreateProcedure = {
    kind: 'CreateProcedure',
    orReplace,
    name,
    args,
    body,
    nonatomic,
    settings,
    pos,
  };
  if (language !== undefined) stmt.language = language;
  if (security !== undefined) stmt.security = security;
  return stmt;
}

/** PostgreSQL's error for a clause given twice. */
function conflictingOptions(position: number | undefined): LakeshiftError {
  return new LakeshiftError(SqlState.syntaxError, 'conflicting or redundant options', {
    position,
  });
}

/** The body after AS: a dollar-quoted or ordinary string; `pos` is where its text starts. */
function parseBody(p: Parser): ProcedureBody {
  const t = p.peek();
  const text = p.parseStringValue();
  // The opening quote ($tag$, ' or E') is ASCII: its length in characters is its length.
  const open = t.raw.startsWith('$') ? t.raw.indexOf('$', 1) + 1 : t.raw.indexOf("'") + 1;
  return { text, pos: t.pos + open };
}

/**
 * `( [arg [, ...]] )`; `defaults`: whether `DEFAULT expr` may follow an argument (CREATE), else
 * the list only identifies a procedure (DROP, ALTER, SHOW).
 */
function parseArgList(p: Parser, defaults: boolean): ProcedureArg[] {
  p.expectPunct('(');
  const args = p.isPunct(')') ? [] : p.commaList(() => parseArg(p, defaults));
  p.expectPunct(')');
  return args;
}

const MODES: ProcedureArgMode[] = ['in', 'out', 'inout'];

/** Where an argument ends: its type was the last thing in it. */
function atArgEnd(p: Parser): boolean {
  return p.isPunct(',') || p.isPunct(')') || p.isWord('default') || p.isOp('=');
}

/**
 * `[name] [mode] type` or `mode [name] type`: a word followed by the end of the argument is the
 * type; otherwise the first word is the name (as PostgreSQL's func_arg decides).
 */
function parseArg(p: Parser, defaults: boolean): ProcedureArg {
  const pos = p.peek().pos;
  const first = p.eatOneOf(...MODES);
  const typeOnly = p.attempt(() => {
    const type = parseTypeName(p);
    if (!atArgEnd(p)) throw p.errorAt();
    return type;
  });
  let arg: ProcedureArg;
  let mode = first;
  if (typeOnly !== undefined) arg = { type: typeOnly, pos };
  else {
    const name = p.parseIdent();
    mode ??= p.eatOneOf(...MODES);
    arg = { name, type: parseTypeName(p), pos };
  }
  if (mode !== undefined) arg.mode = mode;
  if (p.isWord('default') || p.isOp('=')) {
    if (!defaults) throw p.errorAt();
    p.next();
    arg.default = parseExpr(p, Prec.is);
  }
  return arg;
}

/** `name [(args)]` of DROP, ALTER and SHOW. */
function parseProcedureRef(p: Parser): ProcedureRef {
  const name = p.parseQualifiedName();
  return p.isPunct('(') ? { name, args: parseArgList(p, false) } : { name };
}

/** After DROP: `PROCEDURE [IF EXISTS] ref [, ...] [CASCADE | RESTRICT]`. */
export function parseDropProcedure(p: Parser, pos: number): DropProcedure {
  p.expectWord('procedure');
  const ifExists = p.eatWords('if', 'exists');
  const procedures = p.commaList(() => parseProcedureRef(p));
  const stmt: DropProcedure = { kind: 'DropProcedure', ifExists, procedures, pos };
  const behavior = p.eatOneOf('cascade', 'restrict');
  if (behavior !== undefined) stmt.behavior = behavior;
  return stmt;
}

/** After ALTER: `PROCEDURE ref RENAME TO name | OWNER TO user`. */
export function parseAlterProcedure(p: Parser, pos: number): AlterProcedure {
  p.expectWord('procedure');
  const procedure = parseProcedureRef(p);
  let action: AlterProcedureAction;
  if (p.eatThen('rename', 'to')) action = { kind: 'RenameProcedure', to: p.parseIdent() };
  else if (p.eatThen('owner', 'to')) {
    const special = p.eatOneOf('current_user', 'session_user');
    action = { kind: 'ProcedureOwnerTo', owner: special ?? p.parseIdent() };
  } else throw p.errorAt();
  return { kind: 'AlterProcedure', procedure, action, pos };
}

/** `SHOW PROCEDURE ref`. */
export function parseShowProcedure(p: Parser): ShowProcedure {
  const pos = p.expectWord('show').pos;
  p.expectWord('procedure');
  return { kind: 'ShowProcedure', procedure: parseProcedureRef(p), pos };
}
