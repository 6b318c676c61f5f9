/**
 * The outside end of the dead man's switch: records heartbeats (the Watchdog notifications
 * Alertmanager posts at its repeat interval) and says when one is overdue, that is when no
 * heartbeat arrived for `graceIntervals` periods. Usable in tests and as a small checker.
 */
import type { WebhookReceiver } from './webhook.js';
import { waitUntil } from './wait.js';

export interface HeartbeatChecker {
  /** Arrival times (Date.now()) of every heartbeat so far. */
  beats(): number[];
  /** Whether the last heartbeat (or the start, before any) is older than graceIntervals periods at `now`. */
  overdue(now?: number): boolean;
  /** Resolves with the time the heartbeat was first seen overdue; rejects after timeoutMs. */
  waitUntilOverdue(timeoutMs: number): Promise<number>;
}

/** Watches heartbeats that `receiver` gets on `path` (the Watchdog's webhook path). */
export function watchHeartbeats(receiver: WebhookReceiver, options: { readonly path: string; readonly periodMs: number; readonly graceIntervals?: number }): HeartbeatChecker {
  const startedAt = Date.now();
  const grace = (options.graceIntervals ?? 2) * options.periodMs;
  const beats = (): number[] =>
    receiver.notifications
      .filter((notification) => notification.path === options.path && notification.payload.alerts.some((alert) => alert.labels.alertname === 'Watchdog'))
      .map((notification) => notification.receivedAt);
  const overdue = (now = Date.now()): boolean => now - (beats().at(-1) ?? startedAt) > grace;
  return {
    beats,
    overdue,
    waitUntilOverdue: (timeoutMs) =>
      waitUntil(async () => (overdue() ? Date.now() : undefined), { timeoutMs, intervalMs: 100, description: `a heartbeat on ${options.path} to be overdue` }),
  };
}
