// One linter and formatter for the whole repo: ESLint with typescript-eslint, @stylistic for
// formatting (`npm run lint:fix` formats), Drizzle's rules that every update/delete has a where, and
// eslint-plugin-regexp's rules against regexes whose work grows faster than their input (ReDoS).
import js from '@eslint/js';
import stylistic from '@stylistic/eslint-plugin';
import drizzle from 'eslint-plugin-drizzle';
import regexp from 'eslint-plugin-regexp';
import tseslint from 'typescript-eslint';

const drizzleObjects = ['db', 'tx', 'database'];

export default tseslint.config(
  { ignores: ['node_modules/', '.next/', '.data/', 'db/migrations/', 'next-env.d.ts', 'test-results/', 'playwright-report/', 'storage/'] },
  js.configs.recommended,
  ...tseslint.configs.strict,
  stylistic.configs.customize({ semi: true, quotes: 'single', indent: 2, arrowParens: true, braceStyle: '1tbs', jsx: true }),
  {
    plugins: { drizzle, regexp },
    rules: {
      'regexp/no-super-linear-backtracking': ['error', { report: 'potential' }],
      'regexp/no-super-linear-move': ['error', { report: 'potential', ignoreSticky: false, ignorePartial: false }],
      'drizzle/enforce-delete-with-where': ['error', { drizzleObjectName: drizzleObjects }],
      'drizzle/enforce-update-with-where': ['error', { drizzleObjectName: drizzleObjects }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-non-null-assertion': 'error',
      '@stylistic/max-len': ['error', { code: 200, ignoreStrings: true, ignoreTemplateLiterals: true, ignoreUrls: true, ignoreRegExpLiterals: true, ignoreComments: true }],
      '@stylistic/operator-linebreak': 'off',
      '@stylistic/multiline-ternary': 'off',
      '@stylistic/jsx-one-expression-per-line': 'off',
      '@stylistic/member-delimiter-style': ['error', { multiline: { delimiter: 'semi' }, singleline: { delimiter: 'semi' } }],
    },
  },
  {
    files: ['**/*.test.ts', '**/*.int.test.ts', 'e2e/**/*.ts', 'bench/**/*.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off', '@typescript-eslint/no-dynamic-delete': 'off' },
  },
);
