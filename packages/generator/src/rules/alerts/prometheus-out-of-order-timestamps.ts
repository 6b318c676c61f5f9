import { defineCounterAlert, prometheusScopes } from '../meta-alert.js';

export const prometheusOutOfOrderTimestampsAlert = defineCounterAlert({
  name: 'PrometheusOutOfOrderTimestamps',
  priority: 'P2',
  title: 'Prometheus drops samples that arrive out of order',
  metric: 'prometheus_target_scrapes_sample_out_of_order_total',
  fn: 'rate',
  window: '5m',
  by: ['instance'],
  defaultFor: '10m',
  scopes: prometheusScopes,
  sampleLabels: { instance: 'localhost:9090' },
  templates: {
    summary: ['Prometheus ', { label: 'instance' }, ' drops out-of-order samples'],
    description: ['Prometheus ', { label: 'instance' }, ' drops ', { value: 'g4' }, ' samples per second older than the newest sample of their series.'],
  },
  runbook: {
    meaning: 'Scraped samples are older than what Prometheus already stored for the series, and are dropped.',
    causes: ['A target exposes explicit timestamps that go backwards.', 'Two jobs or targets produce identical label sets.', 'The Prometheus host clock jumped back (see NodeClockSkewDetected).'],
    firstChecks: ['Read the Prometheus debug log for "Out of order sample" and the series named.', 'Check for two scrape jobs yielding the same job/instance labels.', 'Check the host clock (node_timex_offset_seconds).'],
  },
});
