import type { Model } from '../../model/types.js';
import { alertingRule, promtoolTest, testClock } from '../common.js';
import type { AlertDefinition, AlertingRule, PromtoolTest } from '../types.js';

const name = 'Watchdog';

const templates = {
  summary: ['The alerting pipeline is alive'],
  description: [
    'Always firing. Alertmanager sends it to the heartbeat receiver at every repeat interval; the outside checker raises the alarm when heartbeats stop, because then Prometheus, Alertmanager or the path between them is down.',
  ],
};

/**
 * Labels of the Watchdog: no priority (it pages no team; Alertmanager routes it to the heartbeat
 * receiver by name) and `severity="none"`, as Prometheus operators know it.
 */
export function watchdogLabels(model: Model): Record<string, string> {
  return { severity: 'none', team: model.watchdog?.team ?? model.selfMonitoring.team };
}

function rules(model: Model): AlertingRule[] {
  if (model.watchdog === undefined) return [];
  return [alertingRule(model, name, 'vector(1)', undefined, watchdogLabels(model), templates)];
}

function tests(model: Model): PromtoolTest[] {
  if (model.watchdog === undefined) return [];
  const clock = testClock('1m', undefined);
  return [
    promtoolTest(model, `${name}: fires from the first evaluation, with no input at all`, clock, name, templates, [], [
      { at: 0, alerts: [{ labels: watchdogLabels(model), value: 1 }] },
      { at: 600, alerts: [{ labels: watchdogLabels(model), value: 1 }] },
    ]),
  ];
}

/** The dead man's switch: present exactly when the spec configures a `watchdog` heartbeat. */
export const watchdogAlert: AlertDefinition = {
  name,
  // Rendered with the P2 rules; it carries no priority label and never reaches a team route.
  priority: 'P2',
  severity: 'warning',
  title: 'Always firing: the heartbeat that proves alerting works end to end',
  runbook: {
    meaning:
      'This alert always fires. Alertmanager routes it only to the heartbeat receiver (a healthchecks-style URL) every `watchdog.repeatInterval`. The outside service alarms when the heartbeats stop: that means Prometheus, Alertmanager, or the network between them and the outside is down, so no other alert could reach you either.',
    causes: [
      'Heartbeats stopped: Prometheus or every Alertmanager replica is down, or the stack host is.',
      'The heartbeat URL (or its credentials file) changed, so Alertmanager posts to a dead endpoint (see AlertmanagerFailedToSendAlerts).',
      'Outbound network from the Alertmanager host is blocked.',
    ],
    firstChecks: [
      'Check that Prometheus and Alertmanager answer /-/ready and that the Watchdog shows as firing in Prometheus /alerts.',
      'Check the Alertmanager log for failed webhook sends to the watchdog-heartbeat receiver.',
      'Check the outside checker: the expected period and grace must exceed the repeat interval (two intervals is a good grace).',
    ],
  },
  rules,
  tests,
};
