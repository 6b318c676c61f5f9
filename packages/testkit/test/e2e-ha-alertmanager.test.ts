/**
 * The HA Alertmanager on real binaries: the example spec with `alertmanager.replicas: 2` and its
 * `e2e` profile, two gossip-clustered Alertmanager peers on loopback running the generated config,
 * and a real Prometheus with the generated rules sending to both. Faults are scrape targets taken
 * down (ServiceDown), one service per case:
 *   api:    both peers up, the notification arrives exactly once;
 *   worker: a silence made on one peer holds on the other, nothing is notified;
 *   ingest: the peer that would notify first is killed while the alert fires, the other notifies.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { durationSeconds, loadModel, selectImage, type Model, type SpecOverrides } from '@vigil/generator';
import {
  isFiring,
  startAlertmanagerCluster,
  waitUntil,
  type AlertmanagerCluster,
  type AlertmanagerInstance,
  type PrometheusInstance,
  type WebhookReceiver,
} from '../src/index.js';
import { startMetricsTarget, type MetricsTarget } from './e2e/metrics-target.js';
import { withWebhookReceivers } from './e2e/receivers.js';
import type { RenderedStack } from './e2e/render.js';
import { E2eStack } from './e2e/stack.js';

const specPath = 'monitoring/vigil.config.ts';
const notificationTimeoutMs = 60_000;
/** Alertmanager's default --cluster.peer-timeout, which the compose peers run with too: the n-th peer waits n of these. */
const peerTimeoutMs = 15_000;
/** Long enough to kill the first peer after the alert reached both peers and before it notifies. */
const pageGroupWait = '4s';

let receiver: WebhookReceiver;
let cluster: AlertmanagerCluster;
let prometheus: PrometheusInstance;
let model: Model;
const targets: Record<string, MetricsTarget> = {};
let rendered: RenderedStack;
const stack = new E2eStack('ha-alertmanager');
const timings = stack.timings;

async function buildModel(alertmanagers: readonly string[] | undefined): Promise<Model> {
  const overrides: SpecOverrides = {
    services: Object.fromEntries(Object.entries(targets).map(([name, target]) => [name, { targets: [target.target] }])),
    alertmanager: { page: { groupWait: pageGroupWait }, ...(alertmanagers === undefined ? {} : { replicas: alertmanagers.length as 2 }) },
    ...(alertmanagers === undefined ? {} : { prometheus: { alertmanagers: [...alertmanagers] } }),
    // The profile's heartbeat URL is a closed port; here the Watchdog beats into the receiver.
    watchdog: { url: `${receiver.url}/heartbeat`, repeatInterval: '1m' },
  };
  return withWebhookReceivers(await loadModel(specPath, { profile: 'e2e', overrides }), receiver.url);
}

/** Waits until `peer` holds a ServiceDown alert of `service` that satisfies `accept`. */
function waitForAlertOn(peer: AlertmanagerInstance, service: string, accept: (silencedBy: readonly string[]) => boolean = () => true) {
  return waitUntil(
    async () => (await peer.alerts()).find((alert) => alert.labels.alertname === 'ServiceDown' && alert.labels.service === service && accept(alert.status.silencedBy)),
    { timeoutMs: notificationTimeoutMs, intervalMs: 100, description: `ServiceDown of ${service} on the Alertmanager at ${peer.address}` },
  );
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  receiver = await stack.receiver();
  const specModel = await loadModel(specPath, { profile: 'e2e' });
  for (const service of specModel.services) targets[service.name] = stack.own(await startMetricsTarget(), (target) => target.stop());
  // The Alertmanager config does not depend on the replicas; the peers' addresses are known once they run.
  const forAlertmanager = await stack.render(await buildModel(undefined));
  cluster = stack.own(
    await startAlertmanagerCluster({ peers: 2, config: forAlertmanager.alertmanagerConfig, image: selectImage(specModel, 'alertmanager') }),
    (started) => started.stop(),
  );
  model = await buildModel(cluster.addresses);
  rendered = await stack.render(model);
  prometheus = await stack.prometheus(rendered, model);
  // Rendering and starting three binaries take long on a loaded machine.
}, 240_000);

afterAll(() => stack.teardown());

