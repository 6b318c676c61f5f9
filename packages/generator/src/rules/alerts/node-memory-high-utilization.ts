import { selector } from '../common.js';
import { defineMetaAlert, gaugeCase, hostParameters, hostScopes } from '../meta-alert.js';
import { SeriesBuilder, seriesName } from '../series.js';

const step = 60;
const total = 1000;
const host = 'db-host:9100';

export const nodeMemoryHighUtilizationAlert = defineMetaAlert({
  name: 'NodeMemoryHighUtilization',
  priority: 'P2',
  title: 'A host is running out of memory',
  templates: {
    summary: ['Host ', { label: 'instance' }, ' is running out of memory'],
    description: ['Host ', { label: 'instance' }, ' uses ', { value: 'humanizePercentage' }, ' of its memory (not counting reclaimable cache).'],
  },
  scopes: hostScopes,
  expr: (scope, model) =>
    `1 - (${selector('node_memory_MemAvailable_bytes', { job: scope.job })} / ${selector('node_memory_MemTotal_bytes', { job: scope.job })}) > ${hostParameters(model).memoryRatio}`,
  forDuration: (_scope, model) => hostParameters(model).for,
  firing: (scope, model) => {
    const labels = { job: scope.job, instance: host };
    const available = Math.floor(total * (1 - hostParameters(model).memoryRatio) * 0.5);
    return gaugeCase({
      series: seriesName('node_memory_MemAvailable_bytes', labels),
      healthy: total / 2,
      faulty: available,
      step,
      windowSteps: 0,
      forDuration: hostParameters(model).for,
      outputLabels: labels,
      value: 1 - available / total,
      extraSeries: [{ name: seriesName('node_memory_MemTotal_bytes', labels), values: new SeriesBuilder().constant(total, 200).encode() }],
    });
  },
  healthy: (scope) => {
    const labels = { job: scope.job, instance: host };
    return {
      series: [
        { name: seriesName('node_memory_MemAvailable_bytes', labels), values: new SeriesBuilder().constant(total / 2, 10).constant(total / 4, 10).gap(3).padTo(40).encode() },
        { name: seriesName('node_memory_MemTotal_bytes', labels), values: new SeriesBuilder().constant(total, 40).encode() },
      ],
      length: 40,
      step,
    };
  },
  runbook: {
    meaning: 'Memory in use on a host (MemTotal minus MemAvailable, so page cache does not count) is above hosts.memoryRatio (default 90%). The kernel will soon start OOM-killing processes.',
    causes: ['A process leaking memory (check MemoryHigh of the services on the host).', 'More containers scheduled on the host than it can hold.', 'A database cache sized beyond the host.'],
    firstChecks: ['List the biggest processes: `ps aux --sort=-rss | head`.', 'Check the memory panel of the hosts dashboard for a steady climb (a leak) or a step (a deploy).', 'Check dmesg for OOM kills.'],
  },
});
