import { defineCounterAlert, prometheusScopes } from '../meta-alert.js';

export const prometheusErrorSendingAlertsToAnyAlertmanagerAlert = defineCounterAlert({
  name: 'PrometheusErrorSendingAlertsToAnyAlertmanager',
  priority: 'P1',
  title: 'Prometheus drops alerts: no Alertmanager accepts them',
  // Alerts are counted as dropped when no Alertmanager accepted a batch, or the send queue overflowed.
  metric: 'prometheus_notifications_dropped_total',
  fn: 'increase',
  window: '5m',
  by: ['instance'],
  defaultFor: '5m',
  scopes: prometheusScopes,
  sampleLabels: { instance: 'localhost:9090' },
  templates: {
    summary: ['Prometheus ', { label: 'instance' }, ' cannot deliver alerts to any Alertmanager'],
    description: ['Prometheus ', { label: 'instance' }, ' dropped ', { value: 'g4' }, ' alerts in 5m: no Alertmanager accepted them. Firing alerts do not reach anyone.'],
  },
  runbook: {
    meaning: 'Every Alertmanager Prometheus sends to refused or did not answer, so alerts are dropped. Nothing pages until this is fixed; this alert itself may only reach you through the Watchdog heartbeat going silent.',
    causes: ['All Alertmanager replicas are down or restarting.', 'A network or DNS change between Prometheus and Alertmanager.', 'The notification queue overflowed (see PrometheusNotificationQueueRunningFull).'],
    firstChecks: ['Check the Alertmanager containers and their /-/ready.', 'Read the Prometheus log for "Error sending alert" and the address it names.', 'Compare prometheus.yml alerting targets with where Alertmanager listens.'],
  },
});
