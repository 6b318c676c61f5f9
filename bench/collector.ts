/**
 * V8's collector, for benches that time cases back to back in one process: each timed case should
 * start with an empty young generation, so that it does not pay for what the case before it left.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

setFlagsFromString('--expose-gc');
/** V8's `gc()`, exposed from here on; a context made after the flag is set has it. */
export const collectGarbage = runInNewContext('gc') as (options?: { type: 'minor' | 'major' }) => void;

/**
 * Empties the young generation before a timed case. Two young-generation collections, not one: an
 * object that survives its first is copied within the young generation and promoted only at its
 * second, so after one, the case's first scavenge would still move the last case's survivors on the
 * case's clock. (A throwaway `--trace-gc` run of bench/metrics.ts showed it: some 8 ms in the case after
 * autometrics, about 100 ns a call, which made `@timedOperation` read dearer than `timed()` around
 * the same wrapper.) A full collection is no cure: it shrinks the young generation, and every case of
 * bench/metrics.ts then ran at half speed.
 */
export function clearYoungGeneration(): void {
  collectGarbage({ type: 'minor' });
  collectGarbage({ type: 'minor' });
}
