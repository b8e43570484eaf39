// ESLint's configuration for the extension's JavaScript (scripts/check-js
// runs it). The tools are the browser tests' devDependencies, so they are
// loaded from tests/browser/node_modules.

import { createRequire } from 'node:module';

const require = createRequire(new URL('../tests/browser/package.json', import.meta.url));
const js = require('@eslint/js');
const globals = require('globals');

export default [
  js.configs.recommended,
  {
    files: ['**/*.js'],
    languageOptions: {
      // The syntax Chrome 116 (the manifest's minimum_chrome_version) parses.
      ecmaVersion: 2024,
      sourceType: 'module',
      globals: { ...globals.browser, ...globals.webextensions },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
  },
  {
    // Content scripts are classic scripts: the browser does not load them as modules.
    files: ['content.js', 'inpage.js'],
    languageOptions: { sourceType: 'script' },
  },
  {
    files: ['eslint.config.js'],
    languageOptions: { globals: globals.node },
  },
];
