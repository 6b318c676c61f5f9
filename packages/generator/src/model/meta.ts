/**
 * The meta-monitoring parts of the model: the stack watching itself (Prometheus, Alertmanager,
 * Grafana), hosts through node-exporter, exporter alert thresholds, the Watchdog heartbeat and
 * Alertmanager replicas. Kept apart from build.ts, which calls these while resolving the spec.
 */
import type { z } from 'zod';
import type { monitoringSpecSchema } from '../spec/schema.js';
import type { SpecProblem } from '../spec/errors.js';
import { normaliseDuration } from '../spec/duration.js';
import { exporterAlertDefaults, hostDefaults, selfMonitoringDefaults, stackDefaults, watchdogDefaults } from './defaults.js';
import type { ExporterAlertParameters, HostsModel, SelfMonitoringModel, WatchdogModel } from './types.js';

type ParsedSpec = z.output<typeof monitoringSpecSchema>;
type Durations = { readonly for?: string; readonly window?: string };

/** Scrape job names the stack itself uses; services and exporters may not take them. */
export const selfMonitoringJobs = { prometheus: 'prometheus', alertmanager: 'alertmanager', grafana: 'grafana' } as const;

/** The compose service name of Alertmanager replica `index` (0-based): alertmanager, alertmanager-2, ... */
export function alertmanagerPeerName(index: number): string {
  return index === 0 ? 'alertmanager' : `alertmanager-${index + 1}`;
}

/** The gossip port every Alertmanager peer listens on inside the compose network (Alertmanager's default). */
export const alertmanagerClusterPort = 9094;

/** The default Alertmanager targets for `replicas` peers: the single default, or one per compose peer. */
export function alertmanagerPeerTargets(replicas: number, single: readonly string[]): string[] {
  if (replicas <= 1) return [...single];
  return Array.from({ length: replicas }, (_, index) => `${alertmanagerPeerName(index)}:9093`);
}

/** Alertmanager reads webhook `url_file` from 0.26 on; 0.25 rejects the field. */
const urlFileMinimumMinor = 26;

function alertmanagerMinor(image: string): number | undefined {
  const match = /:v?0\.(\d+)\./.exec(image);
  return match ? Number(match[1]) : undefined;
}

export function metaProblems(spec: ParsedSpec, file: string): SpecProblem[] {
  const problems: SpecProblem[] = [];
  const dependencies = spec.dependencies ?? [];
  const scrapeJobs = new Map<string, string>();
  spec.services.forEach((service, index) => scrapeJobs.set(service.name, `services[${index}].name`));
  dependencies.forEach((dependency, index) => {
    if (dependency.kind !== 'healthCheck') scrapeJobs.set(dependency.name, `dependencies[${index}].name`);
    if (dependency.kind !== 'healthCheck' && dependency.kind !== 'postgres' && dependency.replicas !== undefined) {
      problems.push({ file, path: `dependencies[${index}].replicas`, message: 'replicas are only watched for postgres dependencies' });
    }
  });
  for (const job of Object.values(selfMonitoringJobs)) {
    const at = scrapeJobs.get(job);
    if (at !== undefined) problems.push({ file, path: at, message: `"${job}" is the stack's own scrape job; choose another name` });
  }
  if (spec.hosts !== undefined) {
    const job = spec.hosts.job ?? hostDefaults.job;
    const at = scrapeJobs.get(job);
    if (at !== undefined || Object.values(selfMonitoringJobs).includes(job as never)) {
      problems.push({ file, path: spec.hosts.job === undefined ? 'hosts' : 'hosts.job', message: `scrape job "${job}" is already taken${at ? ` (${at})` : ''}; set hosts.job to another name` });
    }
  }
  const teamNames = new Set(spec.teams.map((team) => team.name));
  for (const [team, path] of [
    [spec.selfMonitoring?.team, 'selfMonitoring.team'],
    [spec.hosts?.team, 'hosts.team'],
  ] as const) {
    if (team !== undefined && !teamNames.has(team)) problems.push({ file, path, message: `no team named "${team}" (teams: ${[...teamNames].sort().join(', ')})` });
  }
  // Prometheus must send to every peer itself: one address for several replicas is a load balancer,
  // which splits an alert's updates between peers and breaks their deduplication.
  const replicas = spec.alertmanager?.replicas ?? 1;
  const explicitPeers = spec.prometheus?.alertmanagers;
  if (replicas > 1 && explicitPeers !== undefined && explicitPeers.length !== replicas) {
    problems.push({
      file,
      path: 'prometheus.alertmanagers',
      message: `alertmanager.replicas is ${replicas}, so list all ${replicas} peers (host:port each, not a load balancer), or leave it out to send to the compose peers (${alertmanagerPeerTargets(replicas, []).join(', ')})`,
    });
  }
  if (spec.watchdog !== undefined) {
    if (spec.receivers.some((receiver) => receiver.name === watchdogDefaults.receiver)) {
      problems.push({ file, path: 'receivers', message: `"${watchdogDefaults.receiver}" is the Watchdog's own receiver; rename yours` });
    }
    const image = spec.stack?.images?.alertmanager ?? stackDefaults.images.alertmanager;
    const minor = alertmanagerMinor(image);
    if (spec.watchdog.urlFile !== undefined && minor !== undefined && minor < urlFileMinimumMinor) {
      problems.push({
        file,
        path: 'watchdog.urlFile',
        message: `needs Alertmanager 0.${urlFileMinimumMinor} or later (stack.images.alertmanager is ${image}); use url with credentialsFile, or pin a newer image`,
      });
    }
  }
  return problems;
}

