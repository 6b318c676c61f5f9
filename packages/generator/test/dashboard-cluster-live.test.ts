/**
 * The runtime dashboard's cluster panels against a real Prometheus scraping a real node:cluster
 * service: the cluster fixture of @vigil/metrics (a primary running superviseWorkers,
 * planWorkerCount and the aggregator, with two workers, one of them stuck). The panels appear
 * only for a spec whose service declares `runtime.cluster` (the example service runs one
 * process, so dashboard-live-data never sees them), and each of them returns data here, with the
 * values a killed worker and a stuck worker must give.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startPrometheus, waitUntil, type PrometheusInstance } from '@vigil/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dashboardUids } from '../src/dashboards/index.js';
import { buildModel, type Model } from '../src/index.js';
import { dashboardPanels, panelExpressions } from '../src/lint/walk.js';
import { dashboardByUid } from './dashboard-fixtures.js';
import { asGrafanaWouldSend } from '../src/testing.js';
import { minimalSpec, specWith } from './spec-fixtures.js';

const clusterFixture = fileURLToPath(new URL('../../metrics/test/fixtures/cluster-service.ts', import.meta.url));
const scrapeSeconds = 1;

const clusterModel = (): Model =>
  buildModel(
    specWith((spec) => {
      spec.services[0].runtime = { cluster: true };
    }),
    'spec.yaml',
  );

interface PanelQueries {
  readonly title: string;
  readonly exprs: readonly string[];
}

function runtimePanels(model: Model): PanelQueries[] {
  return dashboardPanels(dashboardByUid(model, dashboardUids.runtime)).map((panel) => ({ title: panel.title ?? '', exprs: panelExpressions(panel) }));
}

/** The panels `runtime.cluster` adds to the runtime dashboard. */
function clusterPanels(): PanelQueries[] {
  const plain = new Set(runtimePanels(buildModel(minimalSpec(), 'spec.yaml')).map((panel) => panel.title));
  return runtimePanels(clusterModel()).filter((panel) => !plain.has(panel.title));
}

let fixture: ChildProcess | undefined;
let prometheus: PrometheusInstance | undefined;

/** The panel query with `$__rate_interval` as Grafana sends it for the shortest range, or `rateInterval`. */
async function query(expr: string, rateInterval?: string): Promise<Array<{ labels: Readonly<Record<string, string>>; value: number }>> {
  const sent = asGrafanaWouldSend(rateInterval === undefined ? expr : expr.replaceAll('$__rate_interval', rateInterval), { scrapeSeconds });
  return (await prometheus!.query(sent)).map((sample) => ({ labels: sample.metric, value: Number(sample.value[1]) }));
}

beforeAll(async () => {
  fixture = fork(clusterFixture, [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, WORKERS: '2', SILENT_SLOT: '1', COLLECT_TIMEOUT_MS: '300' },
    stdio: 'inherit',
  });
  const port = await new Promise<number>((resolve, reject) => {
    fixture!.once('message', (message: { port: number }) => resolve(message.port));
    fixture!.once('exit', (code) => reject(new Error(`cluster fixture exited with ${code}`)));
  });
  const url = `http://127.0.0.1:${port}`;
  const workers = async () => (await fetch(`${url}/workers`)).json() as Promise<{ pids: Record<string, number>; reporting: number }>;
  const before = await waitUntil(async () => {
    const state = await workers();
    return state.reporting === 2 ? state : undefined;
  }, { timeoutMs: 20_000, intervalMs: 100, description: 'two reporting workers' });

  prometheus = await startPrometheus({
    config: {
      global: { scrape_interval: `${scrapeSeconds}s`, evaluation_interval: `${scrapeSeconds}s` },
      scrape_configs: [{ job_name: 'api', static_configs: [{ targets: [`127.0.0.1:${port}`] }] }],
    },
  });
  // A few scrapes of the healthy cluster first, so the restart is a change Prometheus sees.
  await waitUntil(async () => ((await query('count_over_time(cluster_worker_restarts_total{worker="0"}[1m])'))[0]?.value ?? 0) >= 3 || undefined, {
    timeoutMs: 30_000,
    intervalMs: 250,
    description: 'three scrapes of the cluster',
  });
  process.kill(before.pids['0']!, 'SIGKILL');
  await waitUntil(async () => {
    const state = await workers();
    return state.reporting === 2 && state.pids['0'] !== before.pids['0'] ? true : undefined;
  }, { timeoutMs: 20_000, intervalMs: 100, description: 'the killed worker restarted and reporting' });
}, 90_000);

afterAll(async () => {
  await prometheus?.stop();
  if (fixture !== undefined && fixture.exitCode === null && fixture.signalCode === null) {
    const exited = new Promise((resolve) => fixture!.once('exit', resolve));
    if (fixture.connected) fixture.send('stop', (error) => error && fixture!.kill('SIGKILL'));
    else fixture.kill('SIGKILL');
    await exited;
  }
});

describe('cluster panels of the runtime dashboard', () => {
  it('appear only when a service declares runtime.cluster', () => {
    expect(clusterPanels().map((panel) => panel.title)).toEqual(['Restarts per worker slot', 'Workers exited', 'Metrics collect timeouts', 'Workers planned and running']);
    const plain = dashboardByUid(buildModel(minimalSpec(), 'spec.yaml'), dashboardUids.runtime);
    expect(JSON.stringify(plain)).not.toContain('cluster_');
  });

  it('each query returns data from the real cluster, and the restart count is the one restart, counted once', async () => {
    const [restarts, exited, timeouts, planned] = clusterPanels();
    // The kill is seen by both signals (slot 0's start time and the supervisor's counter); the panel,
    // like the alerts, shows 1, not 2.
    // Over a minute, as Grafana's $__rate_interval is on a range of a few hours.
    const bySlot = await waitUntil(async () => {
      const samples = await query(restarts!.exprs[0]!, '1m');
      const slot0 = samples.find((sample) => sample.labels.worker === '0');
      return slot0?.value === 1 ? samples : undefined;
    }, { timeoutMs: 30_000, intervalMs: 500, description: 'the restart of worker 0 in the restarts panel' });
    // (The fixture's primary registers no process metrics, so it has no `worker="primary"` row.)
    expect(Object.fromEntries(bySlot.map((sample) => [sample.labels.worker, sample.value]))).toEqual({ '0': 1, '1': 0 });

    const empty: string[] = [];
    for (const panel of [restarts!, exited!, timeouts!, planned!]) {
      for (const expr of panel.exprs) if ((await query(expr)).length === 0) empty.push(`${panel.title}: ${expr}`);
    }
    expect(empty).toEqual([]);

    // Worker 1 is stuck: every scrape waits for it and counts a timeout.
    expect((await query(timeouts!.exprs[0]!))[0]!.value).toBeGreaterThan(0);
    const [plan, running] = planned!.exprs;
    const decision = await query(plan!);
    expect(decision).toHaveLength(1);
    expect(['cpu', 'memory']).toContain(decision[0]!.labels.limited_by);
    expect(decision[0]!.value).toBeGreaterThanOrEqual(1);
    expect((await query(running!)).map((sample) => sample.value)).toEqual([2]);
  });
});
