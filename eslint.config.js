// ESLint with type information. Two kinds of rules: promise safety everywhere (a floating promise in
// an activity would otherwise pass CI), and the import boundaries of the house: workflow code stays
// deterministic (no Node built-ins, no I/O modules), lib/ imports nothing above it, the engine knows
// no domain. Formatting is Prettier's job (.prettierrc.json), so eslint-config-prettier comes last.
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];
const above = (...folders) => folders.map((f) => `**/${f}/**`);

export default tseslint.config(
  { ignores: ['node_modules/**', '.refinery/**', 'test/.out/**', 'bench/results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
      globals: { ...globals.node },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/only-throw-error': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      eqeqeq: ['error', 'always', { null: 'ignore' }],
    },
  },
  {
    // Workflow code runs in Temporal's deterministic sandbox: decisions only, no I/O, no clock.
    files: ['engine/workflows/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltins.map((name) => ({ name, message: 'workflow code is deterministic: no Node built-ins (do it in an activity)' })),
          patterns: [
            {
              group: [...above('lib', 'domains', 'api', 'cli'), '**/engine/activities/**', '**/engine/history/**', '**/engine/checks/**'],
              allowTypeImports: true,
              message: 'workflow code may import types from here, not code: I/O belongs in activities',
            },
            {
              group: ['**/engine/temporal/client*', '**/engine/temporal/worker*', '**/engine/temporal/runs*', '**/engine/temporal/schedules*'],
              allowTypeImports: true,
              message: 'client and worker code does not belong in a workflow',
            },
            {
              group: ['pg', 'pg-*', 'hono', 'hono/*', '@hono/*', '@temporalio/client', '@temporalio/worker', '@temporalio/activity', 'pino'],
              allowTypeImports: true,
              message: 'not in workflow code',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['lib/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { patterns: [{ group: above('engine', 'domains', 'api', 'cli'), message: 'lib/ imports nothing from the folders above it' }] },
      ],
    },
  },
  {
    files: ['engine/**/*.ts'],
    ignores: ['engine/workflows/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { patterns: [{ group: above('domains', 'api', 'cli'), message: 'the engine knows no domain, API or CLI: take what you need as a parameter' }] },
      ],
    },
  },
  {
    // Tests assert on JSON bodies field by field (`const body: any = await res.json()`); typing each
    // body again would duplicate the routes' zod schemas, which the OpenAPI tests already check.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    files: ['api/dashboard/static/**/*.js'],
    languageOptions: { globals: { ...globals.browser }, sourceType: 'module' },
  },
  prettier,
);
