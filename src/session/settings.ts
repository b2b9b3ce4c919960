// Session settings (SET / SHOW / RESET): the ones Redshift clients and drivers use, with
// Redshift's defaults. Names are case-insensitive; values are kept as text, validated by kind.
// https://docs.aws.amazon.com/redshift/latest/dg/cm_chap_ConfigurationRef.html
import { LakeshiftError, SqlState } from '../common/errors.js';
import type { SetValue } from '../sql/index.js';

type SettingKind =
  | { type: 'text' }
  | { type: 'bool' }
  | { type: 'int'; min: number; max: number }
  | { type: 'enum'; values: readonly string[] }
  | { type: 'timezone' }
  | { type: 'datestyle' }
  | { type: 'milliseconds' };

export interface SettingDef {
  /** Canonical name as SHOW ALL and ParameterStatus spell it. */
  name: string;
  kind: SettingKind;
  default: string;
  description: string;
  /** Reported to the client with ParameterStatus whenever it changes (GUC_REPORT). */
  reported?: boolean;
  /** Shown but never changed by SET (server_version ...). */
  readOnly?: boolean;
  category: string;
}

/** Redshift reports PostgreSQL 8.0.2 to clients; drivers branch on it, so we do the same. */
export const SERVER_VERSION = '8.0.2';

