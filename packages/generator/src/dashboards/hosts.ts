import { DashboardBuilder, RowBuilder, type Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import type { HostsModel, Model } from '../model/types.js';
import { ignoredFilesystemTypes } from '../rules/meta-alert.js';
import { alertNames } from './alerts.js';
import { vigilDashboardsLink } from './links.js';
import { PanelIds, timeseriesPanel } from './panels.js';
import { datasourceVariable, labelVariable } from './variables.js';
import { dashboardUids } from './scope.js';

const selected = 'job=~"$job", instance=~"$instance"';
/** The filesystems the disk alerts watch: image filesystems are full or read-only by design. */
const filesystems = `${selected}, fstype!~"${ignoredFilesystemTypes}"`;

/** Disk, memory, CPU and clock of the hosts node-exporter reports on: what the host alerts read. */
export function hostsDashboard(model: Model, hosts: HostsModel): Dashboard {
  const ids = new PanelIds();
  return new DashboardBuilder('Vigil / Hosts')
    .uid(dashboardUids.hosts)
    .description(`Host resources from node-exporter (the spec's hosts section). Generated from ${model.source}; do not edit.`)
    .tags(['vigil', 'hosts'])
    .readonly()
    .time({ from: 'now-6h', to: 'now' })
    .refresh('30s')
    .link(vigilDashboardsLink())
    .withVariable(datasourceVariable(model))
    .withVariable(labelVariable('job', 'Hosts job', 'label_values(node_uname_info, job)'))
    .withVariable(labelVariable('instance', 'Host', 'label_values(node_uname_info{job=~"$job"}, instance)'))
    .withRow(new RowBuilder('Disk').id(ids.next()))
    .withPanel(
      timeseriesPanel(model, ids, {
        title: 'Filesystem free space',
        description: `Free space as a share of each writable filesystem. NodeFilesystemAlmostOutOfSpace fires under ${hosts.alerts.diskFreeRatio * 100}% free; NodeFilesystemSpaceFillingUp when the trend reaches 0 within ${hosts.alerts.diskFullWithin}.`,
        unit: 'percentunit',
        min: 0,
        max: 1,
        queries: [
          {
            expr: `node_filesystem_avail_bytes{${filesystems}} / node_filesystem_size_bytes{${filesystems}}`,
            legend: '{{instance}} {{mountpoint}}',
          },
        ],
        alerts: [alertNames.nodeFilesystemAlmostOutOfSpace, alertNames.nodeFilesystemSpaceFillingUp],
      }),
    )
    .withPanel(
      timeseriesPanel(model, ids, {
        title: 'Read-only filesystems',
        description: 'Filesystems mounted read-only (1). A writable filesystem turning read-only usually means the kernel saw I/O errors: NodeFilesystemReadOnly.',
        unit: 'short',
        min: 0,
        max: 1,
        queries: [{ expr: `node_filesystem_readonly{${filesystems}}`, legend: '{{instance}} {{mountpoint}}' }],
        alerts: [alertNames.nodeFilesystemReadOnly],
      }),
    )
    .withRow(new RowBuilder('Memory, CPU and clock').id(ids.next()))
    .withPanel(
      timeseriesPanel(model, ids, {
        title: 'Memory in use',
        description: `Memory not available to new processes (1 - MemAvailable / MemTotal). NodeMemoryHighUtilization fires over ${hosts.alerts.memoryRatio * 100}%.`,
        unit: 'percentunit',
        min: 0,
        max: 1,
        queries: [{ expr: `1 - (node_memory_MemAvailable_bytes{${selected}} / node_memory_MemTotal_bytes{${selected}})`, legend: '{{instance}}' }],
        alerts: [alertNames.nodeMemoryHighUtilization],
      }),
    )
    .withPanel(
      timeseriesPanel(model, ids, {
        title: 'CPU busy',
        description: `Share of all cores not idle. NodeCPUHighUsage fires over ${hosts.alerts.cpuRatio * 100}% (averaged over 5m).`,
        unit: 'percentunit',
        min: 0,
        max: 1,
        queries: [{ expr: `1 - avg by (job, instance) (rate(node_cpu_seconds_total{${selected}, mode="idle"}[$__rate_interval]))`, legend: '{{instance}}' }],
        alerts: [alertNames.nodeCPUHighUsage],
      }),
    )
    .withPanel(
      timeseriesPanel(model, ids, {
        title: 'Clock offset',
        description: `Offset of the system clock from its time source as the kernel reports it. NodeClockSkewDetected fires beyond ${hosts.alerts.clockSkewSeconds} s either way.`,
        unit: 's',
        queries: [{ expr: `node_timex_offset_seconds{${selected}}`, legend: '{{instance}}' }],
        alerts: [alertNames.nodeClockSkewDetected],
        width: 24,
      }),
    )
    .build();
}
