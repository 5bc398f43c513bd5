import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // A test or hook that takes longer fails; the file goes on.
    testTimeout: 120_000,
    hookTimeout: 60_000,
    teardownTimeout: 10_000,
    // A file whose thread is blocked (where no timeout can fire) is killed by
    // test/support/watchdog.ts after its budget; the other files go on.
    setupFiles: ['test/support/watchdog.ts'],
    globalSetup: ['test/support/dead-fork-shim.ts', 'test/support/warm-typecheck.ts'],
    // Z3 (WebAssembly, threads) and spawned CLI processes are happier in
    // forks; isolate gives every file its own process, so killing one file
    // kills nothing else.
    pool: 'forks',
    isolate: true,
  },
});