const DEFS: SettingDef[] = [
  {
    name: 'search_path',
    kind: { type: 'text' },
    default: '$user, public',
    description: 'Schemas searched for unqualified names, in order.',
    category: 'Client Connection Defaults',
  },
  {
    name: 'TimeZone',
    kind: { type: 'timezone' },
    default: 'UTC',
    description: 'Time zone for displaying and interpreting time stamps.',
    reported: true,
    category: 'Client Connection Defaults',
  },
  {
    name: 'DateStyle',
    kind: { type: 'datestyle' },
    default: 'ISO, MDY',
    description: 'Display format for date and time values.',
    reported: true,
    category: 'Client Connection Defaults',
  },
  {
    name: 'IntervalStyle',
    kind: { type: 'enum', values: ['postgres'] },
    default: 'postgres',
    description: 'Display format for interval values.',
    reported: true,
    category: 'Client Connection Defaults',
  },
  {
    name: 'extra_float_digits',
    kind: { type: 'int', min: -15, max: 3 },
    default: '0',
    description: 'Digits displayed for floating-point values (above 0: shortest exact form).',
    category: 'Client Connection Defaults',
  },
  {
    name: 'application_name',
    kind: { type: 'text' },
    default: '',
    description: 'Application name reported in statistics and logs.',
    reported: true,
    category: 'Reporting and Logging',
  },
  {
    name: 'client_encoding',
    kind: { type: 'enum', values: ['UTF8', 'UNICODE', 'UTF-8'] },
    default: 'UTF8',
    description: "The client's character set encoding.",
    reported: true,
    category: 'Client Connection Defaults',
  },
  {
    name: 'enable_case_sensitive_identifier',
    kind: { type: 'bool' },
    default: 'off',
    description: 'Whether quoted and unquoted identifiers keep their case.',
    category: 'Redshift',
  },
  // SUPER's lax and strict modes (https://docs.aws.amazon.com/redshift/latest/dg/super-configurations.html).
  {
    name: 'navigate_super_null_on_error',
    kind: { type: 'bool' },
    default: 'on',
    description:
      'Whether SUPER navigation to a missing attribute or element is NULL (on) or an error.',
    category: 'Redshift',
  },
  {
    name: 'cast_super_null_on_error',
    kind: { type: 'bool' },
    default: 'on',
    description: 'Whether a SUPER value that does not cast is NULL (on) or an error.',
    category: 'Redshift',
  },
  {
    name: 'parse_super_null_on_error',
    kind: { type: 'bool' },
    default: 'off',
    description: 'Whether JSON_PARSE of invalid JSON is NULL (on) or an error (off).',
    category: 'Redshift',
  },
  {
    name: 'statement_timeout',
    kind: { type: 'milliseconds' },
    default: '0',
    description: 'Statements running longer than this many milliseconds are canceled (0: none).',
    category: 'Client Connection Defaults',
  },
  {
    name: 'query_group',
    kind: { type: 'text' },
    default: 'default',
    description: 'Label for workload management queues and query history.',
    category: 'Redshift',
  },
  {
    name: 'enable_result_cache_for_session',
    kind: { type: 'bool' },
    default: 'on',
    description: 'Whether queries may be answered from the result cache.',
    category: 'Redshift',
  },
  {
    name: 'datestyle_output',
    kind: { type: 'text' },
    default: 'ISO',
    description: 'Internal: output part of DateStyle.',
    readOnly: true,
    category: 'Internal',
  },
  {
    name: 'server_version',
    kind: { type: 'text' },
    default: SERVER_VERSION,
    description: 'The PostgreSQL version Redshift reports.',
    reported: true,
    readOnly: true,
    category: 'Preset Options',
  },
  {
    name: 'server_version_num',
    kind: { type: 'text' },
    default: '80002',
    description: 'The reported server version as a number.',
    readOnly: true,
    category: 'Preset Options',
  },
  {
    name: 'server_encoding',
    kind: { type: 'text' },
    default: 'UTF8',
    description: 'The server character set encoding.',
    reported: true,
    readOnly: true,
    category: 'Preset Options',
  },
  {
    name: 'integer_datetimes',
    kind: { type: 'bool' },
    default: 'on',
    description: 'Date and time values are 64-bit integers.',
    reported: true,
    readOnly: true,
    category: 'Preset Options',
  },
  {
    // Redshift (PostgreSQL 8.0) reads backslash escapes in ordinary '...' literals: '\\' is one
    // backslash, as its LIKE and POSIX pattern pages write it ('.*\\..*'), and 'It\'s' works.
    // https://docs.aws.amazon.com/redshift/latest/dg/pattern-matching-conditions-posix.html
    name: 'standard_conforming_strings',
    kind: { type: 'bool' },
    default: 'off',
    description: "'...' strings treat backslashes as escape characters (off) or literally (on).",
    reported: true,
    readOnly: true,
    category: 'Version and Platform Compatibility',
  },
  {
    name: 'max_identifier_length',
    kind: { type: 'int', min: 127, max: 127 },
    default: '127',
    description: 'Maximum identifier length in bytes.',
    readOnly: true,
    category: 'Preset Options',
  },
  {
    name: 'transaction_isolation',
    kind: { type: 'enum', values: ['serializable'] },
    default: 'serializable',
    description: 'Isolation level of transactions (snapshot isolation; write conflicts fail).',
    readOnly: true,
    category: 'Client Connection Defaults',
  },
  {
    name: 'wlm_query_slot_count',
    kind: { type: 'int', min: 1, max: 50 },
    default: '1',
    description: 'Query slots a statement uses in its queue.',
    category: 'Redshift',
  },
  {
    name: 'describe_field_name_in_uppercase',
    kind: { type: 'bool' },
    default: 'off',
    description: 'Whether result column names are upper-cased.',
    category: 'Redshift',
  },
];

const BY_NAME = new Map(DEFS.map((d) => [d.name.toLowerCase(), d]));
// Spellings clients use for the same settings.
BY_NAME.set('time zone', BY_NAME.get('timezone')!);
BY_NAME.set('transaction isolation level', BY_NAME.get('transaction_isolation')!);

export function settingDef(name: string): SettingDef | undefined {
  return BY_NAME.get(name.toLowerCase());
}

export function allSettingDefs(): readonly SettingDef[] {
  return DEFS.filter((d) => d.category !== 'Internal');
}

function unknownSetting(name: string): LakeshiftError {
  return new LakeshiftError(
    SqlState.undefinedObject,
    `unrecognized configuration parameter "${name}"`,
  );
}

function readOnly(def: SettingDef): LakeshiftError {
  return new LakeshiftError(
    SqlState.cantChangeRuntimeParam,
    `parameter "${def.name}" cannot be changed`,
  );
}

