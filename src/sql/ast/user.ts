// Redshift users: https://docs.aws.amazon.com/redshift/latest/dg/r_CREATE_USER.html,
// r_ALTER_USER.html, r_DROP_USER.html (DROP USER is a Drop with objectType 'user').
import type { SetValue } from './session.js';
import type { Ident, StatementBase } from './types.js';

export type UserOption =
  /** `PASSWORD 'x' | 'md5…' | 'sha256…'`, or `PASSWORD DISABLE` (value null). */
  | { kind: 'Password'; value: string | null }
  | { kind: 'CreateDb'; value: boolean }
  | { kind: 'CreateUserPrivilege'; value: boolean }
  | { kind: 'SyslogAccess'; value: 'restricted' | 'unrestricted' }
  | { kind: 'InGroup'; groups: Ident[] }
  | { kind: 'ValidUntil'; value: string }
  | { kind: 'ConnectionLimit'; value: number | 'unlimited' }
  | { kind: 'SessionTimeout'; value: number }
  /** ALTER USER only: `RESET SESSION TIMEOUT`. */
  | { kind: 'ResetSessionTimeout' };

export interface CreateUser extends StatementBase {
  kind: 'CreateUser';
  name: Ident;
  options: UserOption[];
}

export type AlterUserAction =
  | { kind: 'UserOptions'; options: UserOption[] }
  | { kind: 'UserRename'; to: Ident }
  /** `SET param {TO|=} value | DEFAULT` (values empty for DEFAULT). */
  | { kind: 'UserSet'; param: Ident[]; values: SetValue[]; isDefault: boolean }
  | { kind: 'UserReset'; param: Ident[]; all: boolean };

export interface AlterUser extends StatementBase {
  kind: 'AlterUser';
  name: Ident;
  action: AlterUserAction;
}
