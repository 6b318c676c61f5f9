/**
 * N real Alertmanager peers on 127.0.0.1, gossip-clustered as the compose stack clusters its
 * replicas: each joins all the others, and the cluster counts as up once every peer reports
 * `ready` with all N members. Prometheus is then pointed at every peer's address.
 */
import { startAlertmanager, type AlertmanagerInstance, type StartAlertmanagerOptions } from './alertmanager.js';
import { freePort } from './ports.js';
import { waitUntil } from './wait.js';

export interface StartAlertmanagerClusterOptions extends Omit<StartAlertmanagerOptions, 'cluster'> {
  /** How many peers (2 or more). */
  readonly peers: number;
  /** How long to wait for every peer to see all the others and settle. Defaults to 60 s. */
  readonly settleTimeoutMs?: number;
}

export interface AlertmanagerCluster {
  /** The peers, in start order. */
  readonly peers: readonly AlertmanagerInstance[];
  /** Every peer's `host:port`, for Prometheus `alerting.alertmanagers` (each one, no load balancer). */
  readonly addresses: readonly string[];
  /**
   * The peers in the order the cluster ranks them for notifying: the first sends at once, the
   * n-th waits n peer timeouts and sends only if the notification log shows no one did.
   */
  notifyOrder(): Promise<AlertmanagerInstance[]>;
  /** SIGKILLs one peer (a crash: the others are not told); later waits leave it out. */
  kill(peer: AlertmanagerInstance): Promise<void>;
  /** Waits until the running peers (those not killed) each see `count` members and report ready. */
  waitUntilSettled(count: number, timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

const defaultSettleTimeoutMs = 60_000;

export async function startAlertmanagerCluster(options: StartAlertmanagerClusterOptions): Promise<AlertmanagerCluster> {
  const { peers: count, settleTimeoutMs = defaultSettleTimeoutMs, ...peerOptions } = options;
  if (!Number.isInteger(count) || count < 2) throw new Error(`startAlertmanagerCluster: peers must be an integer of at least 2 (got ${count})`);
  const gossipPorts = await Promise.all(Array.from({ length: count }, () => freePort()));
  const gossipAddress = (index: number): string => `127.0.0.1:${gossipPorts[index]}`;
  const started = await Promise.allSettled(
    gossipPorts.map((listenPort, index) =>
      startAlertmanager({
        ...peerOptions,
        cluster: { listenPort, peers: gossipPorts.map((_, other) => other).filter((other) => other !== index).map(gossipAddress) },
      }),
    ),
  );
  const peers = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const failed = started.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failed) {
    await Promise.allSettled(peers.map((peer) => peer.stop()));
    throw failed.reason;
  }
  const killed = new Set<AlertmanagerInstance>();

  const cluster: AlertmanagerCluster = {
    peers,
    addresses: peers.map((peer) => peer.address),
    async kill(peer) {
      killed.add(peer);
      await peer.kill();
    },
    async notifyOrder() {
      const named = await Promise.all(peers.filter((peer) => !killed.has(peer)).map(async (peer) => ({ peer, name: (await peer.clusterStatus()).name ?? '' })));
      return named.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)).map((entry) => entry.peer);
    },
    async waitUntilSettled(expected, timeoutMs = settleTimeoutMs) {
      const running = peers.filter((peer) => !killed.has(peer));
      let last = '';
      await waitUntil(
        async () => {
          const statuses = await Promise.all(running.map((peer) => peer.clusterStatus()));
          last = statuses.map((status, index) => `${running[index]!.address}: ${status.status}, ${status.peers?.length ?? 0} members`).join('; ');
          return statuses.every((status) => status.status === 'ready' && (status.peers?.length ?? 0) === expected);
        },
        { timeoutMs, intervalMs: 250, description: `${running.length} Alertmanager peers to settle with ${expected} members each` },
      ).catch((error: unknown) => {
        throw new Error(`${(error as Error).message}\nlast seen: ${last}`);
      });
    },
    async stop() {
      await Promise.allSettled(peers.map((peer) => peer.stop()));
    },
  };
  try {
    await cluster.waitUntilSettled(count);
  } catch (error) {
    await cluster.stop();
    throw error;
  }
  return cluster;
}
