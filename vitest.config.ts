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
    setupFiles: ['test/support/watchdog.ts', 'test/support/wasm-cache.ts'],
    globalSetup: ['test/support/dead-fork-shim.ts', 'test/support/warm-typecheck.ts', 'test/support/main-cpu.ts'],
    // Z3 (WebAssembly, threads) and spawned CLI processes are happier in
    // forks. A fork runs one file at a time and, not isolated, goes on to
    // the next file with the modules it has loaded: a process and its
    // imports per file cost a third of the suite's CPU (measured: 237 s ->
    // 156 s for the whole suite). Killing a fork (the watchdog) still fails
    // only the file it was running; a new fork runs the others. What a file
    // leaves behind that the next could trip on is reset by
    // test/support/watchdog.ts: its watchdog thread and its Z3 context.
    pool: 'forks',
    // vitest's default is one fork per core minus one: a single fork on a
    // 2-core machine, so the suite ran file after file while the CPU-light
    // files (the watchdog's, the CLI's spawned runs, the browser's) waited
    // for nothing. Two forks overlap them with the CPU-bound ones.
    //
    // CI's MMCHECK_PROOFS=1 steps (.ci/run) run isolated, a process per
    // file, as before: their kernel proofs and BMC cross-checks grow Z3's
    // WebAssembly heap toward its 2 GB limit, and files sharing a fork ran
    // it out (Aborted: Cannot enlarge memory arrays, in a fresh-clone CI
    // run at 11:16 on 2026-11-30), after which the fork hung.
    poolOptions: { forks: { minForks: 1, maxForks: 2, isolate: process.env.MMCHECK_PROOFS === '1' } },
  },
});
