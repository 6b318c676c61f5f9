/**
 * Names and labels of the SLO series. Every series of an SLO carries the same identity labels
 * (those of `vigil:slo_objective`), so recording rules and alerts combine them with plain
 * binary operators and one rule serves every SLO of the fleet.
 */
import type { SloModel } from '../model/types.js';

/** SLI windows: the four burn-rate pairs of the SRE workbook read these. */
export const sloWindows = ['5m', '30m', '1h', '2h', '6h', '1d', '3d'] as const;
export type SloWindow = (typeof sloWindows)[number];

/** Windows short enough to share a group; the long ones get their own (issue 12: split by window). */
export const shortSloWindows: readonly SloWindow[] = ['5m', '30m', '1h', '2h'];
export const longSloWindows: readonly SloWindow[] = ['6h', '1d', '3d'];

export const sloSeries = {
  /** Constant per SLO: its objective. The identity every other SLO series inherits. */
  objective: 'vigil:slo_objective',
  /** Constant per latency SLO: the threshold, with the bucket's `le` label. */
  latencyThreshold: 'vigil:slo_latency_threshold_seconds',
  /** Constant per freshness SLO: the largest acceptable age of the newest item. */
  freshnessMaxAge: 'vigil:slo_freshness_max_age_seconds',
  /** Constant, only for SLOs whose spec sets `minEvents`. */
  minEventsOverride: 'vigil:slo_min_events_override',
  /** Every SLO's evidence floor: the override, or the default. */
  minEvents: 'vigil:slo_min_events',
  /** Events (requests; for freshness, seconds) per second over 5m. */
  events5m: 'vigil:slo_events:rate5m',
  /** Bad events per second over 5m (for freshness: 1 while the newest item is too old, else 0). */
  errors5m: 'vigil:slo_errors:rate5m',
  errorRatio: (window: SloWindow) => `vigil:slo_error_ratio:rate${window}`,
  /** Error ratio over the window divided by the error budget (1 - objective). */
  burnRate: (window: SloWindow) => `vigil:slo_burn_rate:rate${window}`,
  /** Events in the window (the evidence the burn-rate alerts require). */
  events: (window: SloWindow) => `vigil:slo_events:increase${window}`,
  /**
   * The 5m series summed over the last hour. Read once an hour (a `[period:1h]` subquery), they tile
   * the period with 720 points per 30 days, where summing the 5m series itself would load one sample
   * per evaluation: 172,800 per series at a 15s interval, past Prometheus' per-query sample limit
   * for a fleet of SLOs.
   */
  errorsHour: 'vigil:slo_errors:sum1h',
  eventsHour: 'vigil:slo_events:sum1h',
  /** Error ratio over the SLO's whole period, from the hourly sums. */
  errorRatioPeriod: 'vigil:slo_error_ratio:period',
  /** Share of the period's error budget left: 1 untouched, 0 spent, negative overspent. */
  budgetRemaining: 'vigil:slo_error_budget_remaining:ratio',
} as const;

/** Every series name the SLO recording rules record (for the known-metric checks). */
export function sloSeriesNames(): string[] {
  const { errorRatio, burnRate, events, ...constant } = sloSeries;
  return [...Object.values(constant), ...sloWindows.flatMap((window) => [errorRatio(window), burnRate(window), events(window)])];
}

/** Identity labels of an SLO's series, sorted by name. */
export function sloLabels(slo: SloModel): Record<string, string> {
  return {
    job: slo.job,
    period: slo.period,
    ...(slo.sli === 'freshness' ? { pipeline: slo.pipeline } : {}),
    service: slo.service,
    sli: slo.sli,
    slo: slo.name,
    team: slo.team,
  };
}
