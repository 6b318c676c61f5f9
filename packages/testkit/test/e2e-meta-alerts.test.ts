/**
 * Meta-alerts end to end on a real Prometheus and Alertmanager: the example spec with its `e2e`
 * profile, the stack scraping itself, and two faults added at run time through the spec's
 * `extraRules` (Prometheus reloads the rendered rules):
 *   - a rule whose query fails at every evaluation (a one-to-one match on no labels between many
 *     series) fires PrometheusRuleFailures;
 *   - an alert routed to a receiver on a closed loopback port fires AlertmanagerFailedToSendAlerts.
 * Both meta-alerts must reach the stack team's working receiver.
 */
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildModel, findRepoRoot, loadSpec, type Model, type SpecOverrides } from '@vigil/generator';
import { freePort, isFiring, waitUntil, type AlertmanagerInstance, type Notification, type PrometheusInstance, type WebhookReceiver } from '../src/index.js';
import { startMetricsTarget, type MetricsTarget } from './e2e/metrics-target.js';
import { withWebhookReceivers } from './e2e/receivers.js';
import { E2eStack } from './e2e/stack.js';

const specPath = 'monitoring/vigil.config.ts';
const notificationTimeoutMs = 90_000;
/** A team of the test whose only receiver is unreachable; nothing else routes to it. */
const probeTeam = 'probe';
const unreachableReceiver = 'probe-unreachable';

let receiver: WebhookReceiver;
let alertmanager: AlertmanagerInstance;
let prometheus: PrometheusInstance;
let unreachableUrl: string;
const targets: MetricsTarget[] = [];
const stack = new E2eStack('meta-alerts');

const extraRules = {
  alerts: [
    {
      alert: 'BrokenJoinProbe',
      // Valid PromQL that fails when evaluated: on() matches every `up` series with every other.
      expr: 'up * on () up',
      priority: 'P2',
      service: 'api',
      team: probeTeam,
      summary: 'A rule that cannot be evaluated',
      description: 'Fails with a many-to-many matching error at each evaluation.',
    },
    {
      alert: 'UnreachableReceiverProbe',
      expr: 'vector(1)',
      priority: 'P1',
      service: 'api',
      team: probeTeam,
      summary: 'An alert for the unreachable receiver',
      description: 'Always fires; its only receiver listens on a closed port.',
    },
  ],
};

/** The spec file, bundled and loaded once; each model starts from a copy. */
let loadedSpec: Promise<unknown> | undefined;

/** The example spec plus the probe team and its unreachable receiver, and (for the fault) the extra rules. */
async function buildE2eModel(options: { readonly prometheusTargets?: readonly string[]; readonly alertmanagers: readonly string[]; readonly faults: boolean }): Promise<Model> {
  loadedSpec ??= loadSpec(resolve(findRepoRoot(), specPath), specPath);
  const spec = structuredClone(await loadedSpec) as Record<string, unknown> & { teams: unknown[]; receivers: unknown[] };
  spec.teams = [...spec.teams, { name: probeTeam, pageReceivers: [unreachableReceiver], ticketReceivers: [unreachableReceiver] }];
  spec.receivers = [...spec.receivers, { name: unreachableReceiver, type: 'webhook', url: 'http://placeholder:1/' }];
  if (options.faults) spec.extraRules = extraRules;
  const overrides: SpecOverrides = {
    services: Object.fromEntries(['api', 'ingest', 'worker'].map((name, index) => [name, { targets: [targets[index]!.target] }])),
    ...(options.alertmanagers.length > 0 ? { prometheus: { alertmanagers: [...options.alertmanagers] } } : {}),
    ...(options.prometheusTargets === undefined ? {} : { selfMonitoring: { prometheusTargets: [...options.prometheusTargets] } }),
    // The profile's heartbeat URL is a closed port, which would itself fail notifications.
    watchdog: { url: `${receiver.url}/heartbeat`, repeatInterval: '1m' },
  };
  const model = buildModel(spec, specPath, { profile: 'e2e', overrides });
  return withWebhookReceivers(model, receiver.url, { names: [unreachableReceiver], url: unreachableUrl });
}

