import { selector } from '../common.js';
import { defineMetaAlert, exporterParameters, exporterScopes, gaugeCase } from '../meta-alert.js';
import { SeriesBuilder, seriesName } from '../series.js';

const step = 60;
const maxConnections = 100;
const instance = 'postgres-exporter:9187';

export const postgresqlTooManyConnectionsAlert = defineMetaAlert({
  name: 'PostgresqlTooManyConnections',
  priority: 'P2',
  title: 'PostgreSQL is close to max_connections',
  templates: {
    summary: ['PostgreSQL ', { label: 'job' }, ' is close to max_connections'],
    description: ['PostgreSQL behind ', { label: 'instance' }, ' uses ', { value: 'humanizePercentage' }, ' of max_connections; new connections will soon be refused.'],
  },
  scopes: exporterScopes('postgres'),
  expr: (scope, model) =>
    `sum by (job, instance) (${selector('pg_stat_database_numbackends', { job: scope.job })}) / on (job, instance) max by (job, instance) (${selector('pg_settings_max_connections', { job: scope.job })}) > ${exporterParameters(model, scope).connectionsRatio}`,
  forDuration: (scope, model) => exporterParameters(model, scope).for,
  firing: (scope, model) => {
    const used = Math.ceil(maxConnections * exporterParameters(model, scope).connectionsRatio) + 5;
    const labels = { job: scope.job, instance };
    return gaugeCase({
      series: seriesName('pg_stat_database_numbackends', { ...labels, datname: 'app' }),
      healthy: 10,
      faulty: used,
      step,
      windowSteps: 0,
      forDuration: exporterParameters(model, scope).for,
      outputLabels: labels,
      value: used / maxConnections,
      extraSeries: [
        { name: seriesName('pg_stat_database_numbackends', { ...labels, datname: 'postgres' }), values: new SeriesBuilder().constant(0, 200).encode() },
        { name: seriesName('pg_settings_max_connections', labels), values: new SeriesBuilder().constant(maxConnections, 200).encode() },
      ],
    });
  },
  healthy: (scope) => {
    const labels = { job: scope.job, instance };
    return {
      series: [
        { name: seriesName('pg_stat_database_numbackends', { ...labels, datname: 'app' }), values: new SeriesBuilder().constant(10, 10).constant(60, 10).gap(3).padTo(40).encode() },
        { name: seriesName('pg_settings_max_connections', labels), values: new SeriesBuilder().constant(maxConnections, 40).encode() },
      ],
      length: 40,
      step,
    };
  },
  runbook: {
    meaning: 'Backends connected to PostgreSQL (all databases) exceed dependencies[].alerts.connectionsRatio (default 80%) of max_connections. When the limit is hit, new connections fail and services report their database check as failing.',
    causes: ['A service leaking connections (not released to its pool).', 'More service replicas, each with a full pool.', 'Long-running or idle-in-transaction sessions holding connections.'],
    firstChecks: ['`SELECT usename, application_name, state, count(*) FROM pg_stat_activity GROUP BY 1,2,3 ORDER BY 4 DESC;`', 'Compare pool sizes times replicas with max_connections.', 'Terminate idle-in-transaction sessions older than a few minutes; add a pooler (pgbouncer) if the demand is real.'],
  },
});
