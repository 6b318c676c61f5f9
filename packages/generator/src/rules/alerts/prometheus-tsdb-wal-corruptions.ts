import { defineCounterAlert, prometheusScopes } from '../meta-alert.js';

const window = '3h';

export const prometheusTSDBWALCorruptionsAlert = defineCounterAlert({
  name: 'PrometheusTSDBWALCorruptions',
  priority: 'P2',
  title: 'Prometheus found a corrupt write-ahead log',
  metric: 'prometheus_tsdb_wal_corruptions_total',
  fn: 'increase',
  window,
  by: ['instance'],
  scopes: prometheusScopes,
  sampleLabels: { instance: 'localhost:9090' },
  testStep: 900,
  templates: {
    summary: ['Prometheus ', { label: 'instance' }, ' found WAL corruption'],
    description: ['Prometheus ', { label: 'instance' }, ' counted ', { value: 'g4' }, ` write-ahead-log corruptions in ${window}; recent samples may be lost.`],
  },
  runbook: {
    meaning: 'Prometheus found corrupt records in its write-ahead log and repaired it by dropping what followed. Samples since the last block may be lost.',
    causes: ['An unclean shutdown (OOM kill, power loss) during a write.', 'A full or failing disk.', 'Two Prometheus processes writing to the same data directory.'],
    firstChecks: [
      'Read the Prometheus log around start-up for "WAL corruption" and "repair".',
      'Check the host for OOM kills and disk errors (dmesg, hosts dashboard).',
      'Make sure only one Prometheus uses the data volume.',
    ],
  },
});
