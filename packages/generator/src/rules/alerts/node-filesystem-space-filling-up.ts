import { durationSeconds } from '../../spec/duration.js';
import { formatDuration } from '../../spec/duration.js';
import { defineMetaAlert, caseLength, filesystemSelector, hostParameters, hostScopes, testFilesystem, windowSteps } from '../meta-alert.js';
import { SeriesBuilder, seriesName } from '../series.js';

const size = 1000;
const freeAtFault = 800;
const dropPerStep = 20;

/** The trend is fitted over a quarter of the horizon (1h for the default 4h), at least 1m. */
export function fillLookback(within: string): string {
  return formatDuration(Math.max(60_000, Math.round((durationSeconds(within) * 1000) / 4 / 60_000) * 60_000));
}

export const nodeFilesystemSpaceFillingUpAlert = defineMetaAlert({
  name: 'NodeFilesystemSpaceFillingUp',
  priority: 'P1',
  title: 'A host filesystem is predicted to fill up soon',
  templates: {
    summary: ['Filesystem ', { label: 'mountpoint' }, ' on ', { label: 'instance' }, ' is filling up'],
    description: ['At the current rate ', { label: 'mountpoint' }, ' (', { label: 'device' }, ') on ', { label: 'instance' }, ' fills up soon; ', { value: 'humanizePercentage' }, ' is free now.'],
  },
  scopes: hostScopes,
  expr: (scope, model) => {
    const within = hostParameters(model).diskFullWithin;
    const avail = filesystemSelector('node_filesystem_avail_bytes', scope.job);
    return `(${avail} / ${filesystemSelector('node_filesystem_size_bytes', scope.job)}) and predict_linear(${avail}[${fillLookback(within)}], ${durationSeconds(within)}) < 0 and ${filesystemSelector('node_filesystem_readonly', scope.job)} == 0`;
  },
  forDuration: (_scope, model) => hostParameters(model).for,
  firing: (scope, model) => {
    const labels = testFilesystem(scope.job);
    const lookback = fillLookback(hostParameters(model).diskFullWithin);
    const step = Math.max(1, durationSeconds(lookback) / 10);
    const faultAt = 10;
    const window = windowSteps(lookback, step);
    const length = caseLength(faultAt, window, hostParameters(model).for, step);
    const at = length - 3;
    return {
      step,
      length,
      faultAt,
      windowSteps: window,
      series: [
        { name: seriesName('node_filesystem_avail_bytes', labels), values: new SeriesBuilder().constant(freeAtFault, faultAt).ramp(freeAtFault, -dropPerStep, length - faultAt).encode() },
        { name: seriesName('node_filesystem_size_bytes', labels), values: new SeriesBuilder().constant(size, length).encode() },
        { name: seriesName('node_filesystem_readonly', labels), values: new SeriesBuilder().constant(0, length).encode() },
      ],
      outputLabels: labels,
      value: (freeAtFault - dropPerStep * (at - faultAt)) / size,
    };
  },
  healthy: (scope, model) => {
    const labels = testFilesystem(scope.job);
    const step = Math.max(1, durationSeconds(fillLookback(hostParameters(model).diskFullWithin)) / 10);
    // Slow use that would take far longer than the horizon to fill, and a freed-up dip.
    return {
      series: [
        { name: seriesName('node_filesystem_avail_bytes', labels), values: new SeriesBuilder().constant(900, 10).ramp(900, -0.01, 20).constant(950, 10).padTo(40).encode() },
        { name: seriesName('node_filesystem_size_bytes', labels), values: new SeriesBuilder().constant(size, 40).encode() },
        { name: seriesName('node_filesystem_readonly', labels), values: new SeriesBuilder().constant(0, 40).encode() },
      ],
      length: 40,
      step,
    };
  },
  runbook: {
    meaning: 'The free space of a writable host filesystem, extrapolated linearly from the last quarter of hosts.diskFullWithin, reaches zero within hosts.diskFullWithin (default 4h). Pages before the disk is full, not after.',
    causes: ['A runaway log or temp file.', 'A database bulk load or a stuck replication slot keeping WAL.', 'Prometheus retention larger than the volume.'],
    firstChecks: ['Find what grows: `du -xh --max-depth=2 <mountpoint> | sort -h | tail`, twice a minute apart.', 'Check the free-space trend on the hosts dashboard.', 'Stop the writer or free space now; grow the volume if the growth is legitimate.'],
  },
});
