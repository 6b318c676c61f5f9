import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import { DashboardBuilder, RowBuilder, type Dashboard, type Panel } from '@grafana/grafana-foundation-sdk/dashboard';
import { catalog, defaultNodeMetrics as node } from '@vigil/metrics/catalog';
import type { Model } from '../model/types.js';
import { recordingRuleNames as rules } from '../rules/recording.js';
import { restartDefaults, restartsExpression } from '../rules/restarts.js';
import { alertNames } from './alerts.js';
import { vigilDashboardsLink } from './links.js';
import { PanelIds, timeseriesPanel } from './panels.js';
import { alertParameter, thresholdLine } from './thresholds.js';
import { datasourceVariable, labelVariable, serviceVariable } from './variables.js';
import { dashboardUids } from './scope.js';

const selected = 'job=~"$job", instance=~"$instance"';

/** Process health of every service: memory, CPU, event loop, GC and unhandled errors. */
export function runtimeDashboard(model: Model): Dashboard {
  const ids = new PanelIds();
  const memoryRatio = `max by (job) (${rules.instanceMemoryLimitRatio}{${selected}})`;
  const cpuRatio = `max by (job) (${rules.instanceCpuLimitRatio}{${selected}})`;
  const eventLoopLag = `max by (job) (${node.eventLoopLagP99.name}{${selected}})`;

  const dashboard = new DashboardBuilder('Vigil / Runtime')
    .uid(dashboardUids.runtime)
    .description(`Node.js process health per service instance. Generated from ${model.source}; do not edit.`)
    .tags(['vigil', 'runtime'])
    .readonly()
    .time({ from: 'now-6h', to: 'now' })
    .refresh('30s')
    .link(vigilDashboardsLink())
    .withVariable(datasourceVariable(model))
    .withVariable(serviceVariable())
    .withVariable(labelVariable('instance', 'Instance', 'label_values(up{job=~"$job"}, instance)'))
    .withRow(new RowBuilder('Memory and CPU').id(ids.next()))
    .withPanel(
      timeseriesPanel(model, ids, {
        title: 'Memory against the container limit',
        description: 'Resident memory and V8 heap of each instance, with the container memory limit when the process runs under one.',
        unit: 'bytes',
        min: 0,
        queries: [
          { expr: `${node.processResidentMemory.name}{${selected}}`, legend: '{{job}} {{instance}} resident' },
          { expr: `${node.heapSizeUsed.name}{${selected}}`, legend: '{{job}} {{instance}} heap used' },
          { expr: `${catalog.containerMemoryLimit.name}{${selected}}`, legend: '{{job}} {{instance}} limit' },
        ],
      }),
    )
    .withPanel(
      timeseriesPanel(model, ids, {
        title: 'Memory use of the container limit',
        description:
          'Resident memory as a share of the container limit (highest instance per service). The dashed lines are the MemoryHigh ratio. Empty when no container limit is set: then MemoryHigh cannot fire either.',
        unit: 'percentunit',
        min: 0,
        queries: [{ expr: memoryRatio, legend: '{{job}}' }],
        alerts: [alertNames.memoryHigh],
        thresholdLines: [thresholdLine(alertParameter(model, alertNames.memoryHigh, 'ratio'), memoryRatio)],
        noValue: 'no container memory limit',
      }),
    )
    .withPanel(
      timeseriesPanel(model, ids, {
        title: 'CPU use of the quota',
        description: 'CPU time per second over 5m as a share of the container CPU quota, one core when there is none (highest instance per service). The dashed lines are the CPUHigh ratio.',
        unit: 'percentunit',
        min: 0,
        queries: [{ expr: cpuRatio, legend: '{{job}}' }],
        alerts: [alertNames.cpuHigh],
        thresholdLines: [thresholdLine(alertParameter(model, alertNames.cpuHigh, 'ratio'), cpuRatio)],
      }),
    )
    .withPanel(
      timeseriesPanel(model, ids, {
        title: 'Event-loop lag p99',
        description: 'p99 event-loop delay measured by the process (highest instance per service). The dashed lines are the EventLoopLagHigh threshold.',
        unit: 's',
        min: 0,
        queries: [{ expr: eventLoopLag, legend: '{{job}}' }],
        alerts: [alertNames.eventLoopLagHigh],
        thresholdLines: [thresholdLine(alertParameter(model, alertNames.eventLoopLagHigh, 'seconds'), eventLoopLag)],
      }),
    )
    .withRow(new RowBuilder('Garbage collection and errors').id(ids.next()))
    .withPanel(
      timeseriesPanel(model, ids, {
        title: 'Time in garbage collection',
        description: 'Share of wall-clock time spent in GC pauses, by GC kind.',
        unit: 'percentunit',
        min: 0,
        queries: [
          {
            expr: `sum by (job, kind) (rate(${node.gcDuration.name}_sum{${selected}}[$__rate_interval]))`,
            legend: '{{job}} {{kind}}',
          },
        ],
      }),
    )
    .withPanel(
      timeseriesPanel(model, ids, {
        title: 'Garbage collections per second',
        description: 'GC runs per second, by GC kind.',
        unit: 'cps',
        min: 0,
        queries: [
          {
            expr: `sum by (job, kind) (rate(${node.gcDuration.name}_count{${selected}}[$__rate_interval]))`,
            legend: '{{job}} {{kind}}',
          },
        ],
      }),
    )
    .withPanel(
      timeseriesPanel(model, ids, {
        title: 'Unhandled errors',
        description: 'Unhandled promise rejections and uncaught exceptions per interval. A service that has had none shows 0.',
        unit: 'short',
        min: 0,
        queries: [
          {
            expr: `sum by (job, kind) (increase(${catalog.unhandledErrors.name}{${selected}}[$__rate_interval])) or on(job) (0 * max by (job) (up{${selected}}))`,
            legend: '{{job}} {{kind}}',
          },
        ],
        alerts: [alertNames.unhandledErrorsBurst],
        width: 24,
      }),
    )
    .withRow(new RowBuilder('Circuit breakers').id(ids.next()))
    .withPanel(
      timeseriesPanel(model, ids, {
        title: 'Circuit breaker state',
        description:
          'State of each circuit breaker (worst instance): 0 closed, 1 half-open, 2 open. CircuitBreakerOpen fires when one stays at 1 or above for its `for`, CircuitBreakerOpenLong when it stays much longer. Empty when the service has no instrumented breaker.',
        unit: 'short',
        min: 0,
        max: 2,
        queries: [{ expr: `max by (job, breaker) (${catalog.circuitBreakerState.name}{${selected}})`, legend: '{{job}} {{breaker}}' }],
        alerts: [alertNames.circuitBreakerOpen, alertNames.circuitBreakerOpenLong],
        noValue: 'no circuit breaker',
      }),
    )
    .withPanel(
      timeseriesPanel(model, ids, {
        title: 'Circuit breaker calls by outcome',
        description: 'Calls per second through each breaker by outcome: success, failure, timeout, rejected (while open) and fallback (served by the fallback).',
        unit: 'reqps',
        min: 0,
        queries: [
          {
            expr: `sum by (job, breaker, outcome) (rate(${catalog.circuitBreakerCalls.name}{${selected}}[$__rate_interval]))`,
            legend: '{{job}} {{breaker}} {{outcome}}',
          },
        ],
        alerts: [alertNames.circuitBreakerOpen],
        noValue: 'no circuit breaker',
      }),
    );
  if (model.services.some((service) => service.runtime.cluster)) {
    dashboard.withRow(new RowBuilder('Cluster workers').id(ids.next()));
    for (const panel of clusterPanels(model, ids)) dashboard.withPanel(panel);
  }
  return dashboard.build();
}

