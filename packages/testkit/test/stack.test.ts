import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { loadModel, selectImage } from '@vigil/generator';
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

// A tiny exporter so Prometheus has a real target: one gauge the test can flip.
let exporter: Server;
let exporterAddress = '';
let gaugeValue = 0;
let receiver: WebhookReceiver;
let alertmanager: AlertmanagerInstance;
let prometheus: PrometheusInstance;
// The compose file's pinned images (or their local builds, VIGIL_IMAGES=local), used when the container launcher runs.
let images: { readonly prometheus: string; readonly alertmanager: string };
const rulesDir = mkdtempSync(join(tmpdir(), 'vigil-testkit-rules-'));

const alertmanagerConfig = (webhookUrl: string) => ({
  route: {
    receiver: 'p2',
    group_by: ['alertname'],
    group_wait: '1s',
    group_interval: '1s',
    repeat_interval: '1h',
    routes: [{ receiver: 'p1', matchers: ['priority="P1"'] }],
  },
  receivers: [
    { name: 'p1', webhook_configs: [{ url: `${webhookUrl}/p1`, send_resolved: false }] },
    { name: 'p2', webhook_configs: [{ url: `${webhookUrl}/p2`, send_resolved: false }] },
  ],
});

beforeAll(async () => {
  exporter = createServer((request, response) => {
    response.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
    response.end(`# TYPE testkit_gauge gauge\ntestkit_gauge ${gaugeValue}\n`);
  });
  await new Promise<void>((resolve) => exporter.listen(0, '127.0.0.1', resolve));
  exporterAddress = `127.0.0.1:${(exporter.address() as AddressInfo).port}`;

  const model = await loadModel();
  images = { prometheus: selectImage(model, 'prometheus'), alertmanager: selectImage(model, 'alertmanager') };
  receiver = await startWebhookReceiver();
  alertmanager = await startAlertmanager({ config: alertmanagerConfig(receiver.url), image: images.alertmanager });

  const rulesFile = join(rulesDir, 'gauge.yml');
  writeFileSync(
    rulesFile,
    stringify({
      groups: [
        {
          name: 'testkit',
          rules: [
            { record: 'job:testkit_gauge:max', expr: 'max by (job) (testkit_gauge)' },
            { alert: 'GaugeHigh', expr: 'testkit_gauge > 0', labels: { priority: 'P1' } },
          ],
        },
      ],
    }),
  );
  prometheus = await startPrometheus({
    config: {
      global: { scrape_interval: '1s', evaluation_interval: '1s' },
      scrape_configs: [{ job_name: 'exporter', static_configs: [{ targets: [exporterAddress] }] }],
      alerting: { alertmanagers: [{ static_configs: [{ targets: [alertmanager.address] }] }] },
    },
    rulesFiles: [rulesFile],
    image: images.prometheus,
  });
});

afterAll(async () => {
  await prometheus?.stop();
  await alertmanager?.stop();
  await receiver?.stop();
  await new Promise((resolve) => exporter?.close(resolve));
  rmSync(rulesDir, { recursive: true, force: true });
});

describe('the test kit against real Prometheus and Alertmanager', () => {
  it('starts both on 127.0.0.1 with the selected launcher in a temporary work directory', () => {
    expect(prometheus.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(alertmanager.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    // Local binaries by default; scripts/docker/container-tests.sh runs this file again with VIGIL_LAUNCHER=container.
    expect(prometheus.launcher).toBe(process.env.VIGIL_LAUNCHER || 'local');
    expect(alertmanager.launcher).toBe(process.env.VIGIL_LAUNCHER || 'local');
    expect(existsSync(join(prometheus.workDir, 'prometheus.yml'))).toBe(true);
  });

  it('scrapes the target, loads the rules and answers queries', async () => {
    const samples = await waitUntil(
      async () => {
        const result = await prometheus.query('job:testkit_gauge:max{job="exporter"}');
        return result.length > 0 ? result : undefined;
      },
      { timeoutMs: 15_000, description: 'the recording rule to produce a series' },
    );
    expect(samples[0]?.value[1]).toBe('0');
    const groups = await prometheus.ruleGroups();
    expect(groups.flatMap((group) => group.rules.map((rule) => rule.name))).toEqual(['job:testkit_gauge:max', 'GaugeHigh']);
    const targets = await prometheus.targets();
    expect(targets.map((target) => target.health)).toEqual(['up']);
    await expect(prometheus.query('sum(')).rejects.toThrow(/parse error/);
  });

  it('fires an alert that reaches the right webhook through Alertmanager', async () => {
    gaugeValue = 1;
    const notification = await receiver.waitFor(isFiring('GaugeHigh'), 20_000);
    expect(notification.path).toBe('/p1');
    expect(notification.payload.receiver).toBe('p1');
    expect((await prometheus.alerts()).map((alert) => alert.state)).toContain('firing');
    expect((await alertmanager.alerts({ active: true })).map((alert) => alert.labels.alertname)).toContain('GaugeHigh');
  });

  it('routes alerts posted to Alertmanager directly and survives a restart', async () => {
    await alertmanager.restart();
    await alertmanager.postAlerts([{ labels: { alertname: 'Direct', priority: 'P2' } }]);
    const notification = await receiver.waitFor(isFiring('Direct'), 10_000);
    expect(notification.path).toBe('/p2');
  });

  it('starts from a prometheus.yml on disk, loading the rule files its rule_files glob names', async () => {
    const configDir = join(rulesDir, 'from-path');
    mkdirSync(join(configDir, 'rules'), { recursive: true });
    writeFileSync(
      join(configDir, 'rules', 'one.yml'),
      stringify({ groups: [{ name: 'from-path', rules: [{ record: 'from_path:up:count', expr: 'count(up)' }] }] }),
    );
    writeFileSync(join(configDir, 'rules', 'ignored.txt'), 'not a rule file');
    writeFileSync(join(configDir, 'prometheus.yml'), stringify({ global: { evaluation_interval: '1s' }, rule_files: ['rules/*.yml'] }));
    const fromPath = await startPrometheus({ configPath: join(configDir, 'prometheus.yml'), image: images.prometheus });
    try {
      const groups = await fromPath.ruleGroups();
      expect(groups.map((group) => group.name)).toEqual(['from-path']);
    } finally {
      await fromPath.stop();
    }
  });

  it('stop() ends the process and removes its work directory', async () => {
    const extra = await startAlertmanager({ config: alertmanagerConfig(receiver.url), image: images.alertmanager });
    expect(existsSync(join(extra.workDir, 'alertmanager.yml'))).toBe(true);
    await extra.stop();
    expect(existsSync(extra.workDir)).toBe(false);
    await expect(fetch(`${extra.url}/-/ready`, { signal: AbortSignal.timeout(2_000) })).rejects.toThrow();
  });

  it('times out with a message naming what it waited for', async () => {
    await expect(receiver.waitFor(isFiring('NeverFires'), 200)).rejects.toThrow(/Timed out after 200 ms waiting for a webhook notification/);
  });

  it('reports a bad config with the process output', async () => {
    await expect(startAlertmanager({ config: { route: { receiver: 'missing' }, receivers: [] }, image: images.alertmanager })).rejects.toThrow(
      /alertmanager exited during start-up[\s\S]*undefined receiver/,
    );
  });
});
