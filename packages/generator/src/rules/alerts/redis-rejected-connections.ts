import { defineCounterAlert, exporterScopes } from '../meta-alert.js';

export const redisRejectedConnectionsAlert = defineCounterAlert({
  name: 'RedisRejectedConnections',
  priority: 'P2',
  title: 'Redis refuses client connections',
  metric: 'redis_rejected_connections_total',
  fn: 'increase',
  window: '5m',
  by: ['instance'],
  scopes: exporterScopes('redis'),
  sampleLabels: { instance: 'redis-exporter:9121' },
  templates: {
    summary: ['Redis behind ', { label: 'instance' }, ' rejects connections'],
    description: ['Redis behind ', { label: 'instance' }, ' rejected ', { value: 'g4' }, ' connections in 5m because it reached maxclients.'],
  },
  runbook: {
    meaning: 'Redis reached maxclients and rejected new connections. Clients see connection errors; services may report their cache check as failing.',
    causes: ['A client leaking connections (no pool, or a pool per request).', 'More service replicas than maxclients allows.', 'maxclients lowered by the OS file-descriptor limit.'],
    firstChecks: ['`redis-cli INFO clients` and `CLIENT LIST` grouped by addr/name.', 'Compare connected clients with maxclients on the dependencies dashboard.', 'Check ulimit -n of the Redis process.'],
  },
});
