// The calling thread's CPU time, for the bench's per-thread figures: Node 20
// has no process.threadCpuUsage(), but Linux reports each thread's user and
// system time in /proc/thread-self/stat.

import { readFileSync } from 'node:fs';

/** USER_HZ: 100 on every Linux architecture Node runs on. */
const CLOCK_TICKS = 100;

/** This thread's CPU milliseconds (10 ms resolution), or NaN off Linux. */
export function threadCpuMs(): number {
  try {
    const stat = readFileSync('/proc/thread-self/stat', 'utf8');
    // After "pid (comm) ": state is field 3; utime and stime are fields 14, 15.
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(f[11]) + Number(f[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return NaN;
  }
}
