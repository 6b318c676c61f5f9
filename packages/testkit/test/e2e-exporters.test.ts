/**
 * The exporters end to end, all real and on loopback: PostgreSQL and Redis (the health tests'
 * servers), the node, postgres and redis exporters, the example api service checking both, and a
 * Prometheus and Alertmanager running the configs and rules generated from the spec's `e2e`
 * profile. Proves that every panel of the hosts and dependencies dashboards has data, that a
 * filled filesystem fires NodeFilesystemAlmostOutOfSpace, and that stopping PostgreSQL, then
 * Redis, fires the exporter alerts beside the app-side DependencyDown, each at the receivers the
 * spec routes it to. Fault -> notification times go to the e2e timings table.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModel, type Model, type SpecOverrides } from '@vigil/generator';
import { asGrafanaWouldSend } from '@vigil/generator/testing';
import { startExampleService, type ExampleService } from '@vigil/example-service';
// The health package's real PostgreSQL and Redis for tests (127.0.0.1, free port, stoppable).
import { startPostgres, startRedis, type PostgresServer, type RedisServer } from '../../health/test/support/servers.js';
import {
  nodeExporterDefaultMountPointsExclude,
  startNodeExporter,
  startPostgresExporter,
  startRedisExporter,
  waitUntil,
  type ExporterInstance,
  type PrometheusInstance,
  type WebhookReceiver,
} from '../src/index.js';
import { panelExpressions } from './e2e/dashboards.js';
import type { RenderedStack } from './e2e/render.js';
import { receiverPaths, withWebhookReceivers } from './e2e/receivers.js';
import { E2eStack } from './e2e/stack.js';
import { mountFullTmpfs, type FullTmpfs } from './e2e/tmpfs.js';

const specPath = 'monitoring/vigil.config.ts';
const notificationTimeoutMs = 60_000;
/** 16 MiB filled to 95%: 5% free, under the 10% of hosts.diskFreeRatio. */
const disk = { sizeBytes: 16 * 1024 * 1024, fillRatio: 0.95 };
const exporterDashboards = ['dashboards/hosts.json', 'dashboards/dependencies.json'];

/** See the spec overrides: postgres_exporter needs a scrape timeout above its 1 s retry. */
const exporterScrapeSeconds = 2;

let postgres: PostgresServer | undefined;
let redis: RedisServer | undefined;
const exporters: { node?: ExporterInstance; postgres?: ExporterInstance; redis?: ExporterInstance } = {};
let api: ExampleService | undefined;
let receiver: WebhookReceiver;
let prometheus: PrometheusInstance | undefined;
let model: Model;
let stagingParent: string | undefined;
let tmpfs: FullTmpfs | undefined;
let rendered: RenderedStack;
const stack = new E2eStack('exporters');

function dependencyOf(kind: 'postgres' | 'redis') {
  const found = model.dependencies.find((dependency) => dependency.kind === kind);
  if (found === undefined || found.kind === 'healthCheck') throw new Error(`the spec has no ${kind} exporter dependency`);
  return found;
}

async function buildModel(alertmanagers: readonly string[]): Promise<Model> {
  const overrides: SpecOverrides = {
    services: { api: { targets: [api!.target] } },
    dependencies: {
      postgres: { targets: [exporters.postgres!.address], address: `127.0.0.1:${postgres!.port}` },
      redis: { targets: [exporters.redis!.address], address: `127.0.0.1:${redis!.port}` },
    },
    hosts: { targets: [exporters.node!.address] },
    // postgres_exporter answers a scrape about 1 s late while its server is down (it retries the
    // connection once); the e2e profile's 1 s interval, and so 1 s scrape timeout, would drop
    // exactly the pg_up 0 sample under test. 2 s keeps the timeout above it; rules still run every 1 s.
    prometheus: { scrapeInterval: `${exporterScrapeSeconds}s`, ...(alertmanagers.length > 0 ? { alertmanagers: [...alertmanagers] } : {}) },
  };
  return withWebhookReceivers(await loadModel(specPath, { profile: 'e2e', overrides }), receiver.url);
}

/** Waits for `alertname` with `labels` at the receivers the spec routes the team's `priority` to; records the time since `faultAt`. */
async function expectRouted(path: string, alertname: string, labels: Record<string, string>, priority: 'P1' | 'P2', team: string, faultAt: number): Promise<void> {
  const notification = await stack.expectNotification(receiver, { path, alertname, labels, at: receiverPaths(model, priority, team), faultAt, timeoutMs: notificationTimeoutMs });
  const alert = notification.payload.alerts.find((candidate) => candidate.labels.alertname === alertname);
  expect(alert?.labels).toMatchObject({ priority, team });
}

beforeAll(async () => {
  receiver = await stack.receiver();
  postgres = stack.own(await startPostgres(), (server) => server.close());
  redis = stack.own(await startRedis(), (server) => server.close());
  // The staged tmpfs stays invisible to the node exporter until it is moved into view.
  stagingParent = stack.own(mkdtempSync(join(tmpdir(), 'vigil-disk-hidden-')), (path) => rmSync(path, { recursive: true, force: true }));
  const hidden = `^${stagingParent.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/`;
  const stopExporter = (exporter: ExporterInstance): Promise<void> => exporter.stop();
  exporters.node = stack.own(await startNodeExporter({ mountPointsExclude: `(${nodeExporterDefaultMountPointsExclude})|(${hidden})` }), stopExporter);
  exporters.postgres = stack.own(
    await startPostgresExporter({ address: `127.0.0.1:${postgres.port}`, user: postgres.user, password: postgres.password, database: postgres.database }),
    stopExporter,
  );
  exporters.redis = stack.own(await startRedisExporter({ address: `127.0.0.1:${redis.port}` }), stopExporter);
  api = stack.own(await startExampleService('api', { DATABASE_URL: postgres.connectionString, REDIS_URL: redis.url, HEALTH_REFRESH_MS: '500' }), (service) => service.stop());
  const unrouted = await buildModel([]);
  const alertmanager = await stack.alertmanager(await stack.render(unrouted), unrouted);
  model = await buildModel([alertmanager.address]);
  rendered = await stack.render(model);
  prometheus = await stack.prometheus(rendered, model);
}, 120_000);

