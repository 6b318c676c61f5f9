import { describe, expect, it } from 'vitest';
import { buildModel, formatProblem, SpecError } from '../src/index.js';
import { renderAlertmanagerConfig } from '../src/alertmanager/index.js';
import { prometheusConfig } from '../src/prometheus/config.js';
import { specWith } from './spec-fixtures.js';

function problems(spec: unknown): string[] {
  try {
    buildModel(spec, 'spec.yaml');
  } catch (error) {
    if (error instanceof SpecError) return error.problems.map(formatProblem);
    throw error;
  }
  return [];
}

describe('meta-monitoring spec fields', () => {
  it('refuses watchdog.urlFile on Alertmanager 0.25, which has no webhook url_file', () => {
    expect(problems(specWith((spec) => (spec.watchdog = { urlFile: '/etc/alertmanager/secrets/hb' })))).toEqual([
      'spec.yaml: watchdog.urlFile: needs Alertmanager 0.26 or later (stack.images.alertmanager is prom/alertmanager:v0.25.0); use url with credentialsFile, or pin a newer image',
    ]);
    expect(problems(specWith((spec) => (spec.watchdog = { urlFile: '/s/hb' }, (spec.stack = { images: { alertmanager: 'prom/alertmanager:v0.27.0' } }))))).toEqual([]);
  });

  it('refuses a hosts job that a service already uses', () => {
    const found = problems(specWith((spec) => (spec.hosts = { targets: ['node:9100'], job: spec.services[0].name })));
    expect(found.join('\n')).toContain('hosts.job: scrape job');
  });

  it('routes the Watchdog to its heartbeat receiver only, and scrapes the stack and the hosts', () => {
    const model = buildModel(
      specWith((spec) => {
        spec.watchdog = { url: 'http://relay:8080/ping', credentialsFile: '/etc/alertmanager/secrets/hb-token', repeatInterval: '2m' };
        spec.hosts = { targets: ['node-exporter:9100'] };
      }),
      'spec.yaml',
    );
    const config = renderAlertmanagerConfig(model) as { route: { routes: Record<string, unknown>[] }; receivers: Record<string, unknown>[] };
    expect(config.route.routes.at(-1)).toMatchObject({ matchers: ['alertname="Watchdog"'], receiver: 'watchdog-heartbeat', repeat_interval: '2m', group_interval: '20s' });
    expect(JSON.stringify(config.receivers.at(-1))).toContain('"credentials_file":"/etc/alertmanager/secrets/hb-token"');
    const jobs = (prometheusConfig(model).scrape_configs as { job_name: string }[]).map((job) => job.job_name);
    expect(jobs).toEqual(expect.arrayContaining(['prometheus', 'alertmanager', 'grafana', 'node']));
  });
});
