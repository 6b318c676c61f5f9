/**
 * The dead man's switch on a real Prometheus and Alertmanager: the generated Watchdog reaches
 * its heartbeat receiver at the repeat interval of the spec's e2e profile, the heartbeats stop
 * when Prometheus is killed, and the checker notices within two intervals.
 */
import { afterAll, expect, it } from 'vitest';
import { durationSeconds, loadModel } from '@vigil/generator';
import { watchHeartbeats } from '../src/index.js';
import { E2eStack } from './e2e/stack.js';

const stack = new E2eStack('watchdog');

afterAll(() => stack.teardown());

it('Watchdog heartbeats at its repeat interval, stop when Prometheus dies, and the checker notices within two intervals', async () => {
  const receiver = await stack.receiver();
  const forAlertmanager = await loadModel('monitoring/vigil.config.ts', { profile: 'e2e', overrides: { watchdog: { url: `${receiver.url}/heartbeat`, repeatInterval: '4s' } } });
  const periodMs = durationSeconds(forAlertmanager.watchdog!.repeatInterval) * 1000;
  const alertmanager = await stack.alertmanager(await stack.render(forAlertmanager), forAlertmanager);
  const model = await loadModel('monitoring/vigil.config.ts', {
    profile: 'e2e',
    overrides: { watchdog: { url: `${receiver.url}/heartbeat`, repeatInterval: '4s' }, prometheus: { alertmanagers: [alertmanager.address] } },
  });
  const prometheus = await stack.prometheus(await stack.render(model), model);
  const checker = watchHeartbeats(receiver, { path: '/heartbeat', periodMs });
  await receiver.waitFor((notification) => checker.beats().length >= 3 && notification.path === '/heartbeat', 60_000);
  const beats = checker.beats();
  const gaps = beats.slice(1).map((at, index) => at - beats[index]!);
  // Alertmanager re-sends on a group_interval tick (a sixth of the period, at least 1 s) once the period has passed.
  for (const gap of gaps.slice(1)) {
    expect(gap).toBeGreaterThanOrEqual(periodMs - 500);
    expect(gap).toBeLessThanOrEqual(periodMs + 2_500);
  }
  expect(checker.overdue()).toBe(false);
  const killedAt = Date.now();
  await prometheus.stop();
  // Alertmanager keeps the alert until its endsAt (Prometheus sets it ahead by 4 resend delays), so allow that too.
  const noticedAt = await checker.waitUntilOverdue(6 * periodMs);
  const lastBeat = checker.beats().at(-1)!;
  expect(noticedAt - lastBeat).toBeLessThanOrEqual(2 * periodMs + 1_000);
  console.table([{ path: 'kill Prometheus -> heartbeat missing noticed', alert: 'Watchdog', gapsMs: gaps.join(','), killToNoticeMs: noticedAt - killedAt, lastBeatToNoticeMs: noticedAt - lastBeat }]);
}, 120_000);
