/**
 * A service's scrape job, shared by the central Prometheus config and the agents' configs so a
 * service is scraped the same way wherever it is scraped.
 */
import type { Model, ServiceModel } from '../model/types.js';

export function serviceScrapeConfig(model: Model, service: ServiceModel): Record<string, unknown> {
  return {
    job_name: service.job,
    ...(service.scrapeInterval === model.prometheus.scrapeInterval ? {} : { scrape_interval: service.scrapeInterval }),
    metrics_path: service.metricsPath,
    static_configs: [staticConfig(model, service.targets)],
  };
}

/**
 * One `static_configs` entry. The spec's selectorLabels are attached to every target, so the
 * series the stack scrapes match its own scoped rules and panels (rules/scope.ts).
 */
export function staticConfig(model: Model, targets: readonly string[], labels: Readonly<Record<string, string>> = {}): Record<string, unknown> {
  const all = { ...labels, ...model.selectorLabels };
  return { targets: [...targets], ...(Object.keys(all).length === 0 ? {} : { labels: all }) };
}

/** Jobs scraped by some site's agent, which the central Prometheus therefore does not scrape. */
export function agentScrapedJobs(model: Model): ReadonlySet<string> {
  return new Set(model.sites.flatMap((site) => site.services));
}