const forOf = (durations: Durations, fallback: string): string => normaliseDuration(durations.for ?? fallback);

export function resolveSelfMonitoring(spec: ParsedSpec, defaultTeam: string, alertmanagers: readonly string[], durations: Durations): SelfMonitoringModel {
  const settings = spec.selfMonitoring ?? {};
  return {
    team: settings.team ?? defaultTeam,
    prometheusTargets: [...(settings.prometheusTargets ?? selfMonitoringDefaults.prometheusTargets)],
    alertmanagerTargets: [...alertmanagers],
    grafanaTargets: [...(settings.grafanaTargets ?? selfMonitoringDefaults.grafanaTargets)],
    ...(durations.for === undefined ? {} : { forOverride: normaliseDuration(durations.for) }),
  };
}

export function resolveHosts(hosts: NonNullable<ParsedSpec['hosts']>, defaultTeam: string, durations: Durations): HostsModel {
  return {
    job: hosts.job ?? hostDefaults.job,
    team: hosts.team ?? defaultTeam,
    targets: [...hosts.targets],
    alerts: {
      diskFreeRatio: hosts.diskFreeRatio ?? hostDefaults.diskFreeRatio,
      diskFullWithin: normaliseDuration(hosts.diskFullWithin ?? hostDefaults.diskFullWithin),
      memoryRatio: hosts.memoryRatio ?? hostDefaults.memoryRatio,
      cpuRatio: hosts.cpuRatio ?? hostDefaults.cpuRatio,
      clockSkewSeconds: hosts.clockSkewSeconds ?? hostDefaults.clockSkewSeconds,
      for: forOf(durations, hosts.for ?? hostDefaults.for),
      slowFor: forOf(durations, hosts.for ?? hostDefaults.slowFor),
    },
  };
}

export function resolveExporterAlerts(
  alerts: { connectionsRatio?: number; deadlocks?: number; replicationLagSeconds?: number; memoryRatio?: number; for?: string; downFor?: string } | undefined,
  durations: Durations,
): ExporterAlertParameters {
  return {
    connectionsRatio: alerts?.connectionsRatio ?? exporterAlertDefaults.connectionsRatio,
    deadlocks: alerts?.deadlocks ?? exporterAlertDefaults.deadlocks,
    replicationLagSeconds: alerts?.replicationLagSeconds ?? exporterAlertDefaults.replicationLagSeconds,
    memoryRatio: alerts?.memoryRatio ?? exporterAlertDefaults.memoryRatio,
    for: forOf(durations, alerts?.for ?? exporterAlertDefaults.for),
    downFor: forOf(durations, alerts?.downFor ?? exporterAlertDefaults.downFor),
  };
}

export function resolveWatchdog(watchdog: NonNullable<ParsedSpec['watchdog']>, team: string): WatchdogModel {
  return {
    receiver: watchdogDefaults.receiver,
    ...(watchdog.url === undefined ? {} : { url: watchdog.url }),
    ...(watchdog.urlFile === undefined ? {} : { urlFile: watchdog.urlFile }),
    ...(watchdog.credentialsFile === undefined ? {} : { credentialsFile: watchdog.credentialsFile }),
    repeatInterval: normaliseDuration(watchdog.repeatInterval ?? watchdogDefaults.repeatInterval),
    team,
  };
}
