import type { Criticality, HealthCheck } from './checks.js';

export interface FreshnessCheckOptions {
  /** E.g. `pipeline:orders`. */
  readonly name: string;
  /** The pipeline is unhealthy when it has created nothing for this long. */
  readonly windowMs: number;
  /** Time of the last created item in epoch milliseconds, or undefined when none has been created yet. */
  readonly lastItemAtMs: () => number | undefined;
  readonly criticality?: Criticality;
  /** Clock, epoch milliseconds. Default `Date.now`. */
  readonly now?: () => number;
}

/**
 * A pipeline that created nothing within its window is unhealthy even though the process is
 * up. Before the first item, the window counts from when the check was created, so a fresh
 * process gets one window of grace instead of failing at once.
 */
export function freshnessCheck(options: FreshnessCheckOptions): HealthCheck {
  if (!(options.windowMs > 0)) {
    throw new TypeError(`@vigil/health: freshnessCheck "${options.name}": windowMs must be a positive number, got ${String(options.windowMs)}`);
  }
  const now = options.now ?? Date.now;
  const createdAt = now();
  return {
    name: options.name,
    criticality: options.criticality ?? 'critical',
    // Reads a timestamp in memory: nothing to protect from repeated probes, so never stale.
    cacheTtlMs: 0,
    run() {
      const last = options.lastItemAtMs();
      const current = now();
      if (last === undefined) {
        const waited = current - createdAt;
        if (waited > options.windowMs) {
          throw new Error(`no item created since start-up ${formatDuration(waited)} ago (window ${formatDuration(options.windowMs)})`);
        }
        return { details: { lastItemAgeSeconds: null, windowSeconds: options.windowMs / 1000 } };
      }
      const age = current - last;
      if (age > options.windowMs) {
        throw new Error(`last item created ${formatDuration(age)} ago, more than the ${formatDuration(options.windowMs)} window`);
      }
      return { details: { lastItemAgeSeconds: Math.round(age) / 1000, windowSeconds: options.windowMs / 1000 } };
    },
  };
}

function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 120_000) return `${Math.round(ms / 100) / 10}s`;
  if (ms < 7_200_000) return `${Math.round(ms / 6000) / 10}m`;
  return `${Math.round(ms / 360_000) / 10}h`;
}
