/**
 * End-to-end proof: the example spec rendered with its `e2e` profile (1 s scrapes, short
 * `for`s and windows), the example service as child processes, a real Prometheus and
 * Alertmanager from the test kit, and a webhook receiver standing in for every receiver.
 * Each fault path records how long it took from the fault to the notification.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { durationSeconds, loadModel, type Model, type SpecOverrides } from '@vigil/generator';
import { asGrafanaWouldSend } from '@vigil/generator/testing';
import { startExampleService, type ExampleService } from '@vigil/example-service';
import { isFiring, waitUntil, type AlertmanagerInstance, type Notification, type PrometheusInstance, type WebhookReceiver } from '../src/index.js';
import { createCgroupRoot, type CgroupRoot } from './e2e/cgroup.js';
import { expandRecordingRules, panelExpressions, recordingRules } from './e2e/dashboards.js';
import { startLoad, type LoadGenerator } from './e2e/load.js';
// The health package's real Redis for tests (127.0.0.1, free port, stoppable).
import { startRedis, type RedisServer } from '../../health/test/support/servers.js';
import type { RenderedStack } from './e2e/render.js';
import { receiverPaths, withWebhookReceivers } from './e2e/receivers.js';
import { E2eStack } from './e2e/stack.js';

const specPath = 'monitoring/vigil.config.ts';
const notificationTimeoutMs = 90_000;
/** The exporters' dashboards read no service metrics: e2e-exporters.test.ts proves them against the real exporters. */
const exporterDashboards = new Set(['dashboards/hosts.json', 'dashboards/dependencies.json']);

const services: Record<string, ExampleService> = {};
let receiver: WebhookReceiver;
let alertmanager: AlertmanagerInstance;
let prometheus: PrometheusInstance;
let load: LoadGenerator | undefined;
/** api's critical dependency (REDIS_URL): stopping it is the DependencyDown fault. */
let apiRedis: RedisServer | undefined;
/** The container limits every service reads (VIGIL_CGROUP_ROOT), so limit panels have data on any host. */
let cgroupRoot: CgroupRoot | undefined;
let model: Model;
let rendered: RenderedStack;
const stack = new E2eStack('alerting');

/** The spec's services and what each runs, as the example service's env expects. */
function serviceEnv(name: string, spec: Model): Record<string, string> {
  const pipelines = spec.pipelines.filter((pipeline) => pipeline.service === name).map((pipeline) => pipeline.name);
  // Health checks refresh in the background at about the 1 s scrape interval of the e2e profile.
  const env: Record<string, string> = {
    PIPELINES: pipelines.join(','),
    ITEM_INTERVAL_MS: '200',
    HEALTH_REFRESH_MS: '500',
    VIGIL_CGROUP_ROOT: cgroupRoot!.path,
  };
  if (name === 'api' && apiRedis) env.REDIS_URL = apiRedis.url;
  return env;
}

async function buildE2eModel(alertmanagers: readonly string[]): Promise<Model> {
  const overrides: SpecOverrides = {
    services: Object.fromEntries(Object.values(services).map((service) => [service.name, { targets: [service.target] }])),
    ...(alertmanagers.length > 0 ? { prometheus: { alertmanagers: [...alertmanagers] } } : {}),
  };
  return withWebhookReceivers(await loadModel(specPath, { profile: 'e2e', overrides }), receiver.url);
}

function teamOf(labels: { service?: string; pipeline?: string }): string {
  const owner = labels.pipeline
    ? model.pipelines.find((pipeline) => pipeline.name === labels.pipeline)?.team
    : model.services.find((service) => service.name === labels.service)?.team;
  if (!owner) throw new Error(`no team owns ${JSON.stringify(labels)}`);
  return owner;
}

/** Waits for `alertname` with `labels` at one of the receivers of its owner's `priority`, and records the time since `faultAt`. */
async function expectNotification(
  path: string,
  alertname: string,
  labels: { service?: string; pipeline?: string },
  priority: 'P1' | 'P2',
  faultAt: number,
): Promise<Notification> {
  const at = receiverPaths(model, priority, teamOf(labels));
  const notification = await stack.expectNotification(receiver, { path, alertname, labels: labels as Record<string, string>, at, faultAt, timeoutMs: notificationTimeoutMs });
  expect(notification.payload.alerts.find((alert) => alert.labels.alertname === alertname)?.labels.priority).toBe(priority);
  return notification;
}

