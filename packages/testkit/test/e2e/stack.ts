/**
 * What every e2e suite does around its faults: render the spec, start Alertmanager and Prometheus
 * on what was rendered (the images the spec pins, the flags the compose stack runs with), wait
 * for a notification and record how long it took, and tear everything down in reverse order of
 * start, whatever failed on the way.
 */
import { rmSync } from 'node:fs';
import { expect } from 'vitest';
import { selectImage, type Model } from '@vigil/generator';
import { prometheusFeatureFlags } from '../../../generator/src/prometheus/config.js';
import {
  isFiring,
  startAlertmanager,
  startPrometheus,
  startWebhookReceiver,
  type AlertmanagerInstance,
  type Notification,
  type PrometheusInstance,
  type WebhookReceiver,
} from '../../src/index.js';
import { renderStack, type RenderedStack } from './render.js';
import { writeTimings, type FaultTiming } from './timings.js';

export interface ExpectedNotification {
  /** The fault and how it was made, as the timings table shows it. */
  readonly path: string;
  readonly alertname: string;
  /** Labels the firing alert must carry. */
  readonly labels: Readonly<Record<string, string>>;
  /** Receiver paths (`/<receiver>`) the notification may arrive at. */
  readonly at: readonly string[];
  /** When the fault was made (ms since the epoch). */
  readonly faultAt: number;
  readonly timeoutMs: number;
}

export class E2eStack {
  readonly timings: FaultTiming[] = [];
  /** The last Prometheus started: its launcher names the timings file, its alerts explain a missed notification. */
  private latestPrometheus: PrometheusInstance | undefined;
  private readonly cleanups: (() => unknown)[] = [];

  /** `suite` names the timings file; none is written when the suite records no timing. */
  constructor(private readonly suite: string) {}

  /** Keeps `resource` until teardown, where `release` runs (in reverse order of `own`). */
  own<T>(resource: T, release: (resource: T) => unknown): T {
    this.cleanups.push(() => release(resource));
    return resource;
  }

  receiver(): Promise<WebhookReceiver> {
    return startWebhookReceiver().then((receiver) => this.own(receiver, (started) => started.stop()));
  }

  /** Renders `model` with every generator into a temp directory, removed at teardown. */
  render(model: Model): Promise<RenderedStack> {
    return renderStack(model).then((rendered) => this.own(rendered, (done) => rmSync(done.dir, { recursive: true, force: true })));
  }

  async alertmanager(rendered: RenderedStack, model: Model): Promise<AlertmanagerInstance> {
    const alertmanager = await startAlertmanager({ config: rendered.alertmanagerConfig, image: selectImage(model, 'alertmanager') });
    return this.own(alertmanager, (started) => started.stop());
  }

  async prometheus(rendered: RenderedStack, model: Model): Promise<PrometheusInstance> {
    const prometheus = await startPrometheus({
      config: rendered.prometheusConfig,
      rulesFiles: rendered.ruleFiles,
      image: selectImage(model, 'prometheus'),
      extraArgs: prometheusFeatureFlags,
    });
    this.latestPrometheus = prometheus;
    // A suite may stop it itself (the fault under test); a second stop is harmless.
    return this.own(prometheus, (started) => started.stop().catch(() => undefined));
  }

  /**
   * Waits for a firing `alertname` with `labels` at `receiver`, checks it reached one of the
   * expected receiver paths, and records the time since the fault. A miss says what Prometheus
   * held under that name.
   */
  async expectNotification(receiver: WebhookReceiver, expected: ExpectedNotification): Promise<Notification> {
    const notification = await receiver.waitFor(isFiring(expected.alertname, expected.labels), expected.timeoutMs).catch(async (error: unknown) => {
      const held = this.latestPrometheus === undefined ? [] : (await this.latestPrometheus.alerts()).filter((alert) => alert.labels.alertname === expected.alertname);
      throw new Error(`${expected.path}: ${(error as Error).message}\nPrometheus alerts named ${expected.alertname}: ${JSON.stringify(held)}`);
    });
    expect(expected.at).toContain(notification.path);
    this.timings.push({
      path: expected.path,
      alert: expected.alertname,
      receiver: notification.payload.receiver,
      faultToNotificationMs: notification.receivedAt - expected.faultAt,
    });
    return notification;
  }

  /** Releases everything owned, newest first, each even when an earlier one failed; then writes the timings. */
  async teardown(): Promise<void> {
    const failures: unknown[] = [];
    for (const release of this.cleanups.splice(0).reverse()) {
      try {
        await release();
      } catch (error) {
        failures.push(error);
      }
    }
    writeTimings(this.suite, this.latestPrometheus?.launcher ?? 'unknown', this.timings);
    if (failures.length > 0) throw new AggregateError(failures, `${this.suite}: ${failures.length} resource(s) failed to stop`);
  }
}
