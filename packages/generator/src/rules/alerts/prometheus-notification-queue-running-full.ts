import { selector } from '../common.js';
import { defineMetaAlert, caseLength, healthyCounter, metaFor, prometheusScopes, windowSteps } from '../meta-alert.js';
import { SeriesBuilder, seriesName } from '../series.js';

const window = '5m';
/** How far ahead the queue length is projected. */
const horizonSeconds = 1800;
const step = 60;
const defaultFor = '15m';
const instance = 'localhost:9090';
const capacity = 10_000;
const growthPerStep = 500;

export const prometheusNotificationQueueRunningFullAlert = defineMetaAlert({
  name: 'PrometheusNotificationQueueRunningFull',
  priority: 'P2',
  title: 'Prometheus\'s alert queue is filling up',
  templates: {
    summary: ['The alert notification queue of Prometheus ', { label: 'instance' }, ' is filling up'],
    description: ['The queue of alerts waiting for Alertmanager on ', { label: 'instance' }, ` is projected to hold `, { value: 'humanize' }, ` alerts in ${horizonSeconds / 60}m, more than its capacity; then alerts are dropped.`],
  },
  scopes: prometheusScopes,
  expr: (scope) =>
    `predict_linear(${selector('prometheus_notifications_queue_length', { job: scope.job })}[${window}], ${horizonSeconds}) > on (job, instance) ${selector('prometheus_notifications_queue_capacity', { job: scope.job })}`,
  forDuration: (_scope, model) => metaFor(model, defaultFor),
  firing: (scope, model) => {
    const faultAt = 10;
    const windowLength = windowSteps(window, step);
    const length = caseLength(faultAt, windowLength, metaFor(model, defaultFor), step);
    const forSteps = length - faultAt - windowLength - 3;
    const at = faultAt + windowLength + forSteps;
    // A linear rise is projected exactly: the value at `at` plus the slope over the horizon.
    const value = growthPerStep * (at - faultAt) + (growthPerStep / step) * horizonSeconds;
    return {
      step,
      length,
      faultAt,
      windowSteps: windowLength,
      series: [
        { name: seriesName('prometheus_notifications_queue_length', { job: scope.job, instance }), values: new SeriesBuilder().constant(0, faultAt).ramp(0, growthPerStep, length - faultAt).encode() },
        { name: seriesName('prometheus_notifications_queue_capacity', { job: scope.job, instance }), values: new SeriesBuilder().constant(capacity, length).encode() },
      ],
      outputLabels: { job: scope.job, instance },
      value,
    };
  },
  healthy: (scope) => {
    const base = healthyCounter(seriesName('prometheus_notifications_queue_length', { job: scope.job, instance }), step);
    return { ...base, series: [...base.series, { name: seriesName('prometheus_notifications_queue_capacity', { job: scope.job, instance }), values: new SeriesBuilder().constant(capacity, base.length).encode() }] };
  },
  runbook: {
    meaning: 'Alerts queue up inside Prometheus faster than Alertmanager takes them. When the queue is full, new alerts are dropped.',
    causes: ['Alertmanager answers slowly or not at all.', 'A flood of alerts (a rule matching thousands of series).', 'Too small --alertmanager.notification-queue-capacity for the alert volume.'],
    firstChecks: ['Check Alertmanager latency: prometheus_notifications_latency_seconds.', 'Count firing alerts: count(ALERTS{alertstate="firing"}) by (alertname).', 'Check PrometheusErrorSendingAlertsTo* alerts.'],
  },
});
