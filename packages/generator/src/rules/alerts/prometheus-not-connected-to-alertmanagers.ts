import { selector } from '../common.js';
import { defineMetaAlert, gaugeCase, metaFor, prometheusScopes, windowSteps } from '../meta-alert.js';
import { SeriesBuilder, seriesName } from '../series.js';

const metric = 'prometheus_notifications_alertmanagers_discovered';
const window = '5m';
const step = 60;
const defaultFor = '5m';
const instance = 'localhost:9090';

export const prometheusNotConnectedToAlertmanagersAlert = defineMetaAlert({
  name: 'PrometheusNotConnectedToAlertmanagers',
  priority: 'P1',
  title: 'Prometheus has no Alertmanager to send to',
  templates: {
    summary: ['Prometheus ', { label: 'instance' }, ' is connected to no Alertmanager'],
    description: ['Prometheus ', { label: 'instance' }, ` has discovered `, { value: 'g4' }, ` Alertmanagers for ${window}: alerts fire but go nowhere.`],
  },
  scopes: prometheusScopes,
  expr: (scope) => `max_over_time(${selector(metric, { job: scope.job })}[${window}]) < 1`,
  forDuration: (_scope, model) => metaFor(model, defaultFor),
  firing: (scope, model) =>
    gaugeCase({
      series: seriesName(metric, { job: scope.job, instance }),
      healthy: 2,
      faulty: 0,
      step,
      windowSteps: windowSteps(window, step),
      forDuration: metaFor(model, defaultFor),
      outputLabels: { job: scope.job, instance },
      value: 0,
    }),
  healthy: (scope) => ({
    series: [{ name: seriesName(metric, { job: scope.job, instance }), values: new SeriesBuilder().constant(2, 10).constant(0, 2).constant(1, 10).gap(3).padTo(40).encode() }],
    length: 40,
    step,
  }),
  runbook: {
    meaning: 'Prometheus has no Alertmanager in its alerting configuration (or discovery returns none). Alerts are evaluated but never delivered.',
    causes: ['prometheus.yml rendered without alerting targets (prometheus.alertmanagers empty).', 'Service discovery for Alertmanager returns nothing.', 'A config reload dropped the alerting section.'],
    firstChecks: ['Open Prometheus /status and the Alertmanagers listed under runtime information.', 'Read the alerting section of the deployed prometheus.yml.', 'Check PrometheusConfigReloadFailed.'],
  },
});
