import { recordingRuleNames } from '../src/rules/recording.js';

/**
 * Panel expressions as Grafana sends them, for the tests that query every panel against a real
 * Prometheus: every variable on "All", `$__rate_interval` at Grafana's floor of four scrape
 * intervals (plus one second).
 */

/**
 * The hourly baseline reads the same hour a day and a week earlier, which a fresh Prometheus
 * cannot have; an expression over it is checked with the current hour in its place (same
 * labels, same joins), so a wrong join still shows as no data.
 */
function withoutHistory(expr: string): string {
  return expr.replaceAll(recordingRuleNames.pipelineItemsCreatedRate1hBaseline, recordingRuleNames.pipelineItemsCreatedRate1h);
}

export const rateIntervalFor = (scrapeSeconds: number): string => `${4 * scrapeSeconds + 1}s`;

export function asGrafanaWouldSend(expr: string, scrapeSeconds: number): string {
  return withoutHistory(expr)
    .replace(/\$\{?__rate_interval\}?/g, rateIntervalFor(scrapeSeconds))
    .replace(/\$\{?(job|pipeline|instance|slo|team)\}?/g, '.*');
}