/**
 * A SET of a setting checked as SET checks it, without applying it: the setting's canonical
 * name and value (what a procedure's SET clause records, to apply when it runs).
 */
export function checkSetting(name: string, value: string): { name: string; value: string } {
  const def = settingDef(name);
  if (def === undefined) throw unknownSetting(name);
  if (def.readOnly) throw readOnly(def);
  return { name: def.name, value: normalizeSetting(def, value) };
}

/** The text of a SET value as PostgreSQL would pass it to the setting. */
export function setValueText(values: readonly SetValue[]): string {
  return values
    .map((v) => {
      switch (v.kind) {
        case 'StringLit':
        case 'NumberLit':
          return v.value;
        case 'ColumnRef':
          return v.parts.map((p) => (p.quoted ? `"${p.value}"` : p.value)).join('.');
        case 'BoolLit':
          return v.value ? 'on' : 'off';
        case 'Unary':
          if (v.op === '-' && v.operand.kind === 'NumberLit') return `-${v.operand.value}`;
          break;
        case 'KeywordFunction':
          return v.name;
        default:
          break;
      }
      throw new LakeshiftError(SqlState.syntaxError, 'SET takes a name, a string or a number', {
        position: (v as { pos?: number }).pos,
      });
    })
    .join(', ');
}

function invalid(def: SettingDef, value: string, hint?: string): LakeshiftError {
  return new LakeshiftError(
    SqlState.invalidParameterValue,
    `invalid value for parameter "${def.name}": "${value}"`,
    hint ? { hint } : {},
  );
}

const TRUE_WORDS = new Set(['on', 'true', 'yes', '1', 't', 'y']);
const FALSE_WORDS = new Set(['off', 'false', 'no', '0', 'f', 'n']);

/** Every IANA zone name this runtime knows, lower-cased → canonical. */
const ZONES = new Map(
  [...Intl.supportedValuesOf('timeZone'), 'UTC', 'GMT', 'Etc/UTC'].map((z) => [z.toLowerCase(), z]),
);

/** Canonical form of a value for def, or a 22023 error. */
export function normalizeSetting(def: SettingDef, raw: string): string {
  const value = raw.trim();
  const k = def.kind;
  switch (k.type) {
    case 'text':
      return raw;
    case 'bool': {
      const v = value.toLowerCase();
      if (TRUE_WORDS.has(v)) return 'on';
      if (FALSE_WORDS.has(v)) return 'off';
      throw invalid(def, raw, 'Use on or off.');
    }
    case 'int': {
      if (!/^[+-]?\d+$/.test(value)) throw invalid(def, raw);
      const n = Number(value);
      if (n < k.min || n > k.max) {
        throw invalid(def, raw, `Allowed range: ${k.min} to ${k.max}.`);
      }
      return String(n);
    }
    case 'milliseconds': {
      const m = /^(\d+)\s*(ms|s|min|h)?$/i.exec(value);
      if (!m) throw invalid(def, raw, 'Give milliseconds, or a number with ms, s, min or h.');
      const unit = (m[2] ?? 'ms').toLowerCase();
      const factor = unit === 'ms' ? 1 : unit === 's' ? 1000 : unit === 'min' ? 60_000 : 3_600_000;
      return String(Number(m[1]) * factor);
    }
    case 'enum': {
      const found = k.values.find((v) => v.toLowerCase() === value.toLowerCase());
      if (found === undefined) throw invalid(def, raw, `Allowed: ${k.values.join(', ')}.`);
      return found === 'UNICODE' || found === 'UTF-8' ? 'UTF8' : found;
    }
    case 'timezone': {
      const zone = ZONES.get(value.toLowerCase());
      if (zone !== undefined) return zone === 'Etc/UTC' ? 'UTC' : zone;
      if (/^[+-]?\d{1,2}(:\d{2})?$/.test(value)) return value; // a numeric offset
      throw invalid(def, raw, 'Use a time zone name such as UTC or America/New_York.');
    }
    case 'datestyle': {
      // Output is always ISO (the only style we encode); the order part is kept for input.
      const parts = value
        .split(',')
        .map((p) => p.trim().toUpperCase())
        .filter(Boolean);
      let order = 'MDY';
      for (const p of parts) {
        if (p === 'ISO') continue;
        if (p === 'MDY' || p === 'DMY' || p === 'YMD') order = p;
        else if (p === 'US' || p === 'NONEURO' || p === 'NONEUROPEAN') order = 'MDY';
        else if (p === 'EURO' || p === 'EUROPEAN') order = 'DMY';
        else throw invalid(def, raw, 'Only the ISO output style is supported.');
      }
      return `ISO, ${order}`;
    }
  }
}

