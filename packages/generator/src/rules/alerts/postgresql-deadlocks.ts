import { selector } from '../common.js';
import { counterCase, defineMetaAlert, exporterParameters, exporterScopes, healthyCounter } from '../meta-alert.js';
import { seriesName } from '../series.js';

const window = '5m';
const step = 60;
const labels = (job: string) => ({ job, instance: 'postgres-exporter:9187', datname: 'app' });

export const postgresqlDeadlocksAlert = defineMetaAlert({
  name: 'PostgresqlDeadlocks',
  priority: 'P2',
  title: 'PostgreSQL transactions deadlock',
  templates: {
    summary: ['Deadlocks in PostgreSQL database ', { label: 'datname' }],
    description: ['Database ', { label: 'datname' }, ' behind ', { label: 'instance' }, ' had ', { value: 'g4' }, ` deadlocks in ${window}; the aborted transactions surface as errors in services.`],
  },
  scopes: exporterScopes('postgres'),
  expr: (scope, model) =>
    `sum by (job, instance, datname) (increase(${selector('pg_stat_database_deadlocks', { job: scope.job })}[${window}])) > ${exporterParameters(model, scope).deadlocks}`,
  forDuration: () => undefined,
  firing: (scope, model) =>
    counterCase({
      series: seriesName('pg_stat_database_deadlocks', labels(scope.job)),
      window,
      step,
      perStep: exporterParameters(model, scope).deadlocks + 1,
      fn: 'increase',
      forDuration: undefined,
      outputLabels: labels(scope.job),
    }),
  healthy: (scope) => healthyCounter(seriesName('pg_stat_database_deadlocks', labels(scope.job)), step),
  runbook: {
    meaning: 'PostgreSQL aborted transactions to break deadlocks: more than dependencies[].alerts.deadlocks (default 0) in 5m. Each one is a failed request or job somewhere.',
    causes: ['Two code paths locking the same rows in different orders.', 'A new batch job updating rows that requests also update.', 'Missing indexes on foreign keys, making locks wider.'],
    firstChecks: ['Read the PostgreSQL log: "deadlock detected" names both statements.', 'Find the code paths issuing them and make them lock in one order.', 'Check recent deploys and batch schedules.'],
  },
});
