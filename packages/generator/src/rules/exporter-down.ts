/**
 * PostgresqlDown and RedisDown share one shape: the exporter is scraped fine but reports that
 * it cannot reach its server (`pg_up` / `redis_up` at 0). They are the exporter-side twins of
 * the services' own DependencyDown: that one says a service suffers, this one says the server
 * itself is gone, so both fire for an outage and only this one for a server no service checks.
 */
import { selector, type AlertTemplates } from './common.js';
import { defineMetaAlert, exporterParameters, exporterScopes, gaugeCase } from './meta-alert.js';
import { SeriesBuilder, seriesName } from './series.js';
import type { AlertDefinition, RunbookText } from './types.js';

const step = 60;

export function defineExporterDownAlert(options: {
  readonly name: string;
  readonly kind: 'postgres' | 'redis';
  /** The exporter's "server reachable" gauge, 1 or 0. */
  readonly metric: string;
  /** The exporter's usual address, for test series. */
  readonly instance: string;
  readonly title: string;
  readonly templates: AlertTemplates;
  readonly runbook: RunbookText;
}): AlertDefinition {
  const labels = (job: string) => ({ job, instance: options.instance });
  return defineMetaAlert({
    name: options.name,
    priority: 'P1',
    title: options.title,
    templates: options.templates,
    runbook: options.runbook,
    scopes: exporterScopes(options.kind),
    expr: (scope) => `max by (job, instance) (${selector(options.metric, { job: scope.job })}) == 0`,
    forDuration: (scope, model) => exporterParameters(model, scope).downFor,
    firing: (scope, model) =>
      gaugeCase({
        series: seriesName(options.metric, labels(scope.job)),
        healthy: 1,
        faulty: 0,
        step,
        windowSteps: 0,
        forDuration: exporterParameters(model, scope).downFor,
        outputLabels: labels(scope.job),
        value: 0,
      }),
    healthy: (scope) => ({
      // Up, one failed scrape of the server (back at the next), an exporter restart gap: never a page.
      series: [{ name: seriesName(options.metric, labels(scope.job)), values: new SeriesBuilder().constant(1, 10).constant(0, 1).constant(1, 10).gap(3).padTo(40).encode() }],
      length: 40,
      step,
    }),
  });
}
