// Temporary until the system catalogs and COPY codecs land: fail clearly.
import { LakeshiftError, SqlState } from '../common/errors.js';
export type SystemCatalogSource = any; // eslint-disable-line @typescript-eslint/no-explicit-any
export type RelationInfo = any; // eslint-disable-line @typescript-eslint/no-explicit-any
export type SettingInfo = any; // eslint-disable-line @typescript-eslint/no-explicit-any
export type SessionActivity = any; // eslint-disable-line @typescript-eslint/no-explicit-any
export type QueryHistoryRow = any; // eslint-disable-line @typescript-eslint/no-explicit-any
export type ConnectionLogRow = any; // eslint-disable-line @typescript-eslint/no-explicit-any
export type FunctionContext = any; // eslint-disable-line @typescript-eslint/no-explicit-any
export function isSystemSchemaName(s: string): boolean {
  return s === 'pg_catalog' || s === 'information_schema';
}
export function systemRelation(
  _s: string,
  _n: string,
): { sql(src: unknown): Promise<string> } | undefined {
  return undefined;
}
export function systemFunction(
  _n: string,
): { translate(a: string[], c: unknown): string | undefined } | undefined {
  return undefined;
}
export type CopyOptions = {
  format: 'text' | 'csv' | 'binary';
  header?: boolean;
  delimiter?: string;
  null?: string;
  quote?: string;
  escape?: string;
};
export class CopyInParser {
  constructor(_c: string[], _o: CopyOptions) {
    throw new LakeshiftError(SqlState.featureNotSupported, 'COPY is not wired up yet');
  }
  push(_b: Uint8Array): (string | null)[][] {
    return [];
  }
  end(): (string | null)[][] {
    return [];
  }
}
export async function copyOut(
  _r: unknown,
  _o: CopyOptions,
  _w: (b: Uint8Array) => unknown,
  _c: unknown,
): Promise<number> {
  throw new LakeshiftError(SqlState.featureNotSupported, 'COPY is not wired up yet');
}
