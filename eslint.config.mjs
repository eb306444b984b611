// ESLint 9 flat config. TypeScript is linted with typescript-eslint's recommended rules (not the
// type-checked set, to keep linting fast); the only JavaScript linted is the build scripts and this
// file. The pure core — everything under src/ except the VS Code edge (src/editor, src/extension.ts), and the
// unit tests, registry tests and benches — must not import `vscode` or the edge, so it runs and is tested under
// plain Node (and as the command-line tool). Deny by default: a new folder under src/ is core unless it is edge.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

const pureCore = ['src/**', 'test/unit/**', 'test/registry/**', 'bench/**'];
const edge = ['src/editor/**', 'src/extension.ts'];

export default defineConfig(
  {
    ignores: [
      '**/node_modules/',
      'dist/',
      'out/',
      '.cache/',
      '.vscode-test/',
      '.stryker-tmp/',
      'reports/',
      'examples/',
      '**/*.js',
      '**/*.cjs',
      '**/*.mjs',
      '!scripts/*.mjs',
      '!eslint.config.mjs',
    ],
  },
  {
    files: ['scripts/*.mjs', 'eslint.config.mjs'],
    extends: [js.configs.recommended],
    languageOptions: {
      ecmaVersion: 'latest',
      sourceType: 'module',
      globals: {
        process: 'readonly',
        console: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        Buffer: 'readonly',
      },
    },
  },
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.recommended],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      eqeqeq: ['error', 'smart'],
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.object.name=/^(describe|it)$/][callee.property.name='only']",
          message: 'no .only in tests',
        },
      ],
    },
  },
  {
    files: pureCore,
    ignores: edge,
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'vscode',
              message: 'The pure core must not import vscode; put VS Code code in src/editor.',
            },
          ],
          patterns: [
            {
              regex: '(^|/)(editor(/|$)|extension$)',
              message: 'The pure core must not import the VS Code edge (src/editor, src/extension.ts).',
            },
          ],
        },
      ],
    },
  },
);
