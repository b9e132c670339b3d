import { defineConfig } from 'vitest/config';

/**
 * Three tiers by file suffix (STYLE.md §11): `*.test.ts` unit, `*.int.test.ts` through HTTP against a
 * real database (PGlite always; PostgreSQL too when KITE_TEST_PG_URL is set), `*.e2e.ts` in headless
 * Chromium. Everything runs in UTC.
 */
export default defineConfig({
  test: {
    env: { TZ: 'UTC', KITE_LOG_LEVEL: process.env.KITE_LOG_LEVEL ?? 'silent', NO_PROXY: '127.0.0.1,localhost' },
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          sequence: { groupOrder: 0 },
          include: ['{apps,packages,modules}/**/*.test.ts'],
          exclude: ['**/*.int.test.ts', '**/node_modules/**'],
        },
      },
      {
        extends: true,
        test: {
          name: 'int',
          sequence: { groupOrder: 1 },
          include: ['{apps,packages,modules}/**/*.int.test.ts'],
          exclude: ['**/node_modules/**'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          pool: 'forks',
          maxWorkers: 2,
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          sequence: { groupOrder: 2 },
          include: ['{apps,modules}/**/*.e2e.ts'],
          exclude: ['**/node_modules/**'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          pool: 'forks',
          maxWorkers: 1,
        },
      },
    ],
  },
});
