// A code generation context for unit tests that translate statements without a session: no
// relations, the superuser admin in database dev, and settings answered by `setting`.
import type { CodegenContext } from './codegen.js';

export function testCodegenContext(setting: (name: string) => string = () => ''): CodegenContext {
  return {
    relations: new Map(),
    params: [],
    caseSensitive: false,
    currentUser: 'admin',
    sessionUser: 'admin',
    database: 'dev',
    searchPath: ['public'],
    processId: 1,
    setting,
  };
}
