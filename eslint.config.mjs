// One linter and formatter for the whole repo: ESLint with typescript-eslint, @stylistic for
// formatting (`npm run lint:fix` formats), Drizzle's rules that every update/delete has a where, and
// eslint-plugin-regexp's rules against regexes whose work grows faster than their input (ReDoS), and
// eslint-plugin-import-x for the dependency direction (README, "Dependency direction").
import js from '@eslint/js';
import stylistic from '@stylistic/eslint-plugin';
import drizzle from 'eslint-plugin-drizzle';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import { importX } from 'eslint-plugin-import-x';
import regexp from 'eslint-plugin-regexp';
import tseslint from 'typescript-eslint';

const drizzleObjects = ['db', 'tx', 'database'];

// Which folders may not import which: each zone's `target` must not import from its `from`.
const layerZones = [
  { target: ['./server', './db'], from: './app', message: 'Server code and db/ never import the UI (app/).' },
  { target: './test', from: './scripts', message: 'The test harness never imports scripts/ (scripts may import test/).' },
];
const securityZone = {
  target: './server/security',
  from: '.',
  except: ['./server/security', './node_modules'],
  message: 'server/security is copyable on its own: import only its own files, Web APIs and node:*.',
};

// Frameworks the primitives must not depend on; type-only imports of store clients stay allowed.
const frameworkImports = ['next', 'next/*', '@trpc/*', 'drizzle-orm', 'drizzle-orm/*', 'react', 'react-dom'];

export default tseslint.config(
  {
    ignores: [
      'node_modules/', '.next/', '.data/', 'db/migrations/', 'next-env.d.ts', 'test-results/', 'playwright-report/',
      'storage/',
      'create-bastion/dist/', 'create-bastion/template/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.strict,
  stylistic.configs.customize({ semi: true, quotes: 'single', indent: 2, arrowParens: true, braceStyle: '1tbs', jsx: true }),
  {
    plugins: { 'import-x': importX },
    settings: {
      'import-x/extensions': ['.ts', '.tsx', '.js', '.mjs'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts', '.tsx'] },
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: './tsconfig.json' })],
    },
    rules: {
      'import-x/no-cycle': 'error',
      'import-x/no-restricted-paths': ['error', { zones: layerZones }],
    },
  },
  {
    files: ['server/security/**/*.ts'],
    ignores: ['server/security/**/*.test.ts'],
    rules: {
      'import-x/no-restricted-paths': ['error', { zones: [...layerZones, securityZone] }],
      'no-restricted-imports': ['error', {
        patterns: [{ group: frameworkImports, message: 'server/security is framework-free.' }],
      }],
    },
  },
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
      '@stylistic/max-len': ['error', {
        code: 120,
        ignoreStrings: true,
        ignoreTemplateLiterals: true,
        ignoreUrls: true,
        ignoreRegExpLiterals: true,
      }],
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
