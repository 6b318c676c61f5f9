/**
 * monitoring/prometheus/agents/<site>.yml: one Prometheus in agent mode per site. It scrapes the
 * site's services exactly as the central config would and remote-writes every sample to the
 * central Prometheus (or a Mimir/Cortex/Thanos receiver), with `site` among its external labels
 * so sites stay apart centrally. An agent evaluates no rules and sends no alerts: the central
 * Prometheus does both, on the same rule files as without agents.
 *
 * Run: `prometheus --enable-feature=agent --config.file=agents/<site>.yml --storage.agent.path=DIR`.
 * The central Prometheus needs `--web.enable-remote-write-receiver` (or use a Mimir endpoint).
 */
import type { GeneratedFile, Model, SiteModel } from '../model/types.js';
import { serviceScrapeConfig } from './scrape.js';

export const agentConfigPath = (site: string): string => `monitoring/prometheus/agents/${site}.yml`;

function remoteWrite(site: SiteModel): Record<string, unknown> {
  const { url, bearerTokenFile, basicAuth } = site.remoteWrite;
  return {
    url,
    ...(bearerTokenFile === undefined ? {} : { authorization: { type: 'Bearer', credentials_file: bearerTokenFile } }),
    ...(basicAuth === undefined ? {} : { basic_auth: { username: basicAuth.username, password_file: basicAuth.passwordFile } }),
  };
}

export function agentConfig(model: Model, site: SiteModel): Record<string, unknown> {
  const jobs = new Set(site.services);
  return {
    global: { scrape_interval: model.prometheus.scrapeInterval, external_labels: { ...site.externalLabels } },
    scrape_configs: model.services.filter((service) => jobs.has(service.job)).map((service) => serviceScrapeConfig(model, service)),
    remote_write: [remoteWrite(site)],
  };
}

export function agentConfigGenerator(model: Model): GeneratedFile[] {
  return model.sites.map((site) => ({ path: agentConfigPath(site.name), format: 'yaml', data: agentConfig(model, site) }));
}
