/**
 * Counts unhandled rejections and uncaught exceptions without changing what the process does
 * about them. A `process.on('unhandledRejection')` listener would switch off Node's default
 * crash (its presence alone marks the rejection handled), so rejections are observed by
 * wrapping `process.emit` instead: listeners and emit's return value stay exactly as they were.
 * Uncaught exceptions are seen through 'uncaughtExceptionMonitor', which runs before Node's
 * default handler and does not stop it.
 */
import type { CounterSeries } from './families.js';

export interface UnhandledErrorSeries {
  readonly unhandledRejection: CounterSeries;
  readonly uncaughtException: CounterSeries;
}

type Emit = typeof process.emit;

export function countUnhandledErrors(series: UnhandledErrorSeries): () => void {
  const originalEmit: Emit = process.emit;
  const countingEmit = function (this: NodeJS.Process, event: string | symbol, ...args: unknown[]): boolean {
    if (event === 'unhandledRejection') {
      try {
        series.unhandledRejection.inc();
      } catch {
        // Counting must not change the outcome.
      }
    }
    return (originalEmit as (...values: unknown[]) => boolean).call(this, event, ...args);
  } as Emit;
  process.emit = countingEmit;

  // An unhandled rejection Node turns into an exception reaches the monitor with origin
  // 'unhandledRejection'; it was already counted by the emit hook.
  const monitor = (_error: Error, origin: string): void => {
    if (origin === 'uncaughtException') series.uncaughtException.inc();
  };
  process.on('uncaughtExceptionMonitor', monitor);

  return () => {
    if (process.emit === countingEmit) process.emit = originalEmit;
    process.off('uncaughtExceptionMonitor', monitor);
  };
}
