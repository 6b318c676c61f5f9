import { selector } from '../common.js';
import { defineMetaAlert, gaugeCase, hostParameters, hostScopes } from '../meta-alert.js';
import { SeriesBuilder, seriesName } from '../series.js';

const step = 60;
const host = 'db-host:9100';

export const nodeClockSkewDetectedAlert = defineMetaAlert({
  name: 'NodeClockSkewDetected',
  priority: 'P2',
  title: 'A host clock is off',
  templates: {
    summary: ['The clock of ', { label: 'instance' }, ' is off'],
    description: ['The clock of ', { label: 'instance' }, ' is off by ', { value: 'humanizeDuration' }, ' (absolute NTP offset); timestamps, TLS and rate calculations suffer.'],
  },
  scopes: hostScopes,
  expr: (scope, model) => `abs(${selector('node_timex_offset_seconds', { job: scope.job })}) > ${hostParameters(model).clockSkewSeconds}`,
  forDuration: (_scope, model) => hostParameters(model).slowFor,
  firing: (scope, model) => {
    const labels = { job: scope.job, instance: host };
    const offset = hostParameters(model).clockSkewSeconds * 4;
    return gaugeCase({ series: seriesName('node_timex_offset_seconds', labels), healthy: 0.001, faulty: -offset, step, windowSteps: 0, forDuration: hostParameters(model).slowFor, outputLabels: labels, value: offset });
  },
  healthy: (scope, model) => ({
    series: [
      {
        name: seriesName('node_timex_offset_seconds', { job: scope.job, instance: host }),
        values: new SeriesBuilder().constant(0.002, 10).constant(-hostParameters(model).clockSkewSeconds / 2, 10).gap(3).padTo(40).encode(),
      },
    ],
    length: 40,
    step,
  }),
  runbook: {
    meaning: 'The kernel\'s NTP offset of a host is larger than hosts.clockSkewSeconds (default 50 ms) in either direction. Samples get wrong timestamps, TLS and token checks fail, and logs no longer line up.',
    causes: ['NTP / chrony / systemd-timesyncd stopped or cannot reach its servers.', 'A VM paused or migrated.', 'UDP 123 blocked by a firewall change.'],
    firstChecks: ['`chronyc tracking` or `timedatectl timesync-status` on the host.', 'Check node_timex_sync_status of the host.', 'Check egress to the NTP servers.'],
  },
});
