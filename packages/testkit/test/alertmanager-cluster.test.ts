/**
 * startAlertmanagerCluster on real binaries: three peers (the most a spec may ask for) settle as
 * one cluster, a silence made on one reaches the others, and a killed peer leaves the rest settled.
 */
import { afterAll, expect, it } from 'vitest';
import { startAlertmanagerCluster, waitUntil, type AlertmanagerCluster } from '../src/index.js';

const config = { route: { receiver: 'nobody' }, receivers: [{ name: 'nobody' }] };
let cluster: AlertmanagerCluster | undefined;

afterAll(async () => {
  await cluster?.stop();
});

it('refuses fewer than two peers', async () => {
  await expect(startAlertmanagerCluster({ peers: 1, config })).rejects.toThrow('peers must be an integer of at least 2 (got 1)');
});

it('three peers settle with three members each, share a silence, and the two left settle after one is killed', async () => {
  cluster = await startAlertmanagerCluster({ peers: 3, config });
  const statuses = await Promise.all(cluster.peers.map((peer) => peer.clusterStatus()));
  for (const status of statuses) {
    expect(status.status).toBe('ready');
    expect(status.peers?.map((member) => member.name).sort()).toEqual(statuses.map((own) => own.name).sort());
  }
  const order = await cluster.notifyOrder();
  expect(order.map((peer) => peer.address).sort()).toEqual([...cluster.addresses].sort());
  const now = Date.now();
  const id = await order[2]!.createSilence({
    matchers: [{ name: 'alertname', value: 'Anything', isRegex: false, isEqual: true }],
    startsAt: new Date(now).toISOString(),
    endsAt: new Date(now + 60_000).toISOString(),
    createdBy: 'alertmanager-cluster.test',
    comment: 'gossip check',
  });
  for (const peer of cluster.peers) {
    await waitUntil(async () => (await peer.silences()).some((silence) => silence.id === id), { timeoutMs: 10_000, description: `silence ${id} on ${peer.address}` });
  }
  await cluster.kill(order[0]!);
  await cluster.waitUntilSettled(2, 60_000);
  expect((await cluster.notifyOrder()).map((peer) => peer.address)).toEqual(order.slice(1).map((peer) => peer.address));
}, 120_000);
