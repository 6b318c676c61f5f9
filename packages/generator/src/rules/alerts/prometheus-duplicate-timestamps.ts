import { defineCounterAlert, prometheusScopes } from '../meta-alert.js';

export const prometheusDuplicateTimestampsAlert = defineCounterAlert({
  name: 'PrometheusDuplicateTimestamps',
  priority: 'P2',
  title: 'Prometheus drops samples with duplicate timestamps',
  metric: 'prometheus_target_scrapes_sample_duplicate_timestamp_total',
  fn: 'rate',
  window: '5m',
  by: ['instance'],
  defaultFor: '10m',
  scopes: prometheusScopes,
  sampleLabels: { instance: 'localhost:9090' },
  templates: {
    summary: ['Prometheus ', { label: 'instance' }, ' drops samples with duplicate timestamps'],
    description: ['Prometheus ', { label: 'instance' }, ' drops ', { value: 'g4' }, ' samples per second that have the same timestamp as another sample of the series but a different value.'],
  },
  runbook: {
    meaning: 'A target exposes the same series twice in one scrape with different values (or with explicit timestamps that collide). Prometheus keeps one and drops the rest, so that series is wrong.',
    causes: ['A metric registered twice, or two label sets that collapse into one after relabelling.', 'A service exposing explicit timestamps.', 'Two targets written into one series by honor_labels.'],
    firstChecks: ['Find the target: topk by job of prometheus_target_scrapes_sample_duplicate_timestamp_total is global, so read the Prometheus debug log for "Duplicate sample".', 'Curl the target\'s /metrics and look for repeated series.', 'Check recent relabelling changes.'],
  },
});
