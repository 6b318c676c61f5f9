import { percentText } from '../format.js';
import { defineMetaAlert, filesystemSelector, gaugeCase, hostParameters, hostScopes, testFilesystem } from '../meta-alert.js';
import { SeriesBuilder, seriesName } from '../series.js';

const step = 60;
const size = 1000;

export const nodeFilesystemAlmostOutOfSpaceAlert = defineMetaAlert({
  name: 'NodeFilesystemAlmostOutOfSpace',
  priority: 'P2',
  title: 'A host filesystem is almost full',
  templates: {
    summary: ['Filesystem ', { label: 'mountpoint' }, ' on ', { label: 'instance' }, ' is almost full'],
    description: ['Only ', { value: 'humanizePercentage' }, ' of ', { label: 'mountpoint' }, ' (', { label: 'device' }, ') on ', { label: 'instance' }, ' is free.'],
  },
  scopes: hostScopes,
  expr: (scope, model) =>
    `(${filesystemSelector('node_filesystem_avail_bytes', scope.job)} / ${filesystemSelector('node_filesystem_size_bytes', scope.job)}) < ${hostParameters(model).diskFreeRatio} and ${filesystemSelector('node_filesystem_readonly', scope.job)} == 0`,
  forDuration: (_scope, model) => hostParameters(model).for,
  firing: (scope, model) => {
    const labels = testFilesystem(scope.job);
    const freeBytes = Math.floor(size * hostParameters(model).diskFreeRatio * 0.5);
    return gaugeCase({
      series: seriesName('node_filesystem_avail_bytes', labels),
      healthy: size / 2,
      faulty: freeBytes,
      step,
      windowSteps: 0,
      forDuration: hostParameters(model).for,
      outputLabels: labels,
      value: freeBytes / size,
      extraSeries: [
        { name: seriesName('node_filesystem_size_bytes', labels), values: new SeriesBuilder().constant(size, 200).encode() },
        { name: seriesName('node_filesystem_readonly', labels), values: new SeriesBuilder().constant(0, 200).encode() },
      ],
    });
  },
  healthy: (scope, model) => {
    const labels = testFilesystem(scope.job);
    const justAbove = Math.ceil(size * hostParameters(model).diskFreeRatio) + 1;
    return {
      series: [
        { name: seriesName('node_filesystem_avail_bytes', labels), values: new SeriesBuilder().constant(size / 2, 10).constant(justAbove, 20).gap(3).padTo(40).encode() },
        { name: seriesName('node_filesystem_size_bytes', labels), values: new SeriesBuilder().constant(size, 40).encode() },
        // A read-only image filesystem is always full and must not fire.
        { name: seriesName('node_filesystem_avail_bytes', { ...labels, fstype: 'squashfs', mountpoint: '/snap/core' }), values: new SeriesBuilder().constant(0, 40).encode() },
        { name: seriesName('node_filesystem_size_bytes', { ...labels, fstype: 'squashfs', mountpoint: '/snap/core' }), values: new SeriesBuilder().constant(size, 40).encode() },
        { name: seriesName('node_filesystem_readonly', labels), values: new SeriesBuilder().constant(0, 40).encode() },
      ],
      length: 40,
      step,
    };
  },
  runbook: {
    meaning: `A writable filesystem of a host has less free space than hosts.diskFreeRatio (default ${percentText(0.1)}). Services writing to it (databases, logs, Prometheus itself) fail once it is full.`,
    causes: ['Logs or temporary files not rotated.', 'Database or TSDB growth beyond plan.', 'A backup or dump written to the wrong volume.'],
    firstChecks: ['Find the largest directories: `du -xh --max-depth=2 <mountpoint> | sort -h | tail`.', 'Check the growth rate on the hosts dashboard (free space panel).', 'Free space or grow the volume; then fix the cause (rotation, retention).'],
  },
});
