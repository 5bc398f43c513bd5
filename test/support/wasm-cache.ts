// vitest setup file: a fork that runs several test files compiles Z3's
// WebAssembly (35 MB) once, not once per file.
//
// Every file that uses Z3 gets a fresh Z3 (src/symbolic/z3.ts's init, and
// test/support/watchdog.ts disposes of it after the file), and init compiles
// the module anew: 0.6 of its 0.9-1.1 CPU seconds, about 15 files. A
// compiled WebAssembly.Module holds no state (each instance has its own
// memory), so the same bytes are compiled once per process and each init
// instantiates it: the same code, a fresh instance. Only large modules
// (Z3's) are cached, keyed by their content.

import { createHash } from 'node:crypto';

const PATCHED = Symbol.for('mmcheck.test.wasm-cache');
const LARGE = 1 << 20;

type Instantiate = typeof WebAssembly.instantiate;
const g = globalThis as { [PATCHED]?: boolean };

if (!g[PATCHED]) {
  g[PATCHED] = true;
  const original: Instantiate = WebAssembly.instantiate.bind(WebAssembly);
  const compiled = new Map<string, Promise<WebAssembly.Module>>();
  const bytesOf = (s: unknown): Uint8Array | undefined =>
    s instanceof ArrayBuffer ? new Uint8Array(s) : ArrayBuffer.isView(s) ? new Uint8Array(s.buffer, s.byteOffset, s.byteLength) : undefined;
  WebAssembly.instantiate = ((source: unknown, imports?: WebAssembly.Imports) => {
    const bytes = bytesOf(source);
    if (!bytes || bytes.byteLength < LARGE) return (original as (s: unknown, i?: WebAssembly.Imports) => unknown)(source, imports);
    const key = createHash('sha1').update(bytes).digest('hex');
    let module = compiled.get(key);
    if (!module) {
      module = WebAssembly.compile(bytes as Uint8Array<ArrayBuffer>);
      compiled.set(key, module);
      module.catch(() => compiled.delete(key));
    }
    return module.then(async (m) => ({ module: m, instance: await original(m, imports) }));
  }) as Instantiate;
}
