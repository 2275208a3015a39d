// Flat config. The layer rules here are the project's architecture in executable form:
// core/ is pure and shared; the renderer talks to the rest only through window.api.
import tseslint from 'typescript-eslint';
import vue from 'eslint-plugin-vue';
import globals from 'globals';

const nodeBuiltins = ['node:*', 'fs', 'path', 'os', 'crypto', 'child_process', 'http', 'https', 'net', 'stream', 'zlib', 'url', 'util', 'worker_threads'];

export default tseslint.config(
  { ignores: ['node_modules/', 'out/', 'dist/', 'release/', 'test-output/', 'coverage/', '**/*.d.ts'] },
  ...tseslint.configs.recommended,
  ...vue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser } },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'vue/no-v-html': 'error',
      'vue/multi-word-component-names': 'off',
      'no-eval': 'error',
      'no-new-func': 'error',
    },
  },
  {
    files: ['core/**/*.ts'],
    ignores: ['core/node/**', 'core/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: nodeBuiltins, message: 'core/ is pure: put Node adapters in core/node/.' },
            { group: ['electron', 'electron/*'], message: 'core/ never imports Electron.' },
            { group: ['vue', 'pinia', 'vue-i18n'], message: 'core/ never imports the UI framework.' },
            { group: ['**/electron/**', '**/renderer/**', '**/cli/**', '**/core/node/**', '../node/*', './node/*'], message: 'core/ imports nothing from the other layers (nor from core/node).' },
          ],
        },
      ],
    },
  },
  {
    files: ['core/node/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['electron', 'electron/*'], message: 'core/node is shared with the CLI: no Electron.' },
            { group: ['**/electron/**', '**/renderer/**', '**/cli/**'], message: 'core/ imports nothing from the other layers.' },
          ],
        },
      ],
    },
  },
  {
    files: ['renderer/**/*.ts', 'renderer/**/*.vue'],
    languageOptions: { globals: globals.browser },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: nodeBuiltins, message: 'The renderer has no Node: ask main through window.api.' },
            { group: ['electron', 'electron/*'], message: 'The renderer never imports Electron: use window.api.' },
            { group: ['**/electron/**', '**/core/node/**', '**/cli/**'], message: 'The renderer reaches main only through window.api.' },
          ],
        },
      ],
    },
  },
  {
    files: ['electron/**/*.ts', 'cli/**/*.ts', 'scripts/**/*.{js,mjs}', 'bench/**/*.ts', 'test/**/*.ts', 'bin/**/*.cjs', '*.config.{js,ts}'],
    languageOptions: { globals: globals.node },
  },
  {
    files: ['bin/**/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // Only the IPC layer touches ipcMain, only the preload touches ipcRenderer.
    files: ['**/*.ts', '**/*.vue'],
    ignores: ['electron/main/ipc/**', 'electron/preload/**', '**/*.test.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        { selector: "ImportSpecifier[imported.name='ipcMain']", message: 'Only electron/main/ipc/ registers IPC handlers.' },
        { selector: "ImportSpecifier[imported.name='ipcRenderer']", message: 'Only the preload talks to ipcRenderer.' },
      ],
    },
  },
);