beforeAll(async () => {
  receiver = await stack.receiver();
  const specModel = await loadModel(specPath, { profile: 'e2e' });
  apiRedis = stack.own(await startRedis(), (redis) => redis.close());
  cgroupRoot = stack.own(createCgroupRoot(), (root) => root.remove());
  for (const service of specModel.services) {
    services[service.name] = stack.own(await startExampleService(service.name, serviceEnv(service.name, specModel)), (started) => started.stop());
  }
  // Alertmanager first (its config does not depend on Prometheus), then Prometheus pointed at it.
  const unrouted = await buildE2eModel([]);
  alertmanager = await stack.alertmanager(await stack.render(unrouted), unrouted);
  model = await buildE2eModel([alertmanager.address]);
  rendered = await stack.render(model);
  prometheus = await stack.prometheus(rendered, model);
  load = stack.own(startLoad(Object.values(services).map((service) => service.url), { everyMs: 100, maxInFlight: 90 }), (started) => started.stop());
}, 120_000);

afterAll(() => stack.teardown());

describe('end to end on a real Prometheus and Alertmanager', () => {
  it('scrapes every service of the spec and loads the generated rules without errors', async () => {
    await waitUntil(
      async () => {
        const targets = await prometheus.targets();
        const up = new Set(targets.filter((target) => target.health === 'up').map((target) => target.labels.job));
        return model.services.every((service) => up.has(service.job)) ? true : undefined;
      },
      { timeoutMs: 30_000, description: 'every service target to be up' },
    );
    const groups = await prometheus.ruleGroups();
    const broken = groups.flatMap((group) => group.rules.filter((rule) => rule.health === 'err'));
    expect(broken).toEqual([]);
    const alertNames = new Set(groups.flatMap((group) => group.rules.filter((rule) => rule.type === 'alerting').map((rule) => rule.name)));
    for (const name of ['ServiceDown', 'HighErrorRate', 'HighLatencyP95', 'PipelineNoItemsCreated']) expect(alertNames).toContain(name);
  }, 60_000);

  it('every expression of every dashboard panel returns at least one series', async () => {
    
    // The slowest scrape sets the floor of `$__rate_interval`, as a dashboard across services.
    const scrapeSeconds = Math.max(...model.services.map((service) => durationSeconds(service.scrapeInterval)));
    const expressions = rendered.dashboards.filter((dashboard) => !exporterDashboards.has(dashboard.path)).flatMap((dashboard) =>
      panelExpressions(dashboard.json).map((entry) => ({ ...entry, dashboard: dashboard.path, query: asGrafanaWouldSend(entry.expr, { scrapeSeconds }) })),
    );
    expect(expressions.length).toBeGreaterThan(10);
    // No exemptions: the services read their container limits from cgroupRoot, so the memory and
    // CPU limit panels (and the rules behind them) must show data like every other panel.
    const recorded = recordingRules(rendered.ruleFiles);
    const reading = (metric: string) => expressions.filter((entry) => expandRecordingRules(entry.query, recorded).includes(metric));
    expect(reading('container_memory_limit_bytes').length).toBeGreaterThanOrEqual(2);
    expect(reading('container_cpu_limit_cores').length).toBeGreaterThanOrEqual(1);
    expect(reading('health_check_status').length).toBeGreaterThan(0);
    for (const service of model.services) {
      const limits = async () => ({
        memory: (await prometheus.query(`container_memory_limit_bytes{job="${service.job}"}`)).map((sample) => Number(sample.value[1])),
        cpu: (await prometheus.query(`container_cpu_limit_cores{job="${service.job}"}`)).map((sample) => Number(sample.value[1])),
      });
      const scraped = await waitUntil(
        async () => {
          const current = await limits();
          return current.memory.length > 0 && current.cpu.length > 0 ? current : undefined;
        },
        { timeoutMs: 30_000, description: `container limits of ${service.job} to be scraped` },
      );
      expect(scraped).toEqual({ memory: [cgroupRoot!.memoryLimitBytes], cpu: [cgroupRoot!.cpuLimitCores] });
    }
    const pending = new Map(expressions.map((entry) => [`${entry.dashboard} / ${entry.panel} / ${entry.query}`, entry]));
    await waitUntil(
      async () => {
        await Promise.all(
          [...pending].map(async ([key, entry]) => {
            if ((await prometheus.query(entry.query)).length > 0) pending.delete(key);
          }),
        );
        return pending.size === 0 ? true : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 1_000, description: 'every panel expression to return a series' },
    ).catch((error: unknown) => {
      throw new Error(`${(error as Error).message}\nstill empty:\n${[...pending.keys()].join('\n')}`);
    });
  }, 90_000);

  const faultAt: Record<string, number> = {};

  it('5xx answers: HighErrorRate reaches the P1 receiver', async () => {
    // Four faults at once, on three services and a dependency, so their waits overlap.
    faultAt.dependency = Date.now();
    await apiRedis!.stop();
    faultAt.errors = Date.now();
    await services.api!.setFaults({ errorRate: 1 });
    faultAt.latency = Date.now();
    await services.worker!.setFaults({ latencyMs: 1_500 });
    faultAt.items = Date.now();
    await services.ingest!.setFaults({ stopItems: true });
    await expectNotification('5xx -> HighErrorRate', 'HighErrorRate', { service: 'api' }, 'P1', faultAt.errors);
  }, notificationTimeoutMs + 10_000);

  it('5xx answers burn the api-availability error budget: ErrorBudgetBurnFast reaches the P1 receiver', async () => {
    // The 1h and 5m windows read what history exists, so a total outage pages within seconds.
    const sloLabels: { service: string } = { service: 'api' };
    const notification = await expectNotification('5xx -> ErrorBudgetBurnFast', 'ErrorBudgetBurnFast', sloLabels, 'P1', faultAt.errors!);
    const alert = notification.payload.alerts.find((candidate) => candidate.labels.alertname === 'ErrorBudgetBurnFast');
    expect(alert?.labels).toMatchObject({ slo: 'api-availability', sli: 'availability', team: 'platform', severity: 'critical' });
  }, notificationTimeoutMs + 10_000);

  it('added latency: HighLatencyP95 reaches the P2 receiver', async () => {
    await expectNotification('latency -> HighLatencyP95', 'HighLatencyP95', { service: 'worker' }, 'P2', faultAt.latency!);
  }, notificationTimeoutMs + 10_000);

  it('no items created: PipelineNoItemsCreated reaches the P1 receiver', async () => {
    const pipeline = model.pipelines.find((candidate) => candidate.service === 'ingest');
    expect(pipeline).toBeDefined();
    await expectNotification('stop items -> PipelineNoItemsCreated', 'PipelineNoItemsCreated', { pipeline: pipeline!.name }, 'P1', faultAt.items!);
  }, notificationTimeoutMs + 10_000);

  it('critical dependency down: DependencyDown reaches the P1 receiver', async () => {
    const alertNames = (await prometheus.ruleGroups()).flatMap((group) => group.rules.map((rule) => rule.name));
    expect(alertNames).toContain('DependencyDown');
    const notification = await expectNotification('stop Redis -> DependencyDown', 'DependencyDown', { service: 'api' }, 'P1', faultAt.dependency!);
    const alert = notification.payload.alerts.find((candidate) => candidate.labels.alertname === 'DependencyDown' && candidate.labels.service === 'api');
    expect(alert?.labels.check).toBe('redis');
  }, notificationTimeoutMs + 10_000);

  it('while a service’s P1 fires, its P2s are inhibited', async () => {
    // api's HighErrorRate (P1) is firing; slow api down too, above its latency threshold.
    const apiThreshold = model.services.find((service) => service.name === 'api')!.alerts.highLatencyP95.seconds;
    await services.api!.setFaults({ errorRate: 1, latencyMs: Math.round(apiThreshold * 2_000) });
    const labels = { alertname: 'HighLatencyP95', service: 'api' };
    const suppressed = await waitUntil(
      async () => {
        const alerts = await alertmanager.alerts();
        const found = alerts.find((alert) => alert.labels.alertname === labels.alertname && alert.labels.service === labels.service);
        return found && found.status.inhibitedBy.length > 0 ? found : undefined;
      },
      { timeoutMs: notificationTimeoutMs, description: 'api HighLatencyP95 to reach Alertmanager, inhibited' },
    );
    expect(suppressed.status.state).toBe('suppressed');
    // Give Alertmanager a P2 group_wait + group_interval and some slack to (wrongly) notify.
    const { groupWait, groupInterval } = model.alertmanager.ticket;
    const quietMs = (durationSeconds(groupWait) + durationSeconds(groupInterval)) * 1_000 + 3_000;
    expect(quietMs).toBeLessThan(30_000);
    await new Promise((resolve) => setTimeout(resolve, quietMs));
    expect(receiver.notifications.filter(isFiring('HighLatencyP95', { service: 'api' }))).toEqual([]);
  }, notificationTimeoutMs + 20_000);

  it('killed service: ServiceDown reaches the P1 receiver', async () => {
    faultAt.down = Date.now();
    await services.ingest!.kill();
    await expectNotification('kill -> ServiceDown', 'ServiceDown', { service: 'ingest' }, 'P1', faultAt.down);
  }, notificationTimeoutMs + 10_000);

  it('Alertmanager restarted while an alert fires: the notification still arrives', async () => {
    await alertmanager.restart(async () => {
      faultAt.restart = Date.now();
      await services.worker!.setFaults({ errorRate: 1 });
      // The alert fires in Prometheus while Alertmanager is down.
      await waitUntil(
        async () => {
          const alerts = await prometheus.alerts();
          return alerts.some((alert) => alert.labels.alertname === 'HighErrorRate' && alert.labels.service === 'worker' && alert.state === 'firing')
            ? true
            : undefined;
        },
        { timeoutMs: notificationTimeoutMs, description: 'worker HighErrorRate to fire in Prometheus' },
      );
    });
    await expectNotification('Alertmanager restart -> HighErrorRate', 'HighErrorRate', { service: 'worker' }, 'P1', faultAt.restart!);
  }, 2 * notificationTimeoutMs + 10_000);
});
