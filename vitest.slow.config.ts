import { defineConfig } from 'vitest/config';

// The slow suites (`npm run test:slow`): long kill-and-restart loops, million-entry logs.
// Kept out of `npm test` (vitest.config.ts excludes *.slow.test.ts).
export default defineConfig({
  test: {
    include: ['test/**/*.slow.test.{ts,tsx}', '{shared,electron,service}/**/*.slow.test.ts'],
    exclude: ['**/node_modules/**'],
    pool: 'forks',
    testTimeout: 600_000,
    hookTimeout: 120_000,
    environment: 'node',
  },
});
