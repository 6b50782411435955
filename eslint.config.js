// ESLint (flat config): typescript-eslint's recommended rules with type information, React's hook rules for the
// web app, and eslint-config-prettier last so that layout is Prettier's alone (`npm run lint`, `npm run format`).
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import reactHooks from 'eslint-plugin-react-hooks';
import { defineConfig, globalIgnores } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default defineConfig(
  // Generated or built files (the same list as .prettierignore).
  globalIgnores(['**/dist/', 'cdk.out/', 'coverage/', '.camflow/', '.tmp/', '**/*.snapshot/', 'web/src/api/schema.d.ts']),
  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: globals.node,
      parserOptions: {
        // Each file is checked with the tsconfig that includes it: tsconfig.json, or web/tsconfig.json for web/src.
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // `_name` marks a value left unused on purpose (a skipped tuple element, a field taken out of a rest spread).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      // `async` without `await` is deliberate here: it keeps Promise-returning interfaces and turns a throw into a rejection.
      '@typescript-eslint/require-await': 'off',
      // The code strips control characters from camera file names, user text and terminal output on purpose.
      'no-control-regex': 'off',
      // It flags String(x) on untrusted input narrowed from `unknown` to `{}`, which is how this code quotes bad input.
      '@typescript-eslint/no-base-to-string': 'off',
      // Passing a caught `unknown` on to reject() is fine (as rethrowing it is); a new non-Error reason is still flagged.
      '@typescript-eslint/prefer-promise-reject-errors': ['error', { allowThrowingUnknown: true }],
    },
  },
  {
    // Tests read JSON bodies and SDK mocks as `any` and pass malformed input on purpose; expect() is their type check.
    files: ['**/*.test.{ts,tsx}', '**/*test-support.ts', 'integ-tests/**'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    files: ['web/src/**/*.{ts,tsx}'],
    extends: [reactHooks.configs.flat.recommended],
    languageOptions: { globals: globals.browser },
    rules: {
      // It warns that the React Compiler would skip a component (useVirtualizer); the app is not built with that compiler.
      'react-hooks/incompatible-library': 'off',
    },
  },
  {
    files: ['**/*.js'],
    extends: [tseslint.configs.disableTypeChecked],
  },
  prettier,
);
