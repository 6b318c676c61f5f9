/**
 * Circuit-breaker metrics through an adapter for opossum, the de facto Node breaker. The adapter
 * only listens to the breaker's events; it never wraps or changes a call. Anything with the same
 * events and `opened` / `halfOpen` flags works; opossum itself is not a dependency.
 */
import type { CounterFamily, CounterSeries, GaugeFamily } from './families.js';
import { assertLabelValue } from './names.js';

/** The part of an opossum CircuitBreaker the adapter reads. */
export interface BreakerLike {
  readonly name?: string;
  readonly opened: boolean;
  readonly halfOpen: boolean;
  on(event: string, listener: (...args: unknown[]) => void): unknown;
  removeListener(event: string, listener: (...args: unknown[]) => void): unknown;
}

/** `circuit_breaker_state` values. Ordered so that `>= 1` means "not closed". */
export const breakerStateValue = { closed: 0, half_open: 1, open: 2 } as const;

export type BreakerOutcome = 'success' | 'failure' | 'timeout' | 'rejected' | 'fallback';

export interface BreakerFamilies {
  readonly state: GaugeFamily;
  readonly transitions: CounterFamily;
  readonly calls: CounterFamily;
}

function stateOf(breaker: BreakerLike): keyof typeof breakerStateValue {
  if (breaker.opened) return 'open';
  if (breaker.halfOpen) return 'half_open';
  return 'closed';
}

/** opossum rejects a timed-out call with this code and emits `failure` after `timeout`. */
function isTimeout(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'ETIMEDOUT';
}

/**
 * Binds the breaker's series and subscribes to its events. Returns the function that
 * unsubscribes. A timed-out call counts as `timeout` only (opossum also emits `failure` for it);
 * a call the fallback served counts as `fallback` on top of its failure, timeout or rejection.
 */
export function instrumentBreaker(families: BreakerFamilies, breaker: BreakerLike, name: string): () => void {
  assertLabelValue(name, 'breaker', 'instrumentBreaker()');
  const state = families.state.seriesFor([name]);
  const transitionTo = {
    open: families.transitions.seriesFor([name, 'open']),
    half_open: families.transitions.seriesFor([name, 'half_open']),
    closed: families.transitions.seriesFor([name, 'closed']),
  };
  const outcomes: Record<BreakerOutcome, CounterSeries> = {
    success: families.calls.seriesFor([name, 'success']),
    failure: families.calls.seriesFor([name, 'failure']),
    timeout: families.calls.seriesFor([name, 'timeout']),
    rejected: families.calls.seriesFor([name, 'rejected']),
    fallback: families.calls.seriesFor([name, 'fallback']),
  };
  state.value = breakerStateValue[stateOf(breaker)];
  const enter = (to: keyof typeof breakerStateValue) => (): void => {
    state.value = breakerStateValue[to];
    transitionTo[to].inc();
  };
  const listeners: Array<[string, (...args: unknown[]) => void]> = [
    ['open', enter('open')],
    ['halfOpen', enter('half_open')],
    ['close', enter('closed')],
    ['success', () => outcomes.success.inc()],
    ['failure', (error: unknown) => {
      if (!isTimeout(error)) outcomes.failure.inc();
    }],
    ['timeout', () => outcomes.timeout.inc()],
    ['reject', () => outcomes.rejected.inc()],
    ['fallback', () => outcomes.fallback.inc()],
  ];
  for (const [event, listener] of listeners) breaker.on(event, listener);
  return () => {
    for (const [event, listener] of listeners) breaker.removeListener(event, listener);
  };
}
