import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { waitUntil } from './wait.js';

/** The JSON body Alertmanager's webhook receiver posts (version 4). */
export interface WebhookPayload {
  readonly version: string;
  readonly groupKey: string;
  readonly status: 'firing' | 'resolved';
  readonly receiver: string;
  readonly groupLabels: Readonly<Record<string, string>>;
  readonly commonLabels: Readonly<Record<string, string>>;
  readonly commonAnnotations: Readonly<Record<string, string>>;
  readonly externalURL: string;
  readonly alerts: readonly {
    readonly status: 'firing' | 'resolved';
    readonly labels: Readonly<Record<string, string>>;
    readonly annotations: Readonly<Record<string, string>>;
    readonly startsAt: string;
    readonly endsAt: string;
    readonly fingerprint: string;
  }[];
}

export interface Notification {
  /** Request path, so one receiver server can stand in for several receivers (`/p1`, `/p2`). */
  readonly path: string;
  /** Date.now() when the notification arrived. */
  readonly receivedAt: number;
  readonly payload: WebhookPayload;
}

export interface WebhookReceiver {
  /** Base URL, e.g. http://127.0.0.1:40123; append a path per stood-in receiver. */
  readonly url: string;
  /** Every notification received so far, in arrival order. */
  readonly notifications: readonly Notification[];
  /** Resolves with the first notification (past or future) matching `predicate`; rejects after timeoutMs. */
  waitFor(predicate: (notification: Notification) => boolean, timeoutMs: number): Promise<Notification>;
  clear(): void;
  stop(): Promise<void>;
}

const maxBodyBytes = 5_000_000;

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBodyBytes) {
        reject(new Error('webhook body too large'));
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

/** An HTTP server on 127.0.0.1 that records Alertmanager webhook notifications with their arrival time. */
export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const notifications: Notification[] = [];
  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    if (request.method !== 'POST') {
      response.writeHead(405).end();
      return;
    }
    try {
      const body = await readBody(request);
      const payload = JSON.parse(body) as WebhookPayload;
      notifications.push({ path: request.url ?? '/', receivedAt: Date.now(), payload });
      response.writeHead(200).end();
    } catch (error) {
      response.writeHead(400, { 'content-type': 'text/plain' }).end(error instanceof Error ? error.message : 'bad body');
    }
  };
  const server = createServer((request, response) => {
    void handle(request, response);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    notifications,
    waitFor(predicate, timeoutMs) {
      return waitUntil(async () => notifications.find(predicate), {
        timeoutMs,
        intervalMs: 50,
        description: `a webhook notification matching the predicate (received so far: ${notifications.length})`,
      });
    },
    clear() {
      notifications.length = 0;
    },
    stop() {
      return new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
    },
  };
}

/** Whether a notification is a firing one carrying an alert named `alertname` (and, optionally, more labels). */
export function isFiring(alertname: string, labels: Readonly<Record<string, string>> = {}) {
  return (notification: Notification): boolean =>
    notification.payload.status === 'firing' &&
    notification.payload.alerts.some(
      (alert) =>
        alert.status === 'firing' &&
        alert.labels.alertname === alertname &&
        Object.entries(labels).every(([key, value]) => alert.labels[key] === value),
    );
}