/**
 * What a node:cluster primary reports about its workers (`@vigil/metrics/cluster`). Only for a
 * spec with a service that declares `runtime.cluster`: no other service exposes these series,
 * so the panels would show nothing but "No data".
 */
function clusterPanels(model: Model, ids: PanelIds): cog.Builder<Panel>[] {
  // Per-process series of a cluster carry the slot's `worker` label ("primary" for the primary).
  const restarts = restartsExpression('$__rate_interval', `${selected}, worker!=""`);
  return [
    timeseriesPanel(model, ids, {
      title: 'Restarts per worker slot',
      description: `Restarts of each worker slot (and of the primary) per interval, counted as ServiceRestarting counts them: the larger of the slot's process_start_time_seconds changes and the supervisor's cluster_worker_restarts_total, which also counts workers that die before their first scrape. ServiceRestarting fires at ${restartDefaults.restarts} restarts of one slot within ${restartDefaults.window}, ServiceRestartingPersistently at ${restartDefaults.persistentRestarts} within ${restartDefaults.persistentWindow} (service defaults).`,
      unit: 'short',
      min: 0,
      queries: [{ expr: restarts, legend: '{{job}} {{instance}} worker {{worker}}' }],
      alerts: [alertNames.serviceRestarting, alertNames.serviceRestartingPersistently],
    }),
    timeseriesPanel(model, ids, {
      title: 'Workers exited',
      description: 'Worker processes or threads that exited per interval, whatever the reason (crash, kill, rolling restart); their counts stay in the aggregated totals.',
      unit: 'short',
      min: 0,
      queries: [{ expr: `sum by (job, instance) (increase(${catalog.clusterWorkersExited.name}{${selected}}[$__rate_interval]))`, legend: '{{job}} {{instance}}' }],
    }),
    timeseriesPanel(model, ids, {
      title: 'Metrics collect timeouts',
      description: "Scrapes per interval in which a worker did not answer the primary within collectTimeoutMs, so its last snapshot was shown instead. A steady rate means a worker whose event loop is blocked or overloaded.",
      unit: 'short',
      min: 0,
      queries: [{ expr: `sum by (job, instance) (increase(${catalog.clusterCollectTimeouts.name}{${selected}}[$__rate_interval]))`, legend: '{{job}} {{instance}}' }],
    }),
    timeseriesPanel(model, ids, {
      title: 'Workers planned and running',
      description:
        'The worker count planWorkerCount chose from the CPU and memory limits (limited_by says which bound won), and the worker processes or threads reporting metrics now. Running below planned for long means workers keep dying.',
      unit: 'short',
      min: 0,
      queries: [
        { expr: `max by (job, instance, limited_by) (${catalog.clusterWorkersPlanned.name}{${selected}})`, legend: '{{job}} {{instance}} planned (limited by {{limited_by}})' },
        { expr: `count by (job, instance) (${node.processStartTime.name}{${selected}, worker!~"primary|"})`, legend: '{{job}} {{instance}} running' },
      ],
    }),
  ];
}
