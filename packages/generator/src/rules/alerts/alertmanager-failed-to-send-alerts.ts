import { alertmanagerScopes, defineCounterAlert } from '../meta-alert.js';

export const alertmanagerFailedToSendAlertsAlert = defineCounterAlert({
  name: 'AlertmanagerFailedToSendAlerts',
  priority: 'P1',
  title: 'Alertmanager fails to deliver notifications to a receiver',
  metric: 'alertmanager_notifications_failed_total',
  fn: 'rate',
  window: '5m',
  by: ['instance', 'integration'],
  defaultFor: '5m',
  scopes: alertmanagerScopes,
  sampleLabels: { instance: 'alertmanager:9093', integration: 'webhook' },
  templates: {
    summary: ['Alertmanager ', { label: 'instance' }, ' fails to send ', { label: 'integration' }, ' notifications'],
    description: ['Alertmanager ', { label: 'instance' }, ' fails ', { value: 'g4' }, ' ', { label: 'integration' }, ' notifications per second; the receivers behind it hear nothing.'],
  },
  runbook: {
    meaning: 'Alertmanager cannot deliver to a receiver integration (PagerDuty, Slack, e-mail, webhook). Alerts routed there are lost after retries. If the failing receiver is also where this alert goes, you learn of it through the other receivers or the Watchdog.',
    causes: ['A receiver secret (routing key, webhook URL, SMTP password) is wrong, expired or missing.', 'The receiver\'s service is down or rate-limits.', 'Egress from the Alertmanager host is blocked.'],
    firstChecks: ['Read the Alertmanager log for "Notify for alerts failed" and the receiver named.', 'Check the secret files under monitoring/secrets/alertmanager/.', 'Send a test alert with amtool alert add and watch the receiver.'],
  },
});
