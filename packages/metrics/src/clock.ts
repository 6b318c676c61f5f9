/**
 * The clock of the HTTP integrations: milliseconds on the monotonic clock, the one
 * `performance.now()` reads, so their durations agree with `timed()`'s.
 *
 * Not `performance.now()` itself: its receiver check calls a `hasOwnProperty` builtin V8 does not
 * inline, which callgrind counted at some 90 instructions a read, two a response. `hrtime()`'s
 * pair is taken apart where it is made. (`timed()` keeps `performance.now()`, which bench/metrics.ts
 * measures against the other clocks; see timed.ts.)
 */
// Imported: the global `process` is an accessor, as `performance` is (see timed.ts).
import { hrtime } from 'node:process';

export function monotonicMs(): number {
  const time = hrtime();
  return time[0]! * 1e3 + time[1]! / 1e6;
}
