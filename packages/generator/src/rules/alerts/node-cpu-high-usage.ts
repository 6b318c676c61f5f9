import { selector } from '../common.js';
import { caseLength, defineMetaAlert, hostParameters, hostScopes, windowSteps } from '../meta-alert.js';
import { SeriesBuilder, seriesName } from '../series.js';

const window = '5m';
const step = 60;
const host = 'db-host:9100';
/** Idle seconds per second of each core when healthy and when busy. */
const idleHealthy = 0.5;
const idleBusy = 0.02;

export const nodeCPUHighUsageAlert = defineMetaAlert({
  name: 'NodeCPUHighUsage',
  priority: 'P2',
  title: 'A host\'s CPUs are saturated',
  templates: {
    summary: ['Host ', { label: 'instance' }, ' is CPU-saturated'],
    description: ['The CPUs of ', { label: 'instance' }, ' are ', { value: 'humanizePercentage' }, ' busy on average.'],
  },
  scopes: hostScopes,
  expr: (scope, model) =>
    `1 - avg by (job, instance) (rate(${selector('node_cpu_seconds_total', { job: scope.job, mode: 'idle' })}[${window}])) > ${hostParameters(model).cpuRatio}`,
  forDuration: (_scope, model) => hostParameters(model).slowFor,
  firing: (scope, model) => {
    const faultAt = 10;
    const windowLength = windowSteps(window, step);
    const length = caseLength(faultAt, windowLength, hostParameters(model).slowFor, step);
    const idle = (cpu: string) => ({
      name: seriesName('node_cpu_seconds_total', { job: scope.job, instance: host, cpu, mode: 'idle' }),
      values: new SeriesBuilder()
        .ramp(0, idleHealthy * step, faultAt + 1)
        .rise(idleBusy * step, length - faultAt - 1)
        .encode(),
    });
    return {
      step,
      length,
      faultAt,
      windowSteps: windowLength + 1,
      series: [idle('0'), idle('1')],
      outputLabels: { job: scope.job, instance: host },
      value: 1 - idleBusy,
    };
  },
  healthy: (scope) => ({
    series: ['0', '1'].map((cpu) => ({
      name: seriesName('node_cpu_seconds_total', { job: scope.job, instance: host, cpu, mode: 'idle' }),
      // Half idle throughout, with a node-exporter restart (counter reset) and a scrape gap.
      values: new SeriesBuilder().ramp(0, idleHealthy * step, 12).gap(1).ramp(0, idleHealthy * step, 12).gap(3).rise(idleHealthy * step, 12).encode(),
    })),
    length: 40,
    step,
  }),
  runbook: {
    meaning: 'All CPUs of a host have been busier than hosts.cpuRatio (default 90%) on average for the whole `for`. Everything on the host slows down.',
    causes: ['A runaway process or a hot loop in a service.', 'A traffic surge beyond capacity.', 'Noisy neighbours or CPU steal on a shared VM.'],
    firstChecks: ['`top` / `pidstat 5` on the host: which process.', 'Check the CPU panel of the hosts dashboard by mode (user, system, iowait, steal).', 'Check CPUHigh of the services on the host.'],
  },
});
