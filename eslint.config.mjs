// Lint for the whole workspace. The module-boundary rule is the architecture's fence: services may
// depend on libs only (never on each other, never on tools), libs only on libs (never on a tool or a
// service), contracts on nothing, and the test harness (libs/testing, `type:testing`, which starts
// PostgreSQL and Kafka from tools) only from test code. Proven by libs/testing/src/module-boundaries.spec.ts.
import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';
import reactHooks from 'eslint-plugin-react-hooks';

/** Test code: integration/e2e folders and unit specs beside the code. */
const testFiles = ['**/test/**/*.ts', '**/*.spec.ts'];

/** The depConstraints; test code may also use the harness. */
function boundaries({ testCode }) {
  const harness = testCode ? ['type:testing'] : [];
  return [
    'error',
    {
      enforceBuildableLibDependency: false,
      allow: [],
      depConstraints: [
        { sourceTag: 'type:service', onlyDependOnLibsWithTags: ['type:lib', ...harness] },
        { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:lib', ...harness] },
        { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:lib', 'type:tool', 'type:testing'] },
        { sourceTag: 'type:tool', onlyDependOnLibsWithTags: ['type:lib', 'type:tool'] },
        { sourceTag: 'type:test', onlyDependOnLibsWithTags: ['type:lib', 'type:tool', 'type:testing'] },
        { sourceTag: 'scope:contracts', onlyDependOnLibsWithTags: ['scope:contracts'] },
        // The browser app (services/web) is built on its own: it imports nothing of the workspace.
        { sourceTag: 'type:web', onlyDependOnLibsWithTags: [...harness] },
      ],
    },
  ];
}

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      '.nx/**',
      'charts/**',
      'k8s/**',
      'coverage/**',
      'build/**',
      // Generated from the API's OpenAPI document (npm run api-types -w services/web).
      'services/web/src/api/schema.d.ts',
    ],
  },
  ...tseslint.configs.recommended,
  prettier,
  {
    files: ['**/*.ts', '**/*.tsx'],
    plugins: { '@nx': nx },
    rules: {
      '@nx/enforce-module-boundaries': boundaries({ testCode: false }),
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': ['error', { allow: ['warn', 'error'] }],
    },
  },
  {
    files: ['services/web/src/**/*.tsx', 'services/web/src/**/*.ts'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'error',
    },
  },
  {
    files: testFiles,
    rules: { '@nx/enforce-module-boundaries': boundaries({ testCode: true }) },
  },
  {
    files: [...testFiles, 'tools/**/*.ts'],
    rules: { 'no-console': 'off' },
  },
);
