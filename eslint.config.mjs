// @ts-check
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

// Libs are used only through their public surface, `@app/<lib>` (src/index.ts).
const deepLibImport = {
  regex: '^@app/[^/]+/',
  message: 'Import a lib only through its public surface: `@app/<lib>`, never a path inside it.',
};
// Only libs/database may touch the generated Prisma client; everything else goes through its
// tenant-scoped repositories, which is what keeps every query inside the tenant's transaction.
const generatedClientImport = {
  regex: '(^|/)libs/[^/]+/src/generated(/|$)|^\\.{1,2}/(.*/)?generated(/|$)',
  message: 'The generated Prisma client belongs to libs/database; use `@app/database` instead.',
};
// Libs are shared by every app, so they must not depend on one.
const libToAppImport = {
  regex: '^(\\.\\./)+apps/',
  message: 'A lib must not import from an app; move the shared code into a lib.',
};

// Hand-listed instead of importing `globals`, which is not a direct dependency.
const nodeGlobals = {
  process: 'readonly',
  console: 'readonly',
  Buffer: 'readonly',
  URL: 'readonly',
  setTimeout: 'readonly',
  clearTimeout: 'readonly',
  setInterval: 'readonly',
  clearInterval: 'readonly',
};
const commonJsGlobals = {
  require: 'readonly',
  module: 'writable',
  exports: 'writable',
  __dirname: 'readonly',
  __filename: 'readonly',
};

export default tseslint.config(
  {
    ignores: ['dist/', 'node_modules/', 'coverage/', 'libs/database/src/generated/**', 'jest.config.js'],
  },
  {
    linterOptions: { reportUnusedDisableDirectives: 'error' },
  },

  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: {
          // prisma.config.ts sits outside tsconfig.json's `include` (it is not part of any app),
          // so it is checked against the same compiler options through the default project.
          allowDefaultProject: ['prisma.config.ts'],
          defaultProject: 'tsconfig.json',
        },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' },
      ],
      eqeqeq: 'error',
      // Services log through Nest's Logger, so output carries context and respects log levels.
      'no-console': 'error',
      'no-restricted-imports': ['error', { patterns: [deepLibImport, generatedClientImport] }],
    },
  },
  {
    // libs/database owns the generated client, so only the deep-import and lib→app rules apply.
    files: ['libs/database/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [deepLibImport, libToAppImport] }],
    },
  },
  {
    files: ['libs/**'],
    ignores: ['libs/database/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [deepLibImport, generatedClientImport, libToAppImport] },
      ],
    },
  },
  {
    // Command-line tools, scripts, benchmarks and tests talk to a terminal, not to a log pipeline.
    files: ['**/*.cli.ts', 'scripts/**', 'bench/**', 'test/**'],
    rules: { 'no-console': 'off' },
  },
  {
    // `expect(repo.method).toHaveBeenCalled()` passes a method without calling it, and Jest's
    // asymmetric matchers (`{ id: expect.any(String) }`) are typed `any`; both are safe in a spec.
    files: ['**/*.spec.ts', '**/*.testing.ts'],
    rules: {
      '@typescript-eslint/unbound-method': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
    },
  },
  {
    // Plain JavaScript (this file, scripts/*.mjs) has no type information to lint with.
    files: ['**/*.{js,mjs,cjs}'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: nodeGlobals },
  },
  {
    files: ['**/*.{js,cjs}'],
    languageOptions: { sourceType: 'commonjs', globals: { ...nodeGlobals, ...commonJsGlobals } },
  },

  // Last, so formatting is left to Prettier.
  prettier,
);
