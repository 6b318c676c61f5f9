/**
 * Agent -> central on real binaries (issue 12): a Prometheus in agent mode scrapes the example
 * service with the generated agent config and remote-writes to a second Prometheus running with
 * the remote-write receiver. That central Prometheus scrapes nothing of the site, evaluates the
 * generated rules on what arrives and fires a fault's alert to a real Alertmanager.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModel, type Model } from '@vigil/generator';
import { startExampleService, type ExampleService } from '@vigil/example-service';
import { agentConfigPath } from '../../generator/src/prometheus/agent.js';
import {
  isFiring,
  startAlertmanager,
  startPrometheus,
  startWebhookReceiver,
  waitUntil,
  type AlertmanagerInstance,
  type PrometheusInstance,
  type WebhookReceiver,
} from '../src/index.js';
import { startLoad, type LoadGenerator } from './e2e/load.js';
import { renderStack, type RenderedStack } from './e2e/render.js';

const specPath = 'monitoring/vigil.config.ts';
const site = 'edge-1';

let receiver: WebhookReceiver;
let alertmanager: AlertmanagerInstance;
let central: PrometheusInstance;
let agent: PrometheusInstance;
let api: ExampleService;
let load: LoadGenerator | undefined;
const renders: RenderedStack[] = [];

/** The e2e model with `api` scraped by the site's agent and every receiver a webhook. */
async function siteModel(remoteWriteUrl: string, alertmanagers: readonly string[]): Promise<Model> {
  const model = await loadModel(specPath, {
    profile: 'e2e',
    overrides: {
      services: { api: { targets: [api.target] } },
      sites: [{ name: site, services: ['api'], remoteWrite: { url: remoteWriteUrl } }],
      ...(alertmanagers.length > 0 ? { prometheus: { alertmanagers: [...alertmanagers] } } : {}),
    },
  });
  return { ...model, receivers: model.receivers.map((entry) => ({ name: entry.name, type: 'webhook' as const, url: `${receiver.url}/${entry.name}` })) };
}

beforeAll(async () => {
  receiver = await startWebhookReceiver();
  api = await startExampleService('api', { HEALTH_REFRESH_MS: '500' });
  // The central side does not depend on where the agent writes: render it with a placeholder.
  const first = await renderStack(await siteModel('http://127.0.0.1:9/api/v1/write', []));
  renders.push(first);
  alertmanager = await startAlertmanager({ config: first.alertmanagerConfig });
  const centralStack = await renderStack(await siteModel('http://127.0.0.1:9/api/v1/write', [alertmanager.address]));
  renders.push(centralStack);
  central = await startPrometheus({ config: centralStack.prometheusConfig, rulesFiles: centralStack.ruleFiles, remoteWriteReceiver: true });
  const agentStack = await renderStack(await siteModel(`${central.url}/api/v1/write`, [alertmanager.address]));
  renders.push(agentStack);
  const agentConfig = parse(readFileSync(join(agentStack.dir, agentConfigPath(site)), 'utf8')) as Record<string, unknown>;
  agent = await startPrometheus({ config: agentConfig, mode: 'agent' });
  load = startLoad([api.url], { everyMs: 100, maxInFlight: 20 });
}, 120_000);

afterAll(async () => {
  await load?.stop();
  await api?.stop();
  await Promise.allSettled([agent?.stop(), central?.stop(), alertmanager?.stop(), receiver?.stop()]);
  for (const rendered of renders) rmSync(rendered.dir, { recursive: true, force: true });
});

describe('a site agent remote-writing to the central Prometheus', () => {
  it('the central config leaves the site services to the agent, which scrapes them', async () => {
    const centralJobs = (central ? (await central.targets()) : []).map((target) => target.labels.job);
    expect(centralJobs).not.toContain('api');
    await waitUntil(async () => (await agent.targets()).some((target) => target.labels.job === 'api' && target.health === 'up'), {
      timeoutMs: 30_000,
      description: 'the agent scraping api',
    });
  });

  it('samples arrive centrally with the site label, and recording rules run on them', async () => {
    await waitUntil(async () => (await central.query(`up{job="api",site="${site}"}`)).length === 1, {
      timeoutMs: 30_000,
      description: `up{job="api",site="${site}"} on the central Prometheus`,
    });
    await waitUntil(async () => (await central.query('job:http_requests:rate5m{job="api"} > 0')).length === 1, {
      timeoutMs: 60_000,
      description: 'the request-rate recording rule over remote-written samples',
    });
  });

  it('a fault at the site fires its alert centrally, routed to the team page receiver', async () => {
    const faultAt = Date.now();
    await api.setFaults({ errorRate: 1 });
    const notification = await receiver.waitFor(isFiring('HighErrorRate', { service: 'api' }), 90_000);
    expect(notification.path).toBe('/platform-pagerduty');
    const alert = notification.payload.alerts.find((entry) => entry.labels.alertname === 'HighErrorRate');
    expect(alert?.labels.priority).toBe('P1');
    console.log(`agent -> central: HighErrorRate notified ${notification.receivedAt - faultAt} ms after the fault`);
    await api.setFaults({ errorRate: 0 });
  });
});
