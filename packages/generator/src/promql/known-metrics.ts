import { allExposedSeriesNames } from '@vigil/metrics/catalog';
import type { Model } from '../model/types.js';
import { noSuchSeries } from '../rules/parameters.js';
import { recordingRuleNames } from '../rules/recording.js';
import { sloSeriesNames } from '../slo/series.js';
import { declaredExporterMetrics } from './exporters.js';

/** Series Prometheus itself synthesises: scrape health and alert state. */
export const prometheusSyntheticSeries = ['up', 'ALERTS', 'ALERTS_FOR_STATE'] as const;

/** Every metric name an expression may read, and where each allowance comes from. */
/** Metric families of Prometheus, Alertmanager and Grafana themselves, which the stack scrapes. */
export const selfMonitoringMetricPrefixes = ['prometheus_', 'alertmanager_', 'grafana_', 'scrape_'] as const;

export interface KnownMetrics {
  has(name: string): boolean;
}

export function knownMetrics(model: Model, extraRecordingRules: Iterable<string> = []): KnownMetrics {
  const exact = new Set<string>([
    ...allExposedSeriesNames(),
    ...Object.values(recordingRuleNames),
    ...sloSeriesNames(),
    ...extraRecordingRules,
    ...prometheusSyntheticSeries,
    // Read only through absent(), to make a constant series from its matchers (rules/parameters.ts).
    noSuchSeries,
  ]);
  const prefixes: string[] = [];
  for (const name of declaredExporterMetrics(model)) {
    if (name.endsWith('_')) prefixes.push(name);
    else exact.add(name);
  }
  // The stack's own metrics (meta-monitoring) and node-exporter on the spec's hosts.
  prefixes.push(...selfMonitoringMetricPrefixes);
  if (model.hosts !== undefined) prefixes.push('node_');
  return { has: (name) => exact.has(name) || prefixes.some((prefix) => name.startsWith(prefix)) };
}
