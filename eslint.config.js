// Lint: typescript-eslint's recommended rules plus the one-way room rule from
// ../shared/STYLE.md: protocol -> session -> sql -> engine -> storage. A room may import
// rooms below it, never above.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const roomsAbove = {
  storage: [
    'engine',
    'sql',
    'plpgsql',
    'session',
    'server',
    'cli',
    'ingest',
    'security',
    'sharing',
    'ops',
    'system',
  ],
  engine: ['sql', 'plpgsql', 'session', 'server', 'cli', 'system', 'security', 'ingest'],
  sql: ['session', 'server', 'cli', 'plpgsql', 'system', 'ingest', 'storage'],
  system: ['session', 'server', 'cli', 'sql'],
  security: ['session', 'server', 'cli', 'sql', 'engine', 'system'],
  session: ['server', 'cli'],
  // Operations state (availability, maintenance window) sits below the sessions and the loaders
  // that consult it.
  ops: ['session', 'server', 'cli', 'ingest'],
  // Protocol rooms never touch storage, SQL or DuckDB: they talk to sessions only.
  server: ['cli', 'storage', 'sql', 'engine', 'system', 'plpgsql', 'ingest'],
};

const roomRules = Object.entries(roomsAbove).map(([room, above]) => ({
  files: [`src/${room}/**/*.ts`],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: above.map((r) => ({
          group: [`**/${r}/*`, `**/${r}`],
          message: `src/${room} must not import from src/${r}: rooms depend only on the rooms below them.`,
        })),
      },
    ],
  },
}));

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'bench/work/**', '.tmp/**', '.scratch/**'] },
  js.configs.recommended,
  { files: ['**/*.js', '**/*.mjs'], languageOptions: { globals: globals.node } },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
    },
  },
  ...roomRules,
);
