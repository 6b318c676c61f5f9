import { DashboardBuilder, RowBuilder, type Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { catalog } from '@vigil/metrics/catalog';
import type { Model } from '../model/types.js';
import { recordingRuleNames as rules } from '../rules/recording.js';
import { alertNames } from './alerts.js';
import { vigilDashboardsLink } from './links.js';
import { PanelIds, timeseriesPanel } from './panels.js';
import { alertParameter, thresholdLine } from './thresholds.js';
import { datasourceVariable, serviceVariable } from './variables.js';
import { dashboardUids } from './scope.js';

const selected = 'job=~"$job"';

/** RED (rate, errors, duration) of every service, one series per job so each gets its own thresholds. */
export function serviceDashboard(model: Model): Dashboard {
  const ids = new PanelIds();
  const requests = `${catalog.httpRequestDuration.name}_count`;
  const operations = `${catalog.operationDuration.name}_count`;
  const errorRatio = `${rules.jobRequestErrorsRatioRate5m}{${selected}}`;
  const latencyP95 = `${rules.jobRequestDurationP95}{${selected}}`;
  const operationP95 = `${rules.jobOperationDurationP95}{${selected}}`;
  const latencySeconds = alertParameter(model, alertNames.highLatencyP95, 'seconds');

  return new DashboardBuilder('Vigil / Services (RED)')
    .uid(dashboardUids.service)
    .description(`Request rate, errors and duration per service, route and operation. Generated from ${model.source}; do not edit.`)
    .tags(['vigil', 'service', 'red'])
    .readonly()
    .time({ from: 'now-6h', to: 'now' })
    .refresh('30s')
    .link(vigilDashboardsLink())
    .withVariable(datasourceVariable(model))
    .withVariable(serviceVariable())
    .withRow(new RowBuilder('Rate and errors').id(ids.next()))
    .withPanel(
      timeseriesPanel(model, ids, {
        title: 'Request rate',
        description: 'HTTP requests per second per service (recording rule over 5m).',
        unit: 'reqps',
        min: 0,
        queries: [{ expr: `${rules.jobRequestsRate5m}{${selected}}`, legend: '{{job}}' }],
      }),
    )
    .withPanel(
      timeseriesPanel(model, ids, {
        title: 'Error ratio',
        description:
          'Share of requests answered 5xx over 5m. The dashed lines are the HighErrorRate ratio of each service.',
        unit: 'percentunit',
        min: 0,
        // The recording rule already records 0 for a job that has answered no 5xx yet.
        queries: [{ expr: errorRatio, legend: '{{job}}' }],
        alerts: [alertNames.highErrorRate],
        thresholdLines: [thresholdLine(alertParameter(model, alertNames.highErrorRate, 'ratio'), errorRatio)],
      }),
    )
    .withPanel(
      timeseriesPanel(model, ids, {
        title: 'Request rate by route and status',
        description: 'HTTP requests per second by route template and status code.',
        unit: 'reqps',
        min: 0,
        queries: [
          {
            expr: `sum by (job, route, status_code) (rate(${requests}{${selected}}[$__rate_interval]))`,
            legend: '{{job}} {{route}} {{status_code}}',
          },
        ],
        width: 24,
      }),
    )
    .withRow(new RowBuilder('Duration').id(ids.next()))
    .withPanel(
      timeseriesPanel(model, ids, {
        title: 'p95 request latency',
        description: 'p95 of request durations per service over 5m. The dashed lines are the HighLatencyP95 threshold of each service.',
        unit: 's',
        min: 0,
        queries: [{ expr: latencyP95, legend: '{{job}}' }],
        alerts: [alertNames.highLatencyP95],
        thresholdLines: [thresholdLine(latencySeconds, latencyP95)],
      }),
    )
    .withPanel(
      timeseriesPanel(model, ids, {
        title: 'Latency by route (p50, p95, p99)',
        description: 'Request duration quantiles per route over 5m.',
        unit: 's',
        min: 0,
        queries: [
          { expr: `${rules.jobRouteRequestDurationP50}{${selected}}`, legend: '{{job}} {{route}} p50' },
          { expr: `${rules.jobRouteRequestDurationP95}{${selected}}`, legend: '{{job}} {{route}} p95' },
          { expr: `${rules.jobRouteRequestDurationP99}{${selected}}`, legend: '{{job}} {{route}} p99' },
        ],
      }),
    )
    .withRow(new RowBuilder('Operations').id(ids.next()))
    .withPanel(
      timeseriesPanel(model, ids, {
        title: 'Operation p95 duration',
        description: 'p95 of timedOperation durations per operation over 5m. The dashed lines are the HighLatencyP95 threshold of each service, which covers operations too.',
        unit: 's',
        min: 0,
        queries: [{ expr: operationP95, legend: '{{job}} {{operation}}' }],
        alerts: [alertNames.highLatencyP95],
        thresholdLines: [thresholdLine(latencySeconds, operationP95)],
      }),
    )
    .withPanel(
      timeseriesPanel(model, ids, {
        title: 'Operation rate by outcome',
        description: 'timedOperation calls per second by operation and outcome.',
        unit: 'ops',
        min: 0,
        queries: [
          {
            expr: `sum by (job, operation, outcome) (rate(${operations}{${selected}}[$__rate_interval]))`,
            legend: '{{job}} {{operation}} {{outcome}}',
          },
        ],
      }),
    )
    .build();
}
