// DuckDB result types as PostgreSQL types: the OID, typlen and typmod a client sees in
// RowDescription. Types PostgreSQL has no counterpart for (STRUCT, MAP, UNION, ENUM, BIT, BIGNUM,
// GEOMETRY, VARIANT, TIME_NS ...) are described as text (OID 25) and rendered as DuckDB's VARCHAR
// cast renders them (see text.ts, `textOfValue`).
// pg_type reference: https://www.postgresql.org/docs/15/catalog-pg-type.html
import { DuckDBTypeId, type DuckDBType } from '@duckdb/node-api';
import type { FieldDescription, WireFormat } from './pg-field.js';

export interface PgType {
  typeOid: number;
  /** pg_type.typlen: fixed byte size, or -1 for variable length. */
  typeSize: number;
  /** atttypmod: -1 when none; numeric(p,s) is ((p << 16) | s) + 4. */
  typeModifier: number;
}

export const PgOid = {
  bool: 16,
  bytea: 17,
  int8: 20,
  int2: 21,
  int4: 23,
  text: 25,
  json: 114,
  float4: 700,
  float8: 701,
  varchar: 1043,
  date: 1082,
  time: 1083,
  timestamp: 1114,
  timestamptz: 1184,
  interval: 1186,
  timetz: 1266,
  numeric: 1700,
  uuid: 2950,
  /** Redshift's SUPER: DuckDB JSON values, sent as their JSON text. */
  super: 4000,
} as const;

/** Element type OID → array type OID (pg_type.typarray). */
export const PgArrayOid: Readonly<Record<number, number>> = {
  [PgOid.bool]: 1000,
  [PgOid.bytea]: 1001,
  [PgOid.int2]: 1005,
  [PgOid.int4]: 1007,
  [PgOid.text]: 1009,
  [PgOid.varchar]: 1015,
  [PgOid.int8]: 1016,
  [PgOid.float4]: 1021,
  [PgOid.float8]: 1022,
  [PgOid.json]: 199,
  [PgOid.date]: 1182,
  [PgOid.time]: 1183,
  [PgOid.timestamp]: 1115,
  [PgOid.timestamptz]: 1185,
  [PgOid.interval]: 1187,
  [PgOid.timetz]: 1270,
  [PgOid.numeric]: 1231,
  [PgOid.uuid]: 2951,
};

/** Array type OID → element type OID. */
export const PgElementOid: Readonly<Record<number, number>> = Object.fromEntries(
  Object.entries(PgArrayOid).map(([element, array]) => [array, Number(element)]),
);

const SIZES: Readonly<Record<number, number>> = {
  [PgOid.bool]: 1,
  [PgOid.int2]: 2,
  [PgOid.int4]: 4,
  [PgOid.int8]: 8,
  [PgOid.float4]: 4,
  [PgOid.float8]: 8,
  [PgOid.date]: 4,
  [PgOid.time]: 8,
  [PgOid.timetz]: 12,
  [PgOid.timestamp]: 8,
  [PgOid.timestamptz]: 8,
  [PgOid.interval]: 16,
  [PgOid.uuid]: 16,
};

function pg(typeOid: number, typeModifier = -1): PgType {
  return { typeOid, typeSize: SIZES[typeOid] ?? -1, typeModifier };
}

/** The PostgreSQL type a DuckDB column is sent as. */
export function pgTypeOf(type: DuckDBType | undefined): PgType {
  if (type === undefined) return pg(PgOid.text);
  switch (type.typeId) {
    case DuckDBTypeId.BOOLEAN:
      return pg(PgOid.bool);
    case DuckDBTypeId.TINYINT:
    case DuckDBTypeId.UTINYINT:
    case DuckDBTypeId.SMALLINT:
      return pg(PgOid.int2);
    case DuckDBTypeId.USMALLINT:
    case DuckDBTypeId.INTEGER:
      return pg(PgOid.int4);
    case DuckDBTypeId.UINTEGER:
    case DuckDBTypeId.BIGINT:
      return pg(PgOid.int8);
    case DuckDBTypeId.UBIGINT:
    case DuckDBTypeId.HUGEINT:
    case DuckDBTypeId.UHUGEINT:
      return pg(PgOid.numeric);
    case DuckDBTypeId.FLOAT:
      return pg(PgOid.float4);
    case DuckDBTypeId.DOUBLE:
      return pg(PgOid.float8);
    case DuckDBTypeId.DECIMAL:
      return pg(PgOid.numeric, ((type.width << 16) | type.scale) + 4);
    case DuckDBTypeId.VARCHAR:
      return pg(type.alias?.toUpperCase() === 'JSON' ? PgOid.super : PgOid.varchar);
    case DuckDBTypeId.BLOB:
      return pg(PgOid.bytea);
    case DuckDBTypeId.DATE:
      return pg(PgOid.date);
    case DuckDBTypeId.TIME:
      return pg(PgOid.time);
    case DuckDBTypeId.TIME_TZ:
      return pg(PgOid.timetz);
    case DuckDBTypeId.TIMESTAMP:
    case DuckDBTypeId.TIMESTAMP_S:
    case DuckDBTypeId.TIMESTAMP_MS:
    case DuckDBTypeId.TIMESTAMP_NS:
      return pg(PgOid.timestamp);
    case DuckDBTypeId.TIMESTAMP_TZ:
      return pg(PgOid.timestamptz);
    case DuckDBTypeId.INTERVAL:
      return pg(PgOid.interval);
    case DuckDBTypeId.UUID:
      return pg(PgOid.uuid);
    case DuckDBTypeId.LIST:
    case DuckDBTypeId.ARRAY: {
      const element = pgTypeOf(type.valueType);
      // Nested lists are multi-dimensional arrays of the innermost element type.
      const elementOid = PgElementOid[element.typeOid] ?? element.typeOid;
      const arrayOid = PgArrayOid[elementOid];
      return arrayOid === undefined ? pg(PgOid.text) : pg(arrayOid);
    }
    default:
      return pg(PgOid.text);
  }
}

/** The wire format of column `index` as a Bind message states it (none, one for all, or one each). */
export function formatOf(resultFormats: readonly WireFormat[], index: number): WireFormat {
  if (resultFormats.length === 0) return 0;
  if (resultFormats.length === 1) return resultFormats[0] as WireFormat;
  return resultFormats[index] ?? 0;
}

/** RowDescription fields of a result. */
export function describeResult(
  columnNames: readonly string[],
  columnTypes: readonly (DuckDBType | undefined)[],
  resultFormats: readonly WireFormat[] = [],
): FieldDescription[] {
  return columnNames.map((name, i) => {
    const t = pgTypeOf(columnTypes[i]);
    return {
      name,
      tableOid: 0,
      columnAttr: 0,
      typeOid: t.typeOid,
      typeSize: t.typeSize,
      typeModifier: t.typeModifier,
      format: formatOf(resultFormats, i),
    };
  });
}
