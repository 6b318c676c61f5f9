import { defineMetaAlert, filesystemSelector, gaugeCase, hostParameters, hostScopes, testFilesystem } from '../meta-alert.js';
import { SeriesBuilder, seriesName } from '../series.js';

/** A filesystem counts as having turned read-only when it was writable at some point in this window. */
const window = '1d';
const step = 3600;

export const nodeFilesystemReadOnlyAlert = defineMetaAlert({
  name: 'NodeFilesystemReadOnly',
  priority: 'P1',
  title: 'A host filesystem turned read-only',
  templates: {
    summary: ['Filesystem ', { label: 'mountpoint' }, ' on ', { label: 'instance' }, ' turned read-only'],
    description: [{ label: 'mountpoint' }, ' (', { label: 'device' }, ') on ', { label: 'instance' }, ` was writable within the last ${window} and is now read-only (node_filesystem_readonly = `, { value: 'g4' }, '); writes to it fail.'],
  },
  scopes: hostScopes,
  // Filesystems mounted read-only on purpose never were writable in the window, so they stay quiet.
  expr: (scope) => {
    const readonly = filesystemSelector('node_filesystem_readonly', scope.job);
    return `${readonly} == 1 and min_over_time(${readonly}[${window}]) == 0`;
  },
  forDuration: (_scope, model) => hostParameters(model).for,
  firing: (scope, model) =>
    gaugeCase({
      series: seriesName('node_filesystem_readonly', testFilesystem(scope.job)),
      healthy: 0,
      faulty: 1,
      step,
      windowSteps: 0,
      forDuration: hostParameters(model).for,
      outputLabels: testFilesystem(scope.job),
      value: 1,
    }),
  healthy: (scope) => ({
    series: [
      { name: seriesName('node_filesystem_readonly', testFilesystem(scope.job)), values: new SeriesBuilder().constant(0, 10).gap(2).constant(0, 28).encode() },
      { name: seriesName('node_filesystem_readonly', { ...testFilesystem(scope.job), mountpoint: '/boot/efi' }), values: new SeriesBuilder().constant(1, 40).encode() },
    ],
    length: 40,
    step,
  }),
  runbook: {
    meaning: 'A filesystem that was writable became read-only. The kernel does this after I/O errors (errors=remount-ro), so everything writing there (databases, logs) now fails.',
    causes: ['Disk or controller I/O errors.', 'Filesystem corruption detected by the kernel.', 'A full thin-provisioned or network volume.'],
    firstChecks: ['Read the kernel log: `dmesg | grep -iE "remount|I/O error|EXT4-fs error"`.', 'Check the volume in the cloud console or SMART data.', 'Fail services over before running fsck; remount only after the cause is fixed.'],
  },
});
