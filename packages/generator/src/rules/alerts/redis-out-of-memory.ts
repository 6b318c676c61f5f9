import { selector } from '../common.js';
import { defineMetaAlert, exporterParameters, exporterScopes, gaugeCase } from '../meta-alert.js';
import { SeriesBuilder, seriesName } from '../series.js';

const step = 60;
const maxMemory = 1000;
const labels = (job: string) => ({ job, instance: 'redis-exporter:9121' });

export const redisOutOfMemoryAlert = defineMetaAlert({
  name: 'RedisOutOfMemory',
  priority: 'P2',
  title: 'Redis is close to its maxmemory',
  templates: {
    summary: ['Redis ', { label: 'job' }, ' is close to maxmemory'],
    description: ['Redis behind ', { label: 'instance' }, ' uses ', { value: 'humanizePercentage' }, ' of maxmemory; it will evict keys or refuse writes, depending on its policy.'],
  },
  scopes: exporterScopes('redis'),
  // Without maxmemory (0) Redis has no limit of its own and the ratio means nothing.
  expr: (scope, model) =>
    `${selector('redis_memory_used_bytes', { job: scope.job })} / (${selector('redis_memory_max_bytes', { job: scope.job })} > 0) > ${exporterParameters(model, scope).memoryRatio}`,
  forDuration: (scope, model) => exporterParameters(model, scope).for,
  firing: (scope, model) => {
    const used = Math.min(maxMemory, Math.ceil(maxMemory * exporterParameters(model, scope).memoryRatio) + 20);
    return gaugeCase({
      series: seriesName('redis_memory_used_bytes', labels(scope.job)),
      healthy: 100,
      faulty: used,
      step,
      windowSteps: 0,
      forDuration: exporterParameters(model, scope).for,
      outputLabels: labels(scope.job),
      value: used / maxMemory,
      extraSeries: [{ name: seriesName('redis_memory_max_bytes', labels(scope.job)), values: new SeriesBuilder().constant(maxMemory, 200).encode() }],
    });
  },
  healthy: (scope) => ({
    series: [
      { name: seriesName('redis_memory_used_bytes', labels(scope.job)), values: new SeriesBuilder().constant(100, 10).constant(5000, 10).gap(3).padTo(40).encode() },
      // maxmemory 0: no limit configured, never a ratio.
      { name: seriesName('redis_memory_max_bytes', labels(scope.job)), values: new SeriesBuilder().constant(0, 40).encode() },
    ],
    length: 40,
    step,
  }),
  runbook: {
    meaning: 'Redis memory use is above dependencies[].alerts.memoryRatio (default 90%) of its maxmemory. Next it evicts keys (cache misses, lost sessions) or, with noeviction, refuses writes.',
    causes: ['Keys written without a TTL.', 'A new feature caching much more data.', 'maxmemory set below the working set.'],
    firstChecks: ['`redis-cli INFO memory` and `INFO keyspace`.', '`redis-cli --bigkeys` for unexpected large keys.', 'Check the eviction policy (maxmemory-policy) and evicted keys on the dependencies dashboard.'],
  },
});
