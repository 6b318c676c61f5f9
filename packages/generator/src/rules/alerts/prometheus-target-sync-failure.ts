import { defineCounterAlert, prometheusScopes } from '../meta-alert.js';

const window = '30m';

export const prometheusTargetSyncFailureAlert = defineCounterAlert({
  name: 'PrometheusTargetSyncFailure',
  priority: 'P2',
  title: 'Prometheus cannot build the target list of a scrape job',
  metric: 'prometheus_target_sync_failed_total',
  fn: 'increase',
  window,
  by: ['instance', 'scrape_job'],
  defaultFor: '5m',
  scopes: prometheusScopes,
  sampleLabels: { instance: 'localhost:9090', scrape_job: 'api' },
  testStep: 300,
  templates: {
    summary: ['Prometheus cannot sync the targets of job ', { label: 'scrape_job' }],
    description: ['Prometheus ', { label: 'instance' }, ' failed ', { value: 'g4' }, ` times in ${window} to sync the targets of scrape job `, { label: 'scrape_job' }, '; its targets are not scraped.'],
  },
  runbook: {
    meaning: 'Prometheus could not turn discovered targets into scrape loops for a job (typically a bad relabelling or an invalid target), so that job is not scraped.',
    causes: ['A relabel rule yields an invalid address or label.', 'A config change with an invalid scrape setting for the job.', 'Service discovery returns malformed targets.'],
    firstChecks: ['Read the Prometheus log for "target sync failed" and the job named.', 'Open /targets and /service-discovery for the job.', 'Run promtool check config on the live prometheus.yml.'],
  },
});
