/**
 * monitoring/prometheus/prometheus.yml: global intervals and external labels, the rule files,
 * one scrape job per service (but those a site's agent scrapes) and per exporter dependency, the
 * stack's own jobs (prometheus, alertmanager with every peer, grafana), node-exporter for hosts,
 * and the Alertmanagers.
 *
 * Rule paths are relative to this file (`../../alerts/p1-page.yml`), so the config is valid where
 * it is written (`promtool check config monitoring/prometheus/prometheus.yml`, or `prometheus
 * --config.file=...` with local binaries) and in the compose stack, which mounts the output
 * with the same layout under /etc/prometheus (compose/layout.ts).
 */
import { posix } from 'node:path';
import type { GeneratedFile, Model } from '../model/types.js';
import { extraRulesPath } from '../rules/extra-rules.js';
import { ruleFileOrder } from '../rules/generator.js';
import { agentScrapedJobs, serviceScrapeConfig, staticConfig } from './scrape.js';
import { selfMonitoringJobs } from '../model/meta.js';

/**
 * Flags the generated config needs: `extra-scrape-metrics` adds `scrape_timeout_seconds`, which
 * PrometheusTargetScrapeTimeout compares `scrape_duration_seconds` with. Compose and tests pass them.
 */
export const prometheusFeatureFlags: readonly string[] = ['--enable-feature=extra-scrape-metrics'];

export const prometheusConfigPath = 'monitoring/prometheus/prometheus.yml';

/** Where rule files sit relative to prometheus.yml, on disk and in the compose mounts alike. */
const relativeToConfig = (path: string): string => posix.relative(posix.dirname(prometheusConfigPath), path);
export const mountedRuleFiles: readonly string[] = ruleFileOrder.map(relativeToConfig);

export function prometheusConfig(model: Model): Record<string, unknown> {
  // Services of a site arrive by remote write from that site's agent (./agent.ts).
  const remote = agentScrapedJobs(model);
  const scrapeConfigs: Record<string, unknown>[] = model.services
    .filter((service) => !remote.has(service.job))
    .map((service) => serviceScrapeConfig(model, service));
  for (const dependency of model.dependencies) {
    if (dependency.kind === 'healthCheck') continue;
    const staticConfigs: Record<string, unknown>[] = [staticConfig(model, dependency.targets)];
    if (dependency.replicas !== undefined) staticConfigs.push(staticConfig(model, dependency.replicas, { role: 'replica' }));
    scrapeConfigs.push({ job_name: dependency.job, static_configs: staticConfigs });
  }
  scrapeConfigs.push(...selfScrapeConfigs(model));
  return {
    global: {
      scrape_interval: model.prometheus.scrapeInterval,
      evaluation_interval: model.prometheus.evaluationInterval,
      ...(Object.keys(model.prometheus.externalLabels).length === 0 ? {} : { external_labels: { ...model.prometheus.externalLabels } }),
    },
    rule_files: [...mountedRuleFiles, ...(model.extraRules === undefined ? [] : [relativeToConfig(extraRulesPath)])],
    alerting: {
      alertmanagers: model.prometheus.alertmanagers.length === 0 ? [] : [{ static_configs: [{ targets: [...model.prometheus.alertmanagers] }] }],
    },
    scrape_configs: scrapeConfigs,
  };
}

/** The stack watching itself, and node-exporter on the spec's hosts. */
function selfScrapeConfigs(model: Model): Record<string, unknown>[] {
  const self = model.selfMonitoring;
  const jobs: [string, readonly string[]][] = [
    [selfMonitoringJobs.prometheus, self.prometheusTargets],
    [selfMonitoringJobs.alertmanager, self.alertmanagerTargets],
    [selfMonitoringJobs.grafana, self.grafanaTargets],
  ];
  if (model.hosts !== undefined) jobs.push([model.hosts.job, model.hosts.targets]);
  return jobs.filter(([, targets]) => targets.length > 0).map(([job, targets]) => ({ job_name: job, static_configs: [staticConfig(model, targets)] }));
}

export function prometheusConfigGenerator(model: Model): GeneratedFile[] {
  return [{ path: prometheusConfigPath, format: 'yaml', data: prometheusConfig(model) }];
}
