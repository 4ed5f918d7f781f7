// ESLint 9 flat config: typescript-eslint's type-checked recommended rules for
// the TypeScript in src/, test/, bench/ and scripts/ (typed through
// tsconfig.json's project service), ESLint's recommended rules for the plain
// .mjs/.js files (bench/, scripts/, test support, this config). `npm run lint`.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    // Generated code is checked by its generator, not by us.
    ignores: [
      'dist/**',
      'coverage/**',
      'test-artifacts/**',
      'node_modules/**',
      'src/generated/**',
      'test/graphql/generated/**',
      'examples/generated/**',
      'prisma/**',
    ],
  },
  {
    files: ['**/*.{js,mjs,cjs}'],
    extends: [js.configs.recommended],
    languageOptions: { globals: { ...globals.node } },
    rules: {
      'no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  {
    files: ['**/*.ts', '**/*.mts'],
    extends: [js.configs.recommended, ...tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      globals: { ...globals.node },
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
    },
  },
  {
    // Tests read response bodies parsed from JSON (typed `any` by fetch and
    // JSON.parse) and assert on them with expect(); typing every document just
    // to silence these rules would add casts, not checks. src/ keeps them on.
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
);
