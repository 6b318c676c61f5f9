import { DashboardBuilder, RowBuilder, type Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { catalog } from '@vigil/metrics/catalog';
import type { Model, Priority } from '../model/types.js';
import { recordingRuleNames as rules } from '../rules/recording.js';
import { alertNames } from './alerts.js';
import { vigilDashboardsLink } from './links.js';
import { PanelIds, statPanel, tablePanel, timeseriesPanel } from './panels.js';
import { silenceThreshold } from '../rules/alerts/pipeline-no-items-created.js';
import { datasourceVariable, serviceVariable, pipelineVariable } from './variables.js';
import { dashboardUids } from './scope.js';

const priorities: readonly Priority[] = ['P1', 'P2'];

export function overviewDashboard(model: Model): Dashboard {
  const ids = new PanelIds();

  return new DashboardBuilder('Vigil / Overview')
    .uid(dashboardUids.overview)
    .description(`Pipelines, services and firing alerts at a glance. Generated from ${model.source}; do not edit.`)
    .tags(['vigil', 'overview'])
    .readonly()
    .time({ from: 'now-24h', to: 'now' })
    .refresh('1m')
    .link(vigilDashboardsLink())
    .withVariable(datasourceVariable(model))
    .withVariable(serviceVariable())
    .withVariable(pipelineVariable())
    .withRow(new RowBuilder('Alerts').id(ids.next()))
    .withPanel(
      timeseriesPanel(model, ids, {
        title: 'Firing alerts by priority',
        description: 'Alerts Prometheus currently reports as firing: P1 pages, P2 opens a ticket.',
        unit: 'short',
        min: 0,
        // No ALERTS series means nothing fires: that is a count of zero, not missing data.
        queries: priorities.map((priority) => ({
          expr: `count(ALERTS{alertstate="firing", priority="${priority}"}) or vector(0)`,
          legend: priority,
        })),
        width: 24,
        height: 6,
      }),
    )
    .withRow(new RowBuilder('Services').id(ids.next()))
    .withPanel(
      statPanel(model, ids, {
        title: 'Service up',
        description: 'Whether Prometheus can scrape every target of each service (the lowest `up` of its job); red when one is down.',
        unit: 'bool_yes_no',
        queries: [{ expr: 'min by (job) (up{job=~"$job"})', legend: '{{job}}' }],
        alerts: [alertNames.serviceDown],
        // ServiceDown fires on up == 0: anything under 1 is a target down.
        fixedThreshold: { value: 1, bad: 'below' },
        width: 8,
      }),
    )
    .withPanel(
      tablePanel(model, ids, {
        title: 'Health checks',
        description: 'Last result of each health check the services run (1 passing, 0 failing), by criticality.',
        unit: 'bool_yes_no',
        queries: [{ expr: `min by (job, check, criticality) (${catalog.healthCheckStatus.name}{job=~"$job"})`, legend: '{{job}} {{check}}' }],
        alerts: [alertNames.dependencyDown],
        width: 16,
      }),
    )
    .withPanel(
      timeseriesPanel(model, ids, {
        title: 'Request rate by service',
        description: 'HTTP requests per second each service answers (recording rule over 5m).',
        unit: 'reqps',
        min: 0,
        queries: [{ expr: `${rules.jobRequestsRate5m}{job=~"$job"}`, legend: '{{job}}' }],
      }),
    )
    .withPanel(
      timeseriesPanel(model, ids, {
        title: 'Error rate by service',
        description: 'HTTP requests per second answered 5xx. A service that has answered no 5xx yet has no error series; it shows as 0.',
        unit: 'reqps',
        min: 0,
        queries: [
          {
            expr: `${rules.jobRequestErrorsRate5m}{job=~"$job"} or on(job) (0 * ${rules.jobRequestsRate5m}{job=~"$job"})`,
            legend: '{{job}}',
          },
        ],
      }),
    )
    .withRow(new RowBuilder('Pipelines').id(ids.next()))
    .withPanel(
      statPanel(model, ids, {
        title: 'Items created in the last 24h',
        description: 'Items each pipeline created over the last 24 hours.',
        unit: 'short',
        queries: [{ expr: `${rules.pipelineItemsCreatedIncrease24h}{pipeline=~"$pipeline"}`, legend: '{{pipeline}}' }],
        width: 12,
      }),
    )
    .withPanel(
      statPanel(model, ids, {
        title: 'Silence against its threshold',
        description:
          "Age of the newest item of each pipeline as a share of the silence that pages it (its usual rate for this hour, at most the no-items window); red from 100%, where PipelineNoItemsCreated fires. The seconds are on the Pipelines dashboard.",
        unit: 'percentunit',
        queries: [
          {
            expr: `${rules.pipelineLastItemAgeSeconds}{pipeline=~"$pipeline"} / on (job, pipeline) ${silenceThreshold}{pipeline=~"$pipeline"}`,
            legend: '{{pipeline}}',
          },
        ],
        alerts: [alertNames.pipelineNoItemsCreated],
        fixedThreshold: { value: 1, bad: 'above' },
        width: 12,
      }),
    )
    .build();
}
