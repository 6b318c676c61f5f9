import { selector } from '../common.js';
import { defineMetaAlert, exporterParameters, exporterScopes, gaugeCase } from '../meta-alert.js';
import { SeriesBuilder, seriesName } from '../series.js';

const step = 60;
const replica = (job: string) => ({ job, instance: 'postgres-replica-exporter:9187', role: 'replica' });

export const postgresqlReplicationLagAlert = defineMetaAlert({
  name: 'PostgresqlReplicationLag',
  priority: 'P2',
  title: 'A PostgreSQL replica lags behind its primary',
  templates: {
    summary: ['PostgreSQL replica ', { label: 'instance' }, ' lags behind'],
    description: ['Replica ', { label: 'instance' }, ' (job ', { label: 'job' }, ') is ', { value: 'humanizeDuration' }, ' behind its primary; reads from it are stale and a failover would lose that much.'],
  },
  scopes: exporterScopes('postgres', (dependency) => (dependency.replicas ?? []).length > 0),
  // postgres_exporter 0.15 names it pg_replication_lag_seconds; 0.11 (Debian bookworm) pg_replication_lag.
  expr: (scope, model) =>
    `max by (job, instance) (${selector('pg_replication_lag_seconds', { job: scope.job, role: 'replica' })} or ${selector('pg_replication_lag', { job: scope.job, role: 'replica' })}) > ${exporterParameters(model, scope).replicationLagSeconds}`,
  forDuration: (scope, model) => exporterParameters(model, scope).for,
  firing: (scope, model) => {
    const lag = exporterParameters(model, scope).replicationLagSeconds * 4;
    return gaugeCase({ series: seriesName('pg_replication_lag_seconds', replica(scope.job)), healthy: 1, faulty: lag, step, windowSteps: 0, forDuration: exporterParameters(model, scope).for, outputLabels: { job: scope.job, instance: replica(scope.job).instance }, value: lag });
  },
  healthy: (scope) => ({
    series: [{ name: seriesName('pg_replication_lag', replica(scope.job)), values: new SeriesBuilder().constant(0.5, 10).constant(2, 10).gap(3).padTo(40).encode() }],
    length: 40,
    step,
  }),
  runbook: {
    meaning: 'A replica declared in dependencies[].replicas replays WAL more than dependencies[].alerts.replicationLagSeconds (default 30 s) behind its primary.',
    causes: ['A long query on the replica blocking replay (hot_standby_feedback, max_standby_streaming_delay).', 'Network or disk too slow on the replica.', 'A write burst on the primary.'],
    firstChecks: ['On the primary: `SELECT client_addr, state, replay_lag FROM pg_stat_replication;`.', 'On the replica: long-running queries in pg_stat_activity.', 'Check disk and network of the replica host (hosts dashboard).'],
  },
});
