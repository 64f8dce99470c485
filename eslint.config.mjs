import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', '.tools/', '.data/', 'coverage/', 'bin/'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    // em.getConnection() hands out any pooled connection: inside a transaction it neither sees the transaction's
    // writes nor keeps `set local`. em.execute runs on the transaction's connection when there is one.
    files: ['{activities,api,bot,clients,commands,db,integrations,policies,workers,cli}/**/*.ts'],
    ignores: ['api/routes/health.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.property.name='execute'][callee.object.callee.property.name='getConnection']",
          message: 'Use em.execute(...): it runs on the current transaction\'s connection, getConnection() may not.',
        },
      ],
    },
  },
  {
    // Tests read JSON answers and parsed documents field by field.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    files: ['**/*.js'],
    languageOptions: { sourceType: 'commonjs', globals: { module: 'writable', require: 'readonly', __dirname: 'readonly', process: 'readonly', console: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // Temporal replays workflow code: it must be deterministic, so no Node built-ins and no unawaited promises.
    files: ['workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['node:*'], message: 'Workflow code is deterministic: no Node built-ins (put I/O in an activity).' },
            {
              group: ['fs', 'path', 'os', 'crypto', 'http', 'https', 'net', 'child_process', 'timers', 'events', 'stream', 'util', 'url'],
              message: 'Workflow code is deterministic: no Node built-ins (put I/O in an activity).',
            },
            { group: ['**/db/**', '**/integrations/**', '**/api/**', '**/bot/**'], message: 'Workflows talk to the world only through activities.' },
            { group: ['**/activities', '**/activities/**'], allowTypeImports: true, message: 'Workflows import activity types only (import type).' },
          ],
        },
      ],
      '@typescript-eslint/no-floating-promises': 'error',
    },
  },
);
