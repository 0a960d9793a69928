import { defineConfig } from 'vitest/config';

// Test tiers are visible in the file name (STYLE.md): `*.test.ts` are pure unit tests with no I/O,
// `*.int.test.ts` use a real database, `*.e2e.test.ts` go through HTTP or the browser. Only the tiers
// that need PostgreSQL pay for starting it.
export default defineConfig({
  test: {
    testTimeout: 30_000,
    reporters: ['default', './test/support/summary-reporter.ts'],
    hookTimeout: 120_000,
    // Two cores: more workers only add contention on the shared SQLite/PostgreSQL disk.
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'bench/**/*.test.ts'],
          exclude: ['**/*.int.test.ts', '**/*.e2e.test.ts', '**/node_modules/**'],
        },
      },
      {
        extends: true,
        test: {
          name: 'int',
          include: [
            'src/**/*.{int,e2e}.test.ts',
            'test/**/*.{int,e2e}.test.ts',
            'bench/**/*.{int,e2e}.test.ts',
          ],
          globalSetup: ['test/setup/postgres-server.ts'],
        },
      },
    ],
  },
});
