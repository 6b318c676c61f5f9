import { defineCounterAlert, prometheusScopes } from '../meta-alert.js';

export const prometheusErrorSendingAlertsToSomeAlertmanagersAlert = defineCounterAlert({
  name: 'PrometheusErrorSendingAlertsToSomeAlertmanagers',
  priority: 'P2',
  title: 'Prometheus cannot send alerts to one of its Alertmanagers',
  metric: 'prometheus_notifications_errors_total',
  fn: 'rate',
  window: '5m',
  by: ['instance', 'alertmanager'],
  defaultFor: '10m',
  scopes: prometheusScopes,
  sampleLabels: { instance: 'localhost:9090', alertmanager: 'http://alertmanager:9093/api/v2/alerts' },
  templates: {
    summary: ['Prometheus cannot send alerts to ', { label: 'alertmanager' }],
    description: ['Prometheus ', { label: 'instance' }, ' fails ', { value: 'g4' }, ' sends per second to ', { label: 'alertmanager' }, '; other replicas may still deliver.'],
  },
  runbook: {
    meaning: 'Sending alerts to one Alertmanager fails. With HA replicas the others still deliver, but one more failure leaves no path for alerts.',
    causes: ['That Alertmanager replica is down or restarting.', 'Its address in prometheus.yml is wrong.', 'Network trouble between the two.'],
    firstChecks: ['Open the alertmanager URL named in the label, path /-/ready.', 'Read that replica\'s logs.', 'Check the alertmanager cluster status page (/#/status) for its peers.'],
  },
});
