import { defineExporterDownAlert } from '../exporter-down.js';

export const redisDownAlert = defineExporterDownAlert({
  name: 'RedisDown',
  kind: 'redis',
  metric: 'redis_up',
  instance: 'redis-exporter:9121',
  title: 'Redis is unreachable',
  templates: {
    summary: ['Redis ', { label: 'job' }, ' is down'],
    description: ['The redis exporter at ', { label: 'instance' }, ' cannot connect to its Redis server (redis_up is ', { value: 'g4' }, '); caches and queues on it are unavailable.'],
  },
  runbook: {
    meaning: 'redis_exporter is scraped but cannot reach the Redis server it watches (`redis_up` 0) for dependencies[].alerts.downFor (default 1m). Services lose their cache, sessions or queues; DependencyDown usually fires beside it for the services that check it.',
    causes: ['The Redis server stopped or was killed (out of memory killer, failed restart).', 'The network path between the exporter and the server changed.', 'Redis now requires a password (requirepass/ACL) the exporter does not have.'],
    firstChecks: ['`redis-cli -h <host> -p <port> PING` from the exporter host; then the Redis log.', 'Memory of the Redis host (hosts dashboard) and `dmesg` for the OOM killer.', 'The exporter log: NOAUTH or WRONGPASS means Redis is up and the exporter credentials are wrong.'],
  },
});
