/**
 * monitoring/prometheus/prometheus.yml: global intervals and external labels, the rule files,
 * one scrape job per service and per exporter dependency, the stack's own jobs (prometheus,
 * alertmanager with every peer, grafana), node-exporter for hosts, and the Alertmanagers.
 *
 * Mount layout (compose and tests): this file at /etc/prometheus/prometheus.yml and the
 * repository's alerts/ directory at /etc/prometheus/alerts/. Rule paths are relative to the
 * config file, so any directory laid out the same way works (promtool check config included).
 */
import type { GeneratedFile, Model } from '../model/types.js';
import { ruleFileOrder } from '../rules/generator.js';
import { selfMonitoringJobs } from '../model/meta.js';

/**
 * Flags the generated config needs: `extra-scrape-metrics` adds `scrape_timeout_seconds`, which
 * PrometheusTargetScrapeTimeout compares `scrape_duration_seconds` with. Compose and tests pass them.
 */
export const prometheusFeatureFlags: readonly string[] = ['--enable-feature=extra-scrape-metrics'];

export const prometheusConfigPath = 'monitoring/prometheus/prometheus.yml';

/** Where rule files sit relative to prometheus.yml once mounted. */
export const mountedRuleFiles: readonly string[] = ruleFileOrder.map((path) => path);

export function prometheusConfig(model: Model): Record<string, unknown> {
  const scrapeConfigs: Record<string, unknown>[] = model.services.map((service) => ({
    job_name: service.job,
    ...(service.scrapeInterval === model.prometheus.scrapeInterval ? {} : { scrape_interval: service.scrapeInterval }),
    metrics_path: service.metricsPath,
    static_configs: [{ targets: [...service.targets] }],
  }));
  for (const dependency of model.dependencies) {
    if (dependency.kind === 'healthCheck') continue;
    const staticConfigs: Record<string, unknown>[] = [{ targets: [...dependency.targets] }];
    if (dependency.replicas !== undefined) staticConfigs.push({ targets: [...dependency.replicas], labels: { role: 'replica' } });
    scrapeConfigs.push({ job_name: dependency.job, static_configs: staticConfigs });
  }
  scrapeConfigs.push(...selfScrapeConfigs(model));
  return {
    global: {
      scrape_interval: model.prometheus.scrapeInterval,
      evaluation_interval: model.prometheus.evaluationInterval,
      ...(Object.keys(model.prometheus.externalLabels).length === 0 ? {} : { external_labels: { ...model.prometheus.externalLabels } }),
    },
    rule_files: [...mountedRuleFiles],
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
  return jobs.filter(([, targets]) => targets.length > 0).map(([job, targets]) => ({ job_name: job, static_configs: [{ targets: [...targets] }] }));
}

export function prometheusConfigGenerator(model: Model): GeneratedFile[] {
  return [{ path: prometheusConfigPath, format: 'yaml', data: prometheusConfig(model) }];
}
