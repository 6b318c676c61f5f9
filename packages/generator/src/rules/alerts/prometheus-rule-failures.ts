import { defineCounterAlert, prometheusScopes } from '../meta-alert.js';

/** Window over which failed evaluations are counted. */
const window = '5m';

export const prometheusRuleFailuresAlert = defineCounterAlert({
  name: 'PrometheusRuleFailures',
  priority: 'P1',
  title: 'Prometheus fails to evaluate rules',
  metric: 'prometheus_rule_evaluation_failures_total',
  fn: 'increase',
  window,
  by: ['instance', 'rule_group'],
  defaultFor: '5m',
  scopes: prometheusScopes,
  sampleLabels: { instance: 'localhost:9090', rule_group: 'alerts/p1-page.yml;ServiceDown' },
  templates: {
    summary: ['Prometheus fails to evaluate rules of group ', { label: 'rule_group' }],
    description: [
      'Prometheus ',
      { label: 'instance' },
      ' had ',
      { value: 'g4' },
      ` failed rule evaluations in ${window} in group `,
      { label: 'rule_group' },
      '; alerts of that group may never fire.',
    ],
  },
  runbook: {
    meaning:
      'Rules of a group fail at evaluation time (a query error, a many-to-many match, a template that cannot render). The alerts of that group are not evaluated, so real problems can go unnoticed.',
    causes: [
      'A rule joins series that are no longer unique on the matching labels (many-to-many or duplicate series on the right-hand side).',
      'An exporter or service changed its labels, so a vector match now finds duplicates.',
      'A rule is too expensive and hits the query timeout or sample limit.',
    ],
    firstChecks: [
      'Open Prometheus /rules and read the lastError of the rules in the rule_group label.',
      'Run the failing expression in the Prometheus UI and look at the series that collide.',
      'Check what changed recently: generated rules (git log alerts/), exporter versions, relabelling.',
    ],
  },
});
