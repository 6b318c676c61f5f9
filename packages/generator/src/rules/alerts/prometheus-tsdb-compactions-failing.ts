import { defineCounterAlert, prometheusScopes } from '../meta-alert.js';

/** Compactions run about every 2h; a 3h window always holds at least one. */
const window = '3h';

export const prometheusTSDBCompactionsFailingAlert = defineCounterAlert({
  name: 'PrometheusTSDBCompactionsFailing',
  priority: 'P2',
  title: 'Prometheus cannot compact its storage',
  metric: 'prometheus_tsdb_compactions_failed_total',
  fn: 'increase',
  window,
  by: ['instance'],
  defaultFor: '15m',
  scopes: prometheusScopes,
  sampleLabels: { instance: 'localhost:9090' },
  testStep: 900,
  templates: {
    summary: ['Prometheus ', { label: 'instance' }, ' fails to compact its TSDB'],
    description: ['Prometheus ', { label: 'instance' }, ' had ', { value: 'g4' }, ` failed compactions in ${window}; the head block grows and disk use rises.`],
  },
  runbook: {
    meaning: 'TSDB compactions fail. Head data is not persisted into blocks, memory and WAL grow, and a restart takes longer or loses data.',
    causes: ['The data volume is full or read-only.', 'A corrupt block on disk.', 'Too little memory for the compaction.'],
    firstChecks: [
      'Read the Prometheus log for "compaction failed" and the error it names.',
      'Check free space and the read-only state of the data volume (NodeFilesystem* alerts, hosts dashboard).',
      'List the block directories under the data path for a half-written or overlapping block.',
    ],
  },
});
