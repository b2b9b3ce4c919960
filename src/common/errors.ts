// The one error type that may reach a client: a PostgreSQL SQLSTATE, a Redshift-like message,
// and optionally where it happened. Anything else is an internal failure (reported as XX000).
// SQLSTATE list: https://www.postgresql.org/docs/15/errcodes-appendix.html

export const SqlState = {
  successfulCompletion: '00000',
  syntaxError: '42601',
  undefinedTable: '42P01',
  undefinedColumn: '42703',
  undefinedSchema: '3F000',
  duplicateTable: '42P07',
  duplicateColumn: '42701',
  duplicateSchema: '42P06',
  duplicateDatabase: '42P04',
  dependentObjectsStillExist: '2BP01',
  invalidParameterValue: '22023',
  featureNotSupported: '0A000',
  serializationFailure: '40001',
  notNullViolation: '23502',
  readOnlySqlTransaction: '25006',
  invalidTransactionState: '25000',
  noActiveSqlTransaction: '25P01',
  ioError: '58030',
  undefinedFile: '58P01',
  duplicateFile: '58P02',
  dataCorrupted: 'XX001',
  configFileError: 'F0000',
  connectionException: '08000',
  /** A server we connect to (a Kinesis endpoint, a Kafka broker) cannot be reached. */
  sqlclientUnableToEstablishSqlconnection: '08001',
  transactionResolutionUnknown: '08007',
  insufficientPrivilege: '42501',
  objectNotInPrerequisiteState: '55000',
  internalError: 'XX000',
  // connection, authentication and protocol
  invalidAuthorizationSpecification: '28000',
  invalidPassword: '28P01',
  invalidCatalogName: '3D000',
  protocolViolation: '08P01',
  connectionFailure: '08006',
  tooManyConnections: '53300',
  cannotConnectNow: '57P03',
  queryCanceled: '57014',
  adminShutdown: '57P01',
  // sessions, transactions, prepared statements and portals
  activeSqlTransaction: '25001',
  inFailedSqlTransaction: '25P02',
  invalidSqlStatementName: '26000',
  invalidCursorName: '34000',
  duplicatePreparedStatement: '42P05',
  duplicateCursor: '42P03',
  undefinedParameter: '42P02',
  indeterminateDatatype: '42P18',
  // names, types and values
  undefinedObject: '42704',
  duplicateObject: '42710',
  ambiguousColumn: '42702',
  ambiguousFunction: '42725',
  undefinedFunction: '42883',
  duplicateFunction: '42723',
  invalidFunctionDefinition: '42P13',
  datatypeMismatch: '42804',
  cannotCoerce: '42846',
  groupingError: '42803',
  nameTooLong: '42622',
  invalidTextRepresentation: '22P02',
  invalidBinaryRepresentation: '22P03',
  badCopyFileFormat: '22P04',
  invalidDatetimeFormat: '22007',
  datetimeFieldOverflow: '22008',
  numericValueOutOfRange: '22003',
  divisionByZero: '22012',
  stringDataRightTruncation: '22001',
  characterNotInRepertoire: '22021',
  invalidEscapeSequence: '22025',
  dataException: '22000',
  uniqueViolation: '23505',
  cardinalityViolation: '21000',
  programLimitExceeded: '54000',
  cantChangeRuntimeParam: '55P02',
  reservedName: '42939',
  invalidTableDefinition: '42P16',
  wrongObjectType: '42809',
  invalidForeignKey: '42830',
  generatedAlways: '428C9',
  objectInUse: '55006',
  outOfMemory: '53200',
  /** A limit of a service we depend on (Kinesis read throughput) is still exceeded after backoff. */
  configurationLimitExceeded: '53400',
  invalidRegularExpression: '2201B',
  invalidArgumentForLogarithm: '2201E',
  invalidArgumentForPowerFunction: '2201F',
  stringSubstringError: '22011',
  nullValueNotAllowed: '22004',
  errorInAssignment: '22005',
  caseNotFound: '20000',
  raiseException: 'P0001',
  noDataFound: 'P0002',
  tooManyRows: 'P0003',
} as const;

export type SqlStateCode = (typeof SqlState)[keyof typeof SqlState];

export interface ErrorFields {
  detail?: string;
  hint?: string;
  /** 1-based character position in the statement text, when the error points at one. */
  position?: number;
  /**
   * The context the error arose in, innermost first, one line each: "PL/pgSQL function
   * \"p\" line 3 at SQL statement" (PostgreSQL's W field).
   */
  where?: string;
  /** FATAL ends the connection after the error is sent (authentication, shutdown). */
  severity?: 'ERROR' | 'FATAL';
  cause?: unknown;
}

export class LakeshiftError extends Error {
  readonly sqlstate: SqlStateCode;
  readonly detail: string | undefined;
  readonly hint: string | undefined;
  readonly position: number | undefined;
  readonly where: string | undefined;
  readonly severity: 'ERROR' | 'FATAL';

  constructor(sqlstate: SqlStateCode, message: string, fields: ErrorFields = {}) {
    super(message, fields.cause === undefined ? undefined : { cause: fields.cause });
    this.name = 'LakeshiftError';
    this.sqlstate = sqlstate;
    this.detail = fields.detail;
    this.hint = fields.hint;
    this.position = fields.position;
    this.where = fields.where;
    this.severity = fields.severity ?? 'ERROR';
  }
}

export function isLakeshiftError(e: unknown, sqlstate?: SqlStateCode): e is LakeshiftError {
  return e instanceof LakeshiftError && (sqlstate === undefined || e.sqlstate === sqlstate);
}

/** The message of any thrown value, for wrapping causes into clear errors. */
export function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
