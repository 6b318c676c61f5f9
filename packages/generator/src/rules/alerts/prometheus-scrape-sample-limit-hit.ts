import { defineCounterAlert, prometheusScopes } from '../meta-alert.js';

export const prometheusScrapeSampleLimitHitAlert = defineCounterAlert({
  name: 'PrometheusScrapeSampleLimitHit',
  priority: 'P2',
  title: 'Scrapes are rejected for exceeding their sample limit',
  metric: 'prometheus_target_scrapes_exceeded_sample_limit_total',
  fn: 'increase',
  window: '5m',
  by: ['instance'],
  defaultFor: '15m',
  scopes: prometheusScopes,
  sampleLabels: { instance: 'localhost:9090' },
  templates: {
    summary: ['Prometheus ', { label: 'instance' }, ' rejects scrapes over their sample limit'],
    description: ['Prometheus ', { label: 'instance' }, ' rejected ', { value: 'g4' }, ' whole scrapes in 5m for exceeding sample_limit: every sample of those targets is missing.'],
  },
  runbook: {
    meaning: 'A target exposed more samples than its job\'s sample_limit, so the whole scrape was dropped and its target shows as down.',
    causes: ['A cardinality explosion in a service (an unbounded label value such as a user id or URL).', 'A new exporter collector enabled.', 'A sample_limit set too tight for normal growth.'],
    firstChecks: ['Open /targets: the target with "sample limit exceeded".', 'Count its series by metric name (scrape_samples_post_metric_relabeling).', 'Fix the label at the source; raise the limit only for real growth.'],
  },
});