describe('an HA Alertmanager of two gossip-clustered peers', () => {
  it('the generated prometheus.yml sends to each peer, and Prometheus discovers both', async () => {
    const alerting = model.prometheus.alertmanagers;
    expect(alerting).toEqual(cluster.addresses);
    expect(rendered.prometheusConfig.alerting).toEqual({ alertmanagers: [{ static_configs: [{ targets: [...cluster.addresses] }] }] });
    const expected = cluster.peers.map((peer) => `${peer.url}/api/v2/alerts`).sort();
    await waitUntil(async () => JSON.stringify((await prometheus.alertmanagers()).active.sort()) === JSON.stringify(expected), {
      timeoutMs: 30_000,
      description: `Prometheus to send to both Alertmanager peers (${expected.join(', ')})`,
    });
  }, 40_000);

  it('with both peers up, a notification arrives exactly once', async () => {
    const faultAt = Date.now();
    await targets.api!.stop();
    const notification = await receiver.waitFor(isFiring('ServiceDown', { service: 'api' }), notificationTimeoutMs);
    timings.push({ path: 'both peers up, target down -> one notification', alert: 'ServiceDown', receiver: notification.payload.receiver, faultToNotificationMs: notification.receivedAt - faultAt });
    // Both peers got the alert from Prometheus, so each would notify on its own without the cluster.
    for (const peer of cluster.peers) await waitForAlertOn(peer, 'api');
    // The second peer notifies, unless the first did, after one peer timeout; wait past it.
    await sleep(peerTimeoutMs + durationSeconds(model.alertmanager.page.groupInterval) * 1_000 + 3_000);
    expect(receiver.notifications.filter(isFiring('ServiceDown', { service: 'api' }))).toHaveLength(1);
  }, notificationTimeoutMs + peerTimeoutMs + 20_000);

  it('a silence created on one peer holds on the other', async () => {
    const [first, second] = cluster.peers as [AlertmanagerInstance, AlertmanagerInstance];
    const now = Date.now();
    const id = await first.createSilence({
      matchers: [
        { name: 'alertname', value: 'ServiceDown', isRegex: false, isEqual: true },
        { name: 'service', value: 'worker', isRegex: false, isEqual: true },
      ],
      startsAt: new Date(now).toISOString(),
      endsAt: new Date(now + 10 * 60_000).toISOString(),
      createdBy: 'e2e-ha-alertmanager',
      comment: 'silence made on the first peer only',
    });
    await waitUntil(async () => (await second.silences()).some((silence) => silence.id === id && silence.status.state === 'active'), {
      timeoutMs: 15_000,
      description: `silence ${id} to reach the second peer by gossip`,
    });
    const faultAt = Date.now();
    await targets.worker!.stop();
    for (const peer of cluster.peers) await waitForAlertOn(peer, 'worker', (silencedBy) => silencedBy.includes(id));
    timings.push({ path: 'silence on peer 1, target down -> silenced on both peers (no notification)', alert: 'ServiceDown', receiver: 'none', faultToNotificationMs: Date.now() - faultAt });
    // Past the group wait and one peer timeout, the latest either peer would notify.
    await sleep(durationSeconds(model.alertmanager.page.groupWait) * 1_000 + peerTimeoutMs + 3_000);
    expect(receiver.notifications.filter(isFiring('ServiceDown', { service: 'worker' }))).toEqual([]);
  }, notificationTimeoutMs + peerTimeoutMs + 30_000);

  it('the peer that would notify first is killed while the alert fires: the other notifies', async () => {
    const [first, survivor] = (await cluster.notifyOrder()) as [AlertmanagerInstance, AlertmanagerInstance];
    const faultAt = Date.now();
    await targets.ingest!.stop();
    // Firing in Prometheus and held by both peers, inside the group wait: nobody has notified yet.
    await Promise.all(cluster.peers.map((peer) => waitForAlertOn(peer, 'ingest')));
    expect(receiver.notifications.filter(isFiring('ServiceDown', { service: 'ingest' }))).toEqual([]);
    const killedAt = Date.now();
    await cluster.kill(first);
    const notification = await receiver.waitFor(isFiring('ServiceDown', { service: 'ingest' }), notificationTimeoutMs);
    expect(notification.receivedAt).toBeGreaterThan(killedAt);
    expect(notification.payload.externalURL.replace(/\/$/, '')).toBe(survivor.url);
    timings.push({ path: 'kill the notifying peer while the alert fires -> the other peer', alert: 'ServiceDown', receiver: notification.payload.receiver, faultToNotificationMs: notification.receivedAt - faultAt });
  }, 2 * notificationTimeoutMs + 10_000);
});
