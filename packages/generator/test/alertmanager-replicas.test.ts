/**
 * alertmanager.replicas: Prometheus sends to every peer (never one address standing for several),
 * the stack scrapes each of them, the rendered configs pass promtool and amtool, and bad values
 * are refused with the spec path.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildModel, renderModel, writeGeneratedFiles } from '../src/index.js';
import { alertmanagerConfigPath } from '../src/alertmanager/index.js';
import { prometheusConfigPath } from '../src/prometheus/config.js';
import { problemsOf, specWith } from './spec-fixtures.js';

const run = promisify(execFile);

interface PrometheusYml {
  readonly alerting: { readonly alertmanagers: readonly { readonly static_configs: readonly { readonly targets: readonly string[] }[] }[] };
  readonly scrape_configs: readonly { readonly job_name: string; readonly static_configs: readonly { readonly targets: readonly string[] }[] }[];
}

const withReplicas = (replicas: unknown, alertmanagers?: string[]) =>
  specWith((spec) => {
    spec.alertmanager = { replicas };
    if (alertmanagers) spec.prometheus = { alertmanagers };
  });

let directory: string;
beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'vigil-am-replicas-'));
});
afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

describe('alertmanager.replicas', () => {
  it('sends to and scrapes every compose peer, and the rendered configs pass promtool check config and amtool check-config', async () => {
    const model = buildModel(withReplicas(3), 'spec.yaml');
    const files = renderModel(model);
    const prometheus = files.find((file) => file.path === prometheusConfigPath)?.data as PrometheusYml;
    const peers = ['alertmanager:9093', 'alertmanager-2:9093', 'alertmanager-3:9093'];
    expect(prometheus.alerting.alertmanagers).toEqual([{ static_configs: [{ targets: peers }] }]);
    expect(prometheus.scrape_configs.find((job) => job.job_name === 'alertmanager')?.static_configs).toEqual([{ targets: peers }]);
    await writeGeneratedFiles(files, { outDir: directory, source: 'spec.yaml' });
    const promtool = await run('promtool', ['check', 'config', prometheusConfigPath], { cwd: directory, timeout: 60_000 });
    expect(`${promtool.stdout}${promtool.stderr}`).toContain(`SUCCESS: ${prometheusConfigPath} is valid prometheus config file syntax`);
    const amtool = await run('amtool', ['check-config', alertmanagerConfigPath], { cwd: directory, timeout: 20_000 });
    expect(amtool.stdout).toContain('SUCCESS');
  });

  it('keeps the peers the spec lists when it lists one per replica', () => {
    const model = buildModel(withReplicas(2, ['am-a.example:9093', 'am-b.example:9093']), 'spec.yaml');
    expect(model.prometheus.alertmanagers).toEqual(['am-a.example:9093', 'am-b.example:9093']);
    expect(model.selfMonitoring.alertmanagerTargets).toEqual(['am-a.example:9093', 'am-b.example:9093']);
  });

  it('refuses one address for several replicas (a load balancer) and counts outside 1..3', () => {
    expect(problemsOf(withReplicas(2, ['am-lb.example:9093']), 'spec.yaml')).toEqual([
      'spec.yaml: prometheus.alertmanagers: alertmanager.replicas is 2, so list all 2 peers (host:port each, not a load balancer), or leave it out to send to the compose peers (alertmanager:9093, alertmanager-2:9093)',
    ]);
    for (const replicas of [0, 4, 2.5]) {
      expect(problemsOf(withReplicas(replicas), 'spec.yaml')).toEqual(['spec.yaml: alertmanager.replicas: expected 1, 2 or 3 peers of one gossip cluster']);
    }
  });
});
