/**
 * Cooperative work shared by the `/metrics` render (render.ts) and the cluster primary's merge
 * (cluster/aggregator.ts): single flight, so concurrent callers share one run of the work, and
 * slices, so the work yields to the event loop every few milliseconds and stops once every caller
 * has gone away.
 */
import { performance } from 'node:perf_hooks';

/** A scrape's caller went away (its signal aborted), or every caller of a shared render did. */
export class ScrapeAbortedError extends Error {
  override readonly name = 'ScrapeAbortedError';
  constructor() {
    super('@vigil/metrics: every client of this scrape went away');
  }
}

/** The default longest stretch a render runs before yielding to the event loop. */
export const defaultSliceMs = 4;
/** Series written (or merged) between two looks at the clock; a series costs about a microsecond. */
export const seriesPerClockRead = 32;
/** What a shared render sees of its callers. */
export interface Flight {
  /** Every caller has gone away: the work stops at its next slice boundary. */
  readonly abandoned: boolean;
}

class SharedFlight<T> implements Flight {
  /** Callers still waiting; the work stops when this falls to zero. */
  waiters = 0;
  /** Set as soon as the work starts, before any caller joins. */
  result!: Promise<T>;

  get abandoned(): boolean {
    return this.waiters === 0;
  }
}

/**
 * Single flight per key: a caller joins the work in flight for its key, or starts it. A caller
 * whose `signal` aborts leaves at once (ScrapeAbortedError); the work sees `abandoned` once the
 * last caller has left.
 */
export class SingleFlights<K, T> {
  private readonly flights = new Map<K, SharedFlight<T>>();

  join(key: K, run: (flight: Flight) => Promise<T>, signal?: AbortSignal): Promise<T> {
    if (signal?.aborted === true) return Promise.reject(new ScrapeAbortedError());
    let flight = this.flights.get(key);
    if (flight === undefined) {
      const started = new SharedFlight<T>();
      started.result = run(started).finally(() => {
        if (this.flights.get(key) === started) this.flights.delete(key);
      });
      // The work's own promise may reject after every caller left; that is not unhandled.
      started.result.catch(() => undefined);
      this.flights.set(key, started);
      flight = started;
    }
    const joined = flight;
    joined.waiters += 1;
    if (signal === undefined) return joined.result;
    return new Promise<T>((resolve, reject) => {
      const leave = (): void => {
        joined.waiters -= 1;
        reject(new ScrapeAbortedError());
      };
      signal.addEventListener('abort', leave, { once: true });
      joined.result.then(
        (value) => {
          signal.removeEventListener('abort', leave);
          resolve(value);
        },
        (error: unknown) => {
          signal.removeEventListener('abort', leave);
          reject(error);
        },
      );
    });
  }
}

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * The clock sliced work runs by: read `due` every few units of work (`seriesPerClockRead`
 * series); when it says so, `next()` yields to the event loop and stops the work
 * (ScrapeAbortedError) if every caller of its flight has gone away meanwhile.
 */
export class SliceClock {
  private sliceStart = performance.now();

  constructor(
    private readonly sliceMs: number,
    private readonly flight: Flight,
  ) {}

  get due(): boolean {
    return performance.now() - this.sliceStart >= this.sliceMs;
  }

  async next(): Promise<void> {
    await yieldToEventLoop();
    if (this.flight.abandoned) throw new ScrapeAbortedError();
    this.sliceStart = performance.now();
  }

  /** Runs `steps` (each a few units of work) to the end, yielding between slices. */
  async drain(steps: Iterable<unknown>): Promise<void> {
    for (const _step of steps) if (this.due) await this.next();
  }
}

/** `sliceMs` as an option gives it: a positive, finite number of milliseconds. */
export function checkedSliceMs(sliceMs: number | undefined): number {
  const value = sliceMs ?? defaultSliceMs;
  if (typeof value !== 'number' || !(value > 0) || !Number.isFinite(value)) {
    throw new RangeError(`@vigil/metrics: sliceMs must be a positive number of milliseconds, got ${JSON.stringify(value)}`);
  }
  return value;
}
