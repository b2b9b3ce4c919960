// How a result column is described to a PostgreSQL client (RowDescription), and the two wire
// formats of values. https://www.postgresql.org/docs/15/protocol-message-formats.html

/** 0 = text, 1 = binary. */
export type WireFormat = 0 | 1;

export interface FieldDescription {
  name: string;
  /** OID of the table the column comes from, or 0. */
  tableOid: number;
  /** Attribute number of the column in that table, or 0. */
  columnAttr: number;
  /** PostgreSQL type OID (23 int4, 1043 varchar, 1700 numeric ...). */
  typeOid: number;
  /** pg_type.typlen: 4 for int4, -1 for variable length. */
  typeSize: number;
  /** pg_attribute.atttypmod: -1 when none (varchar(n) is n + 4). */
  typeModifier: number;
  format: WireFormat;
}
