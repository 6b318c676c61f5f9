/**
 * The Watchdog's own route and receiver. The route comes first among the root's children and
 * does not continue, so the always-firing Watchdog reaches the heartbeat URL and nothing else.
 * Its repeat_interval is the heartbeat period the outside checker expects.
 */
import type { Model, WatchdogModel } from '../model/types.js';
import { durationSeconds, formatDuration } from '../spec/duration.js';

/**
 * Alertmanager re-sends only on a group_interval tick after repeat_interval has passed since the
 * last send, so a group_interval equal to the repeat interval would double the period. A sixth
 * of it keeps heartbeats between 1 and 1 1/6 repeat intervals apart.
 */
export function watchdogGroupInterval(watchdog: WatchdogModel): string {
  return formatDuration(Math.max(1, Math.floor(durationSeconds(watchdog.repeatInterval) / 6)) * 1000);
}

export function watchdogRoute(watchdog: WatchdogModel): Record<string, unknown> {
  return {
    matchers: ['alertname="Watchdog"'],
    receiver: watchdog.receiver,
    group_by: ['alertname'],
    group_wait: '0s',
    group_interval: watchdogGroupInterval(watchdog),
    repeat_interval: watchdog.repeatInterval,
  };
}

/**
 * A webhook receiver. Alertmanager 0.25 reads no webhook URL from a file, so `url` is written as
 * given (an endpoint without a secret in it; a bearer token comes from `credentialsFile`), and
 * `urlFile` becomes `url_file`, which the model only allows for Alertmanager 0.26 or later.
 */
export function watchdogReceiver(watchdog: WatchdogModel): Record<string, unknown> {
  return {
    name: watchdog.receiver,
    webhook_configs: [
      {
        ...(watchdog.url === undefined ? {} : { url: watchdog.url }),
        ...(watchdog.urlFile === undefined ? {} : { url_file: watchdog.urlFile }),
        ...(watchdog.credentialsFile === undefined ? {} : { http_config: { authorization: { type: 'Bearer', credentials_file: watchdog.credentialsFile } } }),
        send_resolved: false,
      },
    ],
  };
}

/** Secret files the Watchdog receiver reads (mounted into the Alertmanager container). */
export function watchdogSecretFiles(model: Model): string[] {
  const watchdog = model.watchdog;
  if (watchdog === undefined) return [];
  return [watchdog.urlFile, watchdog.credentialsFile].filter((file): file is string => file !== undefined);
}
