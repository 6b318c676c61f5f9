/**
 * A panel's PromQL as Grafana sends it to Prometheus with every variable on "All": for the tests
 * (in this repo and in a team's own) that query each generated panel against a real Prometheus
 * and require data. One rewrite, so those checks cannot drift apart. Exported from
 * `@vigil/generator/testing`, not the main entry point.
 */
import { recordingRuleNames } from '../rules/recording.js';

/** Grafana's floor for `$__rate_interval`: four scrape intervals, plus a second for jitter. */
export const rateIntervalFor = (scrapeSeconds: number): string => `${4 * scrapeSeconds + 1}s`;

/**
 * The hourly baseline reads the same hours a week or a day earlier, which a fresh Prometheus
 * cannot have: the expression is queried with the current hour in its place (same labels, same
 * joins), so a wrong join still shows as no data.
 */
export function withoutHistory(expr: string): string {
  return expr.replaceAll(recordingRuleNames.pipelineItemsCreatedRate1hBaseline, recordingRuleNames.pipelineItemsCreatedRate1h);
}

export interface SentQueryOptions {
  /** The scrape interval of the Prometheus queried; sets `$__rate_interval` and `$__interval`. */
  readonly scrapeSeconds: number;
  /** Keep the hourly baseline (a Prometheus with a day of history); default false. */
  readonly withHistory?: boolean;
}

/**
 * `$__rate_interval`, `$__interval` and `$__range` (an hour) become fixed windows, and every
 * template variable (`$job`, `${job}`, `${job:regex}`, `[[job]]`) the match-all regex.
 */
export function asGrafanaWouldSend(expr: string, options: SentQueryOptions): string {
  return (options.withHistory === true ? expr : withoutHistory(expr))
    .replace(/\$__rate_interval|\$\{__rate_interval\}/g, rateIntervalFor(options.scrapeSeconds))
    .replace(/\$__interval|\$\{__interval\}/g, `${options.scrapeSeconds}s`)
    .replace(/\$__range|\$\{__range\}/g, '1h')
    .replace(/\$\{(\w+)(:\w+)?\}|\$(\w+)|\[\[(\w+)\]\]/g, '.*');
}
