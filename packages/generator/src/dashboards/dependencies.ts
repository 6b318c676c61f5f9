import { DashboardBuilder, RowBuilder, type Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import type { Model } from '../model/types.js';
import { alertNames } from './alerts.js';
import { vigilDashboardsLink } from './links.js';
import { PanelIds, timeseriesPanel } from './panels.js';
import { datasourceVariable, labelVariable } from './variables.js';
import { dashboardUids, exporterJobs } from './scope.js';

const selected = 'job=~"$job", instance=~"$instance"';

type DashboardChain = ReturnType<DashboardBuilder['withPanel']>;

function postgresPanels(model: Model, ids: PanelIds, dashboard: DashboardChain): DashboardChain {
  const hasReplicas = model.dependencies.some((dependency) => dependency.kind === 'postgres' && (dependency.replicas ?? []).length > 0);
  const withPanels = dashboard
    .withRow(new RowBuilder('PostgreSQL').id(ids.next()))
    .withPanel(
      timeseriesPanel(model, ids, {
        title: 'PostgreSQL reachable',
        description: 'Whether the postgres exporter could connect to its server at its last scrape (1) or not (0). PostgresqlDown pages when it stays 0.',
        unit: 'short',
        min: 0,
        max: 1,
        queries: [{ expr: `max by (job, instance) (pg_up{${selected}})`, legend: '{{job}} {{instance}}' }],
        alerts: [alertNames.postgresqlDown],
      }),
    )
    .withPanel(
      timeseriesPanel(model, ids, {
        title: 'PostgreSQL connections of max_connections',
        description: 'Backends connected (all databases) as a share of max_connections. PostgresqlTooManyConnections fires above the dependency\'s connectionsRatio.',
        unit: 'percentunit',
        min: 0,
        queries: [
          {
            expr: `sum by (job, instance) (pg_stat_database_numbackends{${selected}}) / on (job, instance) max by (job, instance) (pg_settings_max_connections{${selected}})`,
            legend: '{{job}} {{instance}}',
          },
        ],
        alerts: [alertNames.postgresqlTooManyConnections],
      }),
    )
    .withPanel(
      timeseriesPanel(model, ids, {
        title: 'PostgreSQL deadlocks',
        description: 'Deadlocks per interval, by database. PostgresqlDeadlocks fires on more than the dependency\'s deadlocks count in 5m.',
        unit: 'short',
        min: 0,
        queries: [{ expr: `sum by (job, instance, datname) (increase(pg_stat_database_deadlocks{${selected}}[$__rate_interval]))`, legend: '{{job}} {{datname}}' }],
        alerts: [alertNames.postgresqlDeadlocks],
        width: hasReplicas ? 12 : 24,
      }),
    );
  if (!hasReplicas) return withPanels;
  return withPanels.withPanel(
    timeseriesPanel(model, ids, {
      title: 'PostgreSQL replication lag',
      description: 'How far each replica is behind its primary. PostgresqlReplicationLag fires above the dependency\'s replicationLagSeconds.',
      unit: 's',
      min: 0,
      // postgres_exporter 0.15 names it pg_replication_lag_seconds; 0.11 (Debian bookworm) pg_replication_lag.
      queries: [{ expr: `max by (job, instance) (pg_replication_lag_seconds{${selected}, role="replica"} or pg_replication_lag{${selected}, role="replica"})`, legend: '{{job}} {{instance}}' }],
      alerts: [alertNames.postgresqlReplicationLag],
    }),
  );
}

function redisPanels(model: Model, ids: PanelIds, dashboard: DashboardChain): DashboardChain {
  return dashboard
    .withRow(new RowBuilder('Redis').id(ids.next()))
    .withPanel(
      timeseriesPanel(model, ids, {
        title: 'Redis reachable',
        description: 'Whether the redis exporter could reach its server at its last scrape (1) or not (0). RedisDown pages when it stays 0.',
        unit: 'short',
        min: 0,
        max: 1,
        queries: [{ expr: `max by (job, instance) (redis_up{${selected}})`, legend: '{{job}} {{instance}}' }],
        alerts: [alertNames.redisDown],
      }),
    )
    .withPanel(
      timeseriesPanel(model, ids, {
        title: 'Redis memory against maxmemory',
        description: 'Memory Redis uses and its maxmemory (0: no limit of its own, then RedisOutOfMemory cannot fire). RedisOutOfMemory fires above the dependency\'s memoryRatio of maxmemory.',
        unit: 'bytes',
        min: 0,
        queries: [
          { expr: `redis_memory_used_bytes{${selected}}`, legend: '{{job}} {{instance}} used' },
          { expr: `redis_memory_max_bytes{${selected}}`, legend: '{{job}} {{instance}} maxmemory' },
        ],
        alerts: [alertNames.redisOutOfMemory],
      }),
    )
    .withPanel(
      timeseriesPanel(model, ids, {
        title: 'Redis clients and rejected connections',
        description: 'Connected clients, and connections refused per interval because maxclients was reached (RedisRejectedConnections).',
        unit: 'short',
        min: 0,
        queries: [
          { expr: `sum by (job, instance) (redis_connected_clients{${selected}})`, legend: '{{job}} {{instance}} connected' },
          { expr: `sum by (job, instance) (increase(redis_rejected_connections_total{${selected}}[$__rate_interval]))`, legend: '{{job}} {{instance}} rejected' },
        ],
        alerts: [alertNames.redisRejectedConnections],
        width: 24,
      }),
    );
}

/** Whether the spec has exporter dependencies this dashboard shows. */
export function hasDependencyPanels(model: Model): boolean {
  return exporterJobs(model, 'postgres').length + exporterJobs(model, 'redis').length > 0;
}

/** PostgreSQL and Redis as their exporters see them: the series the exporter-based alerts read. */
export function dependenciesDashboard(model: Model): Dashboard {
  const ids = new PanelIds();
  const postgresJobs = exporterJobs(model, 'postgres');
  const redisJobs = exporterJobs(model, 'redis');
  let dashboard: DashboardChain = new DashboardBuilder('Vigil / Dependencies')
    .uid(dashboardUids.dependencies)
    .description(`Databases and caches through their exporters (the spec's postgres and redis dependencies). Generated from ${model.source}; do not edit.`)
    .tags(['vigil', 'dependencies'])
    .readonly()
    .time({ from: 'now-6h', to: 'now' })
    .refresh('30s')
    .link(vigilDashboardsLink())
    .withVariable(datasourceVariable(model))
    .withVariable(labelVariable('job', 'Dependency', 'label_values(vigil:service_info{target_kind="exporter"}, job)'))
    .withVariable(labelVariable('instance', 'Exporter', 'label_values(up{job=~"$job"}, instance)'));
  if (postgresJobs.length > 0) dashboard = postgresPanels(model, ids, dashboard);
  if (redisJobs.length > 0) dashboard = redisPanels(model, ids, dashboard);
  return dashboard.build();
}
