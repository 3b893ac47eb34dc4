import { defineConfig } from 'vitest/config';

// Slow suites (million-entry logs, kill-and-restart loops at scale, fuzzing) are named
// *.slow.test.ts and run with `npm run test:slow`, not on every `npm test`.
export default defineConfig({
  test: {
    include: [
      'test/**/*.test.{ts,tsx}',
      '{shared,electron,service,renderer,bench}/**/*.test.{ts,tsx}',
    ],
    exclude: ['**/node_modules/**', '**/*.slow.test.ts'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    environment: 'node',
  },
});
