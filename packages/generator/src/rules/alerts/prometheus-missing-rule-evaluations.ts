import { defineCounterAlert, prometheusScopes } from '../meta-alert.js';

const window = '5m';

export const prometheusMissingRuleEvaluationsAlert = defineCounterAlert({
  name: 'PrometheusMissingRuleEvaluations',
  priority: 'P2',
  title: 'A rule group is slower than its interval and skips evaluations',
  metric: 'prometheus_rule_group_iterations_missed_total',
  fn: 'increase',
  window,
  by: ['instance', 'rule_group'],
  defaultFor: '15m',
  scopes: prometheusScopes,
  sampleLabels: { instance: 'localhost:9090', rule_group: 'alerts/p2-ticket.yml;HighLatencyP95' },
  templates: {
    summary: ['Prometheus skips evaluations of rule group ', { label: 'rule_group' }],
    description: [
      'Rule group ',
      { label: 'rule_group' },
      ' on ',
      { label: 'instance' },
      ' missed ',
      { value: 'g4' },
      ` evaluations in ${window}: evaluating it takes longer than its interval.`,
    ],
  },
  runbook: {
    meaning:
      'A rule group takes longer to evaluate than its evaluation interval, so Prometheus skips iterations. Alerts of that group fire late or flap.',
    causes: [
      'A rule reads far more series than before (a cardinality explosion in a service or exporter).',
      'Prometheus is short of CPU or its disk is slow.',
      'The evaluation interval is shorter than the slowest rule needs.',
    ],
    firstChecks: [
      'Open Prometheus /rules and compare the group\'s "last evaluation" duration with its interval.',
      'Check prometheus_tsdb_head_series and the top series by metric name for a sudden rise.',
      'Check CPU and disk of the Prometheus host (the hosts dashboard).',
    ],
  },
});
