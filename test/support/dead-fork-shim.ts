// vitest globalSetup (main process): a test file's process that dies (killed
// by test/support/watchdog.ts, or a crash in Z3) must fail that file, not
// end the whole run.
//
// Why a shim: with vitest 3.2 / tinypool 1.1, when a forked worker exits
// unexpectedly, tinypool tears the worker down by sending it one more
// message; sending on the closed IPC channel emits ERR_IPC_CHANNEL_CLOSED,
// which becomes an unhandled rejection, and vitest exits at once on any
// unhandled rejection: no other file runs and no summary is printed. So
// every forked worker gets a send() that drops messages once its channel is
// closed; tinypool then reports "Worker exited unexpectedly" for that file
// and the run goes on.

import childProcess from 'node:child_process';
import { syncBuiltinESMExports } from 'node:module';

export default function setup(): void {
  const fork = childProcess.fork;
  if ((fork as { mmcheckShim?: boolean }).mmcheckShim) return;
  const shimmed = ((...args: Parameters<typeof fork>) => {
    const child = fork(...args);
    const send = child.send.bind(child) as (...a: unknown[]) => boolean;
    child.send = ((...a: unknown[]) => (child.connected ? send(...a) : false)) as typeof child.send;
    return child;
  }) as typeof fork & { mmcheckShim?: boolean };
  shimmed.mmcheckShim = true;
  childProcess.fork = shimmed;
  // tinypool imports { fork } as an ES binding: make it see the shim.
  syncBuiltinESMExports();
}