afterAll(() => stack.teardown());

describe('real exporters on loopback, scraped by the generated config', () => {
  it('scrapes the node, postgres and redis exporters with the spec jobs, and they reach their servers', async () => {
    const jobs = [model.hosts!.job, dependencyOf('postgres').job, dependencyOf('redis').job];
    await waitUntil(
      async () => {
        const up = new Set((await prometheus!.targets()).filter((target) => target.health === 'up').map((target) => target.labels.job));
        return jobs.every((job) => up.has(job));
      },
      { timeoutMs: 30_000, description: `the targets of ${jobs.join(', ')} to be up` },
    );
    for (const metric of ['pg_up', 'redis_up']) {
      await waitUntil(async () => (await prometheus!.query(`${metric} == 1`)).length === 1, { timeoutMs: 20_000, description: `${metric} to be 1` });
    }
  }, 60_000);

  it('every panel expression of the hosts and dependencies dashboards returns data', async () => {
        expect(rendered.dashboards.map((dashboard) => dashboard.path)).toEqual(expect.arrayContaining(exporterDashboards));
    const expressions = rendered.dashboards
      .filter((dashboard) => exporterDashboards.includes(dashboard.path))
      .flatMap((dashboard) => panelExpressions(dashboard.json).map((entry) => ({ key: `${dashboard.path} / ${entry.panel} / ${entry.expr}`, query: asGrafanaWouldSend(entry.expr, { scrapeSeconds: exporterScrapeSeconds }) })));
    const reads = (metric: string) => expressions.some((entry) => entry.query.includes(metric));
    for (const metric of ['node_filesystem_avail_bytes', 'node_memory_MemAvailable_bytes', 'node_cpu_seconds_total', 'pg_up', 'pg_stat_database_numbackends', 'redis_up', 'redis_memory_used_bytes']) {
      expect(reads(metric), metric).toBe(true);
    }
    const pending = new Map(expressions.map((entry) => [entry.key, entry.query]));
    await waitUntil(
      async () => {
        for (const [key, query] of pending) if ((await prometheus!.query(query)).length > 0) pending.delete(key);
        return pending.size === 0;
      },
      { timeoutMs: 45_000, intervalMs: 1_000, description: 'every exporter panel expression to return a series' },
    ).catch((error: unknown) => {
      throw new Error(`${(error as Error).message}\nstill empty:\n${[...pending.keys()].join('\n')}`);
    });
  }, 60_000);

  it('a filesystem filled past 90% fires NodeFilesystemAlmostOutOfSpace at the hosts team’s P2 receivers', async () => {
    tmpfs = stack.own(mountFullTmpfs({ stagingParent: stagingParent!, ...disk }), (mounted) => mounted.remove());
    const faultAt = Date.now();
    tmpfs.show();
    const hosts = model.hosts!;
    await expectRouted('fill a 16 MiB tmpfs to 95% -> NodeFilesystemAlmostOutOfSpace', 'NodeFilesystemAlmostOutOfSpace', { mountpoint: tmpfs.mountPoint, job: hosts.job }, 'P2', hosts.team, faultAt);
    const [free] = await prometheus!.query(`node_filesystem_avail_bytes{mountpoint="${tmpfs.mountPoint}"} / node_filesystem_size_bytes{mountpoint="${tmpfs.mountPoint}"}`);
    expect(Number(free?.value[1])).toBeLessThan(hosts.alerts.diskFreeRatio);
  }, notificationTimeoutMs + 10_000);

  it('stopping PostgreSQL fires PostgresqlDown and api’s DependencyDown, each at its team’s P1 receivers', async () => {
    const dependency = dependencyOf('postgres');
    const apiTeam = model.services.find((service) => service.name === 'api')!.team;
    const faultAt = Date.now();
    await postgres!.stop();
    await Promise.all([
      expectRouted('stop PostgreSQL -> PostgresqlDown', 'PostgresqlDown', { job: dependency.job, service: dependency.name }, 'P1', dependency.team, faultAt),
      expectRouted('stop PostgreSQL -> DependencyDown', 'DependencyDown', { service: 'api', check: 'postgres' }, 'P1', apiTeam, faultAt),
    ]);
  }, notificationTimeoutMs + 10_000);

  it('stopping Redis fires RedisDown and api’s DependencyDown, each at its team’s P1 receivers', async () => {
    const dependency = dependencyOf('redis');
    const apiTeam = model.services.find((service) => service.name === 'api')!.team;
    const faultAt = Date.now();
    await redis!.stop();
    await Promise.all([
      expectRouted('stop Redis -> RedisDown', 'RedisDown', { job: dependency.job, service: dependency.name }, 'P1', dependency.team, faultAt),
      expectRouted('stop Redis -> DependencyDown', 'DependencyDown', { service: 'api', check: 'redis' }, 'P1', apiTeam, faultAt),
    ]);
  }, notificationTimeoutMs + 10_000);
});