/** A session's current settings, with transaction-scoped undo (SET LOCAL, ROLLBACK). */
export class SessionSettings {
  private readonly values = new Map<string, string>();
  /**
   * Settings changed in the current transaction: the value before it, and whether the last
   * change was SET LOCAL (restored at COMMIT too). Every change is undone by ROLLBACK.
   */
  private readonly undo = new Map<string, { previous: string | undefined; local: boolean }>();
  /** Counts changes of any value: what was derived from the settings is stale when it moves. */
  private changes = 0;

  constructor(
    private readonly onReportedChange: (name: string, value: string) => void,
    initial: Record<string, string> = {},
  ) {
    for (const [name, value] of Object.entries(initial)) {
      const def = settingDef(name);
      if (def && !def.readOnly) this.values.set(def.name, normalizeSetting(def, value));
    }
  }

  get(name: string): string {
    const def = settingDef(name);
    if (def === undefined) throw unknownSetting(name);
    return this.values.get(def.name) ?? def.default;
  }

  /** Applies SET (value null = DEFAULT). */
  set(
    name: string,
    value: string | null,
    opts: { local?: boolean; inTransaction?: boolean } = {},
  ): void {
    const def = settingDef(name);
    if (def === undefined) throw unknownSetting(name);
    if (def.readOnly) throw readOnly(def);
    const next = value === null ? def.default : normalizeSetting(def, value);
    if (opts.local || opts.inTransaction) {
      const entry = this.undo.get(def.name);
      if (entry) entry.local = opts.local === true;
      else
        this.undo.set(def.name, {
          previous: this.values.get(def.name),
          local: opts.local === true,
        });
    }
    this.store(def, next);
  }

  reset(name: string): void {
    this.set(name, null);
  }

  resetAll(): void {
    for (const def of DEFS) if (!def.readOnly && this.values.has(def.name)) this.reset(def.name);
  }

  /** Ends a transaction: SET LOCAL values go back, and on rollback every SET. */
  endTransaction(committed: boolean): void {
    for (const [name, { previous, local }] of this.undo) {
      if (committed && !local) continue;
      const def = settingDef(name)!;
      this.store(def, previous ?? def.default);
    }
    this.undo.clear();
  }

  /** Every setting with its current value, for SHOW ALL and pg_settings. */
  all(): { def: SettingDef; value: string }[] {
    return allSettingDefs().map((def) => ({
      def,
      value: this.values.get(def.name) ?? def.default,
    }));
  }

  /** Initial ParameterStatus values. */
  reported(): [string, string][] {
    return DEFS.filter((d) => d.reported).map((d) => [
      d.name,
      this.values.get(d.name) ?? d.default,
    ]);
  }

  get version(): number {
    return this.changes;
  }

  private store(def: SettingDef, value: string): void {
    const before = this.values.get(def.name) ?? def.default;
    if (before !== value) this.changes++;
    if (value === def.default) this.values.delete(def.name);
    else this.values.set(def.name, value);
    if (def.reported && before !== value) this.onReportedChange(def.name, value);
  }
}

/** The schemas of a search_path value, '$user' replaced by the user name. */
export function searchPathSchemas(value: string, user: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => (s.startsWith('"') && s.endsWith('"') ? s.slice(1, -1) : s.toLowerCase()))
    .map((s) => (s === '$user' ? user : s));
}