/** Waits for a firing `alertname` notification at one of the stack team's P1 receivers. */
async function expectMetaAlert(model: Model, path: string, alertname: string, labels: Record<string, string>, faultAt: number): Promise<Notification> {
  const team = model.teams.find((candidate) => candidate.name === model.selfMonitoring.team)!;
  return stack.expectNotification(receiver, { path, alertname, labels, at: team.pageReceivers.map((name) => `/${name}`), faultAt, timeoutMs: notificationTimeoutMs });
}

let faultAt = 0;
let faulty: Model;

beforeAll(async () => {
  receiver = await stack.receiver();
  // Free a moment ago and closed since: connections to it are refused.
  unreachableUrl = `http://127.0.0.1:${await freePort()}/`;
  for (let index = 0; index < 3; index += 1) targets.push(stack.own(await startMetricsTarget(), (target) => target.stop()));
  const base = await buildE2eModel({ alertmanagers: [], faults: false });
  alertmanager = await stack.alertmanager(await stack.render(base), base);
  // Prometheus scrapes itself at the address it gets once started: start with a closed port there, then reload.
  const selfUnknown = await buildE2eModel({ alertmanagers: [alertmanager.address], prometheusTargets: [`127.0.0.1:${await freePort()}`], faults: false });
  prometheus = await stack.prometheus(await stack.render(selfUnknown), selfUnknown);
  const healthy = await stack.render(await buildE2eModel({ alertmanagers: [alertmanager.address], prometheusTargets: [prometheus.address], faults: false }));
  await prometheus.reload(healthy.prometheusConfig, healthy.ruleFiles);
  await waitUntil(async () => (await prometheus.query(`up{job="prometheus",instance="${prometheus.address}"} == 1`)).length === 1, {
    timeoutMs: 30_000,
    description: 'Prometheus to scrape itself',
  });
  // The faults: the extra rules, rendered with the spec and loaded by a reload.
  faulty = await buildE2eModel({ alertmanagers: [alertmanager.address], prometheusTargets: [prometheus.address], faults: true });
  const withFaults = await stack.render(faulty);
  faultAt = Date.now();
  await prometheus.reload(withFaults.prometheusConfig, withFaults.ruleFiles);
}, 240_000);

afterAll(() => stack.teardown());

describe('meta-alerts on a real Prometheus and Alertmanager', () => {
  it('a rule failing at evaluation fires PrometheusRuleFailures to the stack team', async () => {
    const broken = await waitUntil(
      async () => (await prometheus.ruleGroups()).flatMap((group) => group.rules).find((rule) => rule.name === 'BrokenJoinProbe' && rule.health === 'err'),
      { timeoutMs: 30_000, description: 'BrokenJoinProbe to be loaded and fail' },
    );
    expect(broken.lastError).toMatch(/many-to-many|duplicate series/);
    const notification = await expectMetaAlert(faulty, 'rule failing at evaluation (extraRules)', 'PrometheusRuleFailures', { instance: prometheus.address }, faultAt);
    const alert = notification.payload.alerts.find((candidate) => candidate.labels.alertname === 'PrometheusRuleFailures');
    expect(alert?.labels.rule_group).toMatch(/extra-rules\.yml;/);
  }, notificationTimeoutMs + 40_000);

  it('a receiver on a closed port fires AlertmanagerFailedToSendAlerts to the stack team', async () => {
    const notification = await expectMetaAlert(faulty, 'receiver on a closed port', 'AlertmanagerFailedToSendAlerts', { instance: alertmanager.address, integration: 'webhook' }, faultAt);
    expect(notification.payload.alerts[0]?.labels.priority).toBe('P1');
    // The probe alert itself never arrived: its receiver is the closed port.
    expect(receiver.notifications.filter(isFiring('UnreachableReceiverProbe'))).toEqual([]);
  }, notificationTimeoutMs + 10_000);
});
