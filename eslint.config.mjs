// ESLint for the whole tree (`npx eslint .`, run by scripts/test.sh). Besides the recommended
// JavaScript and TypeScript rules it keeps the layers of ARCHITECTURE.md:
//
//   site (app/, components/, server/) → lib/runtime (composition root) → daemon API → lib/engine
//
// Nothing imports back up. import-x/no-restricted-paths checks resolved files, so a relative
// import and an `@/` alias are caught alike. The module-level acyclicity of the whole tree is
// proved separately by scripts/import-graph.test.ts.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import globals from 'globals';

const siteOnly = ['./app', './components', './server'];

/** Layer rules: each zone says what files under `target` may not import. */
const zones = [
  // the engine is a library: nothing of the lab around it (the boundary test also checks packages)
  { target: './lib/engine', from: './', except: ['./lib/engine', './node_modules'], message: 'lib/engine imports only node built-ins and its own folders.' },
  // the CLI (also bundled into the students' sandbox) never reaches the database or the site
  ...['./lib/db.ts', './lib/generated', './lib/auth', './lib/site', './lib/runtime', './lib/builds', './workers', ...siteOnly].map((from) => ({
    target: './lib/cli', from, message: 'The lab CLI runs in the sandbox: it talks to the daemon, never to the database or the site.',
  })),
  // the runtime is the composition root: only the site and the server process start it
  ...['./lib/engine', './lib/cli', './lib/terminal', './lib/workspace', './lib/builds', './lib/auth', './lib/db.ts', './workers'].map((target) => ({
    target, from: './lib/runtime', message: 'Only the site (app/, server/) reaches the runtime; pass what you need in instead.',
  })),
  // library code never imports the site that uses it
  ...['./lib', './workers'].map((target) => ({ target, from: siteOnly, message: 'lib/ and workers/ never import the site (app/, components/, server/).' })),
  // client components get their data from route handlers and actions, not from server machinery
  ...['./workers', './lib/runtime', './lib/db.ts', './lib/terminal', './lib/engine/daemon'].map((from) => ({
    target: './components', from, message: 'Components render; server machinery stays behind app/ routes and actions.',
  })),
  // workers run engine builds for the queue: nothing of the build records or the site above them
  { target: './workers', from: './lib/builds', message: 'workers/ is below lib/builds (the build service uses the queue, not the reverse).' },
  // the database and accounts sit below the site helpers
  ...['./lib/db.ts', './lib/auth'].map((target) => ({ target, from: './lib/site', message: 'lib/site builds on lib/db and lib/auth, not the reverse.' })),
];

export default tseslint.config(
  { ignores: ['node_modules/**', '.next/**', 'lib/generated/**', 'data/**', 'test-results/**', 'playwright-report/**', 'next-env.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' }],
      // terminals and parsers match control characters on purpose (ESC sequences, NUL in paths)
      'no-control-regex': 'off',
    },
  },
  {
    files: ['**/*.{ts,tsx,mjs}'],
    ignores: ['**/*.test.ts', '**/*.test.tsx', '**/testing/**', '**/testing.ts', 'e2e/**', 'bench/**'],
    plugins: { 'import-x': importX },
    settings: { 'import-x/resolver-next': [createTypeScriptImportResolver({ project: './tsconfig.json' })] },
    rules: { 'import-x/no-restricted-paths': ['error', { zones }] },
  },
);
