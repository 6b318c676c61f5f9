/**
 * The worker side: answers the primary's (or main thread's) requests with a snapshot of this
 * worker's Registry. Works in a node:cluster worker (IPC) and in a worker thread (parentPort).
 */
import cluster from 'node:cluster';
import { isMainThread, parentPort, threadId } from 'node:worker_threads';
import type { Registry } from 'prom-client';
import { workerSlotEnv } from './supervisor.js';
import { snapshotRegistry } from './snapshot.js';
import { isMetricsRequest, metricsReadyType, metricsSnapshotType, type MetricsReady, type MetricsSnapshot } from './wire.js';

export interface ReportOptions {
  /**
   * This worker's `worker` label on per-worker gauges. Default: the supervisor's slot
   * (`VIGIL_WORKER_SLOT`), so a restarted worker keeps its predecessor's label, else the cluster
   * worker id or the thread id.
   */
  readonly worker?: string;
}

interface Channel {
  send(message: MetricsReady | MetricsSnapshot): void;
  on(listener: (message: unknown) => void): void;
  off(listener: (message: unknown) => void): void;
}

function channel(): { channel: Channel; worker: string } {
  if (cluster.isWorker && typeof process.send === 'function') {
    const send = process.send.bind(process);
    return {
      worker: process.env[workerSlotEnv] ?? String(cluster.worker?.id ?? process.pid),
      channel: {
        send: (message) => {
          // The callback takes a closing channel's EPIPE, which would otherwise be an 'error' event on
          // `process` and crash the worker; the try covers a channel already closed.
          try {
            if (process.connected) send(message, undefined, undefined, ignoreSendError);
          } catch {
            // The channel is closing: this worker is on its way out.
          }
        },
        on: (listener) => process.on('message', listener),
        off: (listener) => process.off('message', listener),
      },
    };
  }
  if (!isMainThread && parentPort !== null) {
    const port = parentPort;
    return {
      worker: `thread-${threadId}`,
      channel: {
        send: (message) => port.postMessage(message),
        on: (listener) => port.on('message', listener),
        off: (listener) => port.off('message', listener),
      },
    };
  }
  throw new Error('@vigil/metrics: reportMetricsToPrimary() runs in a node:cluster worker or a worker thread; in the primary use createClusterAggregator()');
}

/**
 * Starts answering metric requests for `source` (a Registry or a VigilMetrics). Returns the
 * function that stops. The listener keeps the IPC channel (or port) referenced, as a server would.
 */
export function reportMetricsToPrimary(source: Registry | { readonly registry: Registry }, options: ReportOptions = {}): () => void {
  const registry = 'registry' in source ? source.registry : source;
  const found = channel();
  const worker = options.worker ?? found.worker;
  const listener = (message: unknown): void => {
    if (!isMetricsRequest(message)) return;
    const id = message.id;
    snapshotRegistry(registry).then(
      (families) => found.channel.send({ type: metricsSnapshotType, id, worker, families }),
      // A collector that fails leaves this worker's previous snapshot in place at the primary.
      () => undefined,
    );
  };
  found.channel.on(listener);
  found.channel.send({ type: metricsReadyType, worker });
  return () => found.channel.off(listener);
}

function ignoreSendError(): void {}
