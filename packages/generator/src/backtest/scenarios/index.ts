/**
 * The scenario library. Each one is written from what real services do (traffic shapes, the
 * way processes restart, how incidents unfold) and says what a good alert set does: which
 * alerts must fire and by when, which may fire, and that nothing else fires. Times are hours
 * from the epoch (a Thursday, 00:00 UTC); 7-day runs cover a weekend.
 */
import type { PipelineSim, ServiceSim, Signal } from '../simulation.js';
import type { AlertMatch, Expectation, RequiredAlert, Scenario } from '../scenario.js';
import { durationSeconds } from '../../spec/duration.js';
import { crash, deploy, routineNoise } from './noise.js';

const hour = 3600;
const minute = 60;

const of = (service: ServiceSim): { service: string } => ({ service: service.model.name });
const ofPipeline = (pipeline: PipelineSim): { pipeline: string } => ({ pipeline: pipeline.model.name });
/** Burn-rate alerts of a target: right to fire whenever its SLI is degraded. */
const budgetBurns = (labels: Record<string, string>): AlertMatch[] => [
  { alert: 'ErrorBudgetBurnFast', labels },
  { alert: 'ErrorBudgetBurnSlow', labels },
];
/** A signal that is `value` in [from, to) and `base` elsewhere. */
const during = (from: number, to: number, value: number, base: Signal): Signal => (t) => (t >= from && t < to ? value : base(t));
const scaledDuring = (from: number, to: number, factor: number, base: Signal): Signal => (t) => (t >= from && t < to ? base(t) * factor : base(t));
const h = (hours: number): number => hours * hour;
const nothingFires = (): Expectation => ({ mustFire: [], mayFire: [] });
const incident = (fault: string, faultAt: number, faultEnd: number, mustFire: readonly RequiredAlert[], mayFire: readonly AlertMatch[]): Expectation => ({
  fault,
  faultAt,
  faultEnd,
  mustFire,
  mayFire,
});

export const scenarios: readonly Scenario[] = [
  // ---------------------------------------------------------------- normal traffic
  {
    name: 'normal-week',
    kind: 'normal',
    summary: '7 days of diurnal and weekly traffic with Poisson noise, no deploy, no fault',
    hours: 168,
    seed: 101,
    needs: [],
    setup: () => nothingFires(),
  },
  {
    name: 'normal-week-operations',
    kind: 'normal',
    summary: '7 days of normal traffic with 2 deploys per service per weekday, 4 crashes, failed scrapes, 3 scrape blips and 2 Prometheus restarts',
    hours: 168,
    seed: 102,
    needs: [],
    setup: (world) => {
      routineNoise(world, { deploysPerDay: 2, crashes: 4, failedScrapesPerDay: 3, blips: 3, prometheusRestarts: 2 });
      return nothingFires();
    },
  },
  {
    name: 'normal-daytime',
    kind: 'normal',
    summary: 'a weekday 08:00-12:00: a deploy of every service and a failed scrape per target',
    fromHour: 8,
    hours: 4,
    seed: 103,
    short: true,
    needs: [],
    setup: (world) => {
      world.services.forEach((service, i) => deploy(service, h(9) + i * 11 * minute + 25));
      world.targets().forEach((target, i) => target.failScrapes(h(10) + i * 13 * minute, minute));
      return nothingFires();
    },
  },
  {
    name: 'night-lull',
    kind: 'normal',
    summary: 'two days and nights: the steady pipeline falls to ~12% of its daily mean every night',
    hours: 48,
    seed: 104,
    needs: ['steady'],
    setup: () => nothingFires(),
  },
  {
    name: 'bursty-pipeline-quiet-hours',
    kind: 'normal',
    summary: '2 days of a batch pipeline: bursts separated by quiet stretches of 80% of its zero-items window',
    hours: 48,
    seed: 105,
    needs: ['bursty'],
    setup: (_world, roles) => {
      const quiet = 0.8 * durationSeconds(roles.bursty.model.alerts.noItemsCreated.window);
      const burst = 10 * minute;
      const rate = 300 / burst;
      roles.bursty.itemRate = (t) => ((t - h(1)) % (quiet + burst) < burst && t >= h(1) ? rate : 0);
      return nothingFires();
    },
  },
  {
    name: 'low-traffic-service',
    kind: 'normal',
    summary: 'a day of a service with two requests a minute and three isolated 5xx (one or two requests each)',
    hours: 24,
    seed: 106,
    needs: ['lowTraffic'],
    setup: (_world, roles) => {
      let ratio = roles.lowTraffic.errorRatio;
      for (const at of [h(3.5), h(11.2), h(17.7)]) ratio = during(at, at + minute, 1, ratio);
      roles.lowTraffic.errorRatio = ratio;
      return nothingFires();
    },
  },
  {
    name: 'quiet-hour-restart',
    kind: 'normal',
    summary: 'the pipeline service is redeployed at 03:00; the new process rejects about one item a minute for 6 minutes while its cache warms',
    hours: 8,
    seed: 107,
    needs: ['steady'],
    setup: (_world, roles) => {
      const at = h(3) + 25;
      deploy(roles.steady.owner, at);
      // About one rejection a minute for six minutes, at the night rate of ~1 item a minute:
      // a handful of events, far below the evidence a page needs.
      roles.steady.validationErrorRatio = during(at, at + 6 * minute, 1 / Math.max(roles.steady.itemRate(at) * minute, 1e-9), roles.steady.validationErrorRatio);
      return nothingFires();
    },
  },
  // ---------------------------------------------------------------- operational noise
  {
    name: 'deploy-every-2h',
    kind: 'noise',
    summary: 'continuous delivery: every service redeployed every 2 hours for half a day (counter resets, new start times)',
    hours: 12,
    seed: 201,
    needs: [],
    setup: (world) => {
      world.services.forEach((service, i) => {
        for (let at = h(1) + i * 11 * minute + 25; at < world.horizon - hour; at += h(2)) deploy(service, at);
      });
      return nothingFires();
    },
  },
  {
    name: 'single-crash',
    kind: 'noise',
    summary: 'each service crashes once and is restarted by its supervisor 75 s later',
    hours: 12,
    seed: 202,
    needs: [],
    setup: (world) => {
      world.services.forEach((service, i) => crash(service, h(2 + 3 * i) + 10));
      return nothingFires();
    },
  },
  {
    name: 'scrape-gaps',
    kind: 'noise',
    summary: 'half a day of failed scrapes: one every ~2 hours per target and one two-minute network blip per target',
    hours: 12,
    seed: 203,
    short: true,
    needs: [],
    setup: (world) => {
      routineNoise(world, { failedScrapesPerDay: 12 });
      world.targets().forEach((target, i) => target.failScrapes(h(2 + 2 * i), 2 * minute));
      return nothingFires();
    },
  },
  {
    name: 'prometheus-restart',
    kind: 'noise',
    summary: 'Prometheus restarts twice (four minutes without any sample), at night and at the daily peak',
    hours: 16,
    seed: 204,
    needs: [],
    setup: (world) => {
      world.restartPrometheus(h(3), 4 * minute);
      world.restartPrometheus(h(14.5), 4 * minute);
      return nothingFires();
    },
  },
  {
    name: 'latency-blip',
    kind: 'noise',
    summary: 'the main API is slow (p95 ~2 s) for 4 minutes after a deploy while caches warm',
    fromHour: 8,
    hours: 6,
    seed: 205,
    needs: ['main'],
    setup: (_world, roles) => {
      const at = h(10) + 25;
      deploy(roles.main, at);
      roles.main.latencyMedian = during(at, at + 4 * minute, 0.9, roles.main.latencyMedian);
      return nothingFires();
    },
  },
  {
    name: 'error-blip',
    kind: 'noise',
    summary: 'a bad config is rolled back within 2 minutes: 20% of the main API requests fail meanwhile',
    fromHour: 8,
    hours: 6,
    seed: 206,
    needs: ['main'],
    setup: (_world, roles) => {
      roles.main.errorRatio = during(h(11), h(11) + 2 * minute, 0.2, roles.main.errorRatio);
      return nothingFires();
    },
  },
  {
    name: 'dependency-flap',
    kind: 'noise',
    summary: 'a cache fails over three times: its health check fails for one minute each time',
    fromHour: 8,
    hours: 6,
    seed: 207,
    needs: ['cache'],
    setup: (_world, roles) => {
      for (const service of roles.cache.services) {
        let status = service.checks.get(roles.cache.check)!;
        for (const at of [h(9), h(10.5), h(12)]) status = during(at, at + minute, 0, status);
        service.checks.set(roles.cache.check, status);
      }
      return nothingFires();
    },
  },
  // ---------------------------------------------------------------- incidents
  {
    name: 'service-total-stop',
    kind: 'incident',
    summary: 'the main API process dies at 10:00 and nothing restarts it for 90 minutes',
    fromHour: 8,
    hours: 4,
    seed: 301,
    short: true,
    needs: ['main'],
    setup: (_world, roles) => {
      roles.main.stop(h(10), h(11.5));
      return incident('process down', h(10), h(11.5),
        [{ alert: 'ServiceDown', labels: of(roles.main), withinSeconds: 5 * minute, sustained: true }],
        budgetBurns(of(roles.main)),
      );
    },
  },
  {
    name: 'pipeline-service-stop',
    kind: 'incident',
    summary: 'the pipeline service dies at 11:00 and stays down for 3 hours',
    hours: 15,
    seed: 302,
    needs: ['steady'],
    setup: (_world, roles) => {
      const service = roles.steady.owner;
      service.stop(h(11), h(14));
      return incident('process down', h(11), h(14), [{ alert: 'ServiceDown', labels: of(service), withinSeconds: 5 * minute, sustained: true }], [
          { alert: 'PipelineNoItemsCreated' },
          { alert: 'PipelineItemRateLow' },
          // Its pipelines' SLOs burn too: any target of the service may.
          { alert: 'ErrorBudgetBurnFast' },
          { alert: 'ErrorBudgetBurnSlow' },
        ]);
    },
  },
  {
    name: 'steady-pipeline-stops',
    kind: 'incident',
    summary: 'the steady pipeline (~10 items/min at 11:00) stops creating items while its process stays up',
    hours: 18,
    seed: 303,
    needs: ['steady'],
    setup: (_world, roles) => {
      roles.steady.itemRate = scaledDuring(h(11), h(18), 0, roles.steady.itemRate);
      return incident('no items', h(11), h(18),
        [{ alert: 'PipelineNoItemsCreated', labels: ofPipeline(roles.steady), withinSeconds: 30 * minute, sustained: true }],
        [{ alert: 'PipelineItemRateLow', labels: ofPipeline(roles.steady) }, ...budgetBurns(ofPipeline(roles.steady))],
      );
    },
  },
  {
    name: 'steady-pipeline-stops-at-night',
    kind: 'incident',
    summary: 'the steady pipeline stops at 01:00, in its night lull (~1 item/min), until 09:00',
    hours: 12,
    seed: 304,
    needs: ['steady'],
    setup: (_world, roles) => {
      roles.steady.itemRate = scaledDuring(h(1), h(9), 0, roles.steady.itemRate);
      return incident('no items', h(1), h(9),
        [{ alert: 'PipelineNoItemsCreated', labels: ofPipeline(roles.steady), withinSeconds: 2 * hour, sustained: true }],
        [{ alert: 'PipelineItemRateLow', labels: ofPipeline(roles.steady) }, ...budgetBurns(ofPipeline(roles.steady))],
      );
    },
  },
  {
    name: 'bursty-pipeline-stops',
    kind: 'incident',
    summary: 'the batch pipeline stops for good after its last batch of the first day',
    hours: 34,
    seed: 305,
    needs: ['bursty'],
    setup: (world, roles) => {
      const profile = roles.bursty.itemRate;
      // The stop: the end of the last batch that starts before 20:00.
      let stop = h(20);
      for (let t = h(20); t > 0; t -= minute) {
        if (profile(t) > 0) {
          stop = t + minute;
          break;
        }
      }
      roles.bursty.itemRate = (t) => (t >= stop ? 0 : profile(t));
      const windowSeconds = durationSeconds(roles.bursty.model.alerts.noItemsCreated.window);
      // A batch pipeline is known only by its window: paged within it, plus half an hour.
      return incident('no items', stop, world.horizon,
        [{ alert: 'PipelineNoItemsCreated', labels: ofPipeline(roles.bursty), withinSeconds: windowSeconds + 30 * minute, sustained: true }],
        budgetBurns(ofPipeline(roles.bursty)),
      );
    },
  },
  {
    name: 'partial-drop-70',
    kind: 'incident',
    summary: 'after a week of history, the steady pipeline drops to 30% of its rate on Thursday 14:00-17:00 (one upstream source lost)',
    hours: 188,
    seed: 306,
    needs: ['steady'],
    setup: (_world, roles) => {
      const from = h(7 * 24 + 14);
      roles.steady.itemRate = scaledDuring(from, from + h(3), 0.3, roles.steady.itemRate);
      return incident('rate -70%', from, from + h(3),
        [{ alert: 'PipelineItemRateLow', labels: ofPipeline(roles.steady), withinSeconds: 2 * hour }],
        budgetBurns(ofPipeline(roles.steady)),
      );
    },
  },
  {
    name: 'error-burst',
    kind: 'incident',
    summary: 'the main API answers 30% of requests with 5xx for 30 minutes at 10:00',
    fromHour: 8,
    hours: 4,
    seed: 307,
    short: true,
    needs: ['main'],
    setup: (_world, roles) => {
      roles.main.errorRatio = during(h(10), h(10.5), 0.3, roles.main.errorRatio);
      return incident('30% 5xx', h(10), h(10.5),
        [{ alert: 'HighErrorRate', labels: of(roles.main), withinSeconds: 10 * minute }],
        budgetBurns(of(roles.main)),
      );
    },
  },
  {
    name: 'error-burst-low-traffic',
    kind: 'incident',
    summary: 'the low-traffic service (2 requests/min) fails every request for 2 hours',
    fromHour: 8,
    hours: 6,
    seed: 308,
    needs: ['lowTraffic'],
    setup: (_world, roles) => {
      roles.lowTraffic.errorRatio = during(h(10), h(12), 1, roles.lowTraffic.errorRatio);
      return incident('100% 5xx', h(10), h(12),
        [{ alert: 'HighErrorRate', labels: of(roles.lowTraffic), withinSeconds: 30 * minute }],
        budgetBurns(of(roles.lowTraffic)),
      );
    },
  },
  {
    name: 'unhandled-errors-storm',
    kind: 'incident',
    summary: 'a bad release makes the main API throw 3 unhandled rejections a minute for 2 hours',
    fromHour: 8,
    hours: 6,
    seed: 309,
    needs: ['main'],
    setup: (_world, roles) => {
      roles.main.unhandledErrorRate = during(h(10), h(12), 3 / minute, roles.main.unhandledErrorRate);
      roles.main.errorRatio = during(h(10), h(12), 0.02, roles.main.errorRatio);
      return incident('unhandled errors', h(10), h(12),
        [{ alert: 'UnhandledErrorsBurst', labels: of(roles.main), withinSeconds: 45 * minute }],
        [{ alert: 'HighErrorRate', labels: of(roles.main) }, ...budgetBurns(of(roles.main))],
      );
    },
  },
  {
    name: 'latency-shift',
    kind: 'incident',
    summary: 'a slow query plan: the main API median latency goes from 80 ms to 640 ms (p95 ~1.5 s) for 2 hours',
    fromHour: 8,
    hours: 6,
    seed: 310,
    needs: ['main'],
    setup: (_world, roles) => {
      roles.main.latencyMedian = scaledDuring(h(10), h(12), 8, roles.main.latencyMedian);
      return incident('latency x8', h(10), h(12),
        [{ alert: 'HighLatencyP95', labels: of(roles.main), withinSeconds: 20 * minute }],
        budgetBurns(of(roles.main)),
      );
    },
  },
  {
    name: 'crash-loop',
    kind: 'incident',
    summary: 'the pipeline service restarts every 20 minutes from 10:00 for 4 hours while items keep flowing',
    fromHour: 8,
    hours: 8,
    seed: 311,
    short: true,
    needs: ['steady'],
    setup: (_world, roles) => {
      const service = roles.steady.owner;
      for (let at = h(10) + 25; at < h(14); at += 20 * minute) service.restart(at, 15);
      return {
        faultAt: h(10),
        faultEnd: h(14),
        fault: 'restart /20m',
        mustFire: [
          { alert: 'ServiceRestarting', labels: of(service), withinSeconds: hour },
          { alert: 'ServiceRestartingPersistently', labels: of(service), withinSeconds: 3 * hour },
        ],
        mayFire: [{ alert: 'PipelineItemRateLow' }, ...budgetBurns(of(service))],
      };
    },
  },
  {
    name: 'worker-crash-loop',
    kind: 'incident',
    summary: 'the main API runs as a node:cluster; worker slot 1 dies every 2 minutes from 10:00 for 2 hours (a poison message) while the primary and worker 0 keep serving',
    fromHour: 8,
    hours: 6,
    seed: 404,
    needs: ['main'],
    setup: (_world, roles) => {
      const service = roles.main;
      for (let at = h(10) + 90; at < h(12); at += 2 * minute) service.workerRestarts.push(at);
      const worker = { ...of(service), worker: '1' };
      return incident('worker 1 restart /2m', h(10), h(12),
        [
          { alert: 'ServiceRestarting', labels: worker, withinSeconds: 15 * minute },
          { alert: 'ServiceRestartingPersistently', labels: worker, withinSeconds: 30 * minute },
        ],
        [],
      );
    },
  },
  {
    name: 'outage-with-deploy',
    kind: 'incident',
    summary: 'the steady pipeline stops at 10:00; a deploy at 14:00 (trying a fix) does not help; it resumes at 22:00',
    hours: 23,
    seed: 312,
    needs: ['steady'],
    setup: (_world, roles) => {
      roles.steady.itemRate = scaledDuring(h(10), h(22), 0, roles.steady.itemRate);
      deploy(roles.steady.owner, h(14) + 25);
      return incident('no items', h(10), h(22),
        [{ alert: 'PipelineNoItemsCreated', labels: ofPipeline(roles.steady), withinSeconds: 30 * minute, sustained: true }],
        [{ alert: 'PipelineItemRateLow', labels: ofPipeline(roles.steady) }, ...budgetBurns(ofPipeline(roles.steady))],
      );
    },
  },
  {
    name: 'dependency-down',
    kind: 'incident',
    summary: 'the database is down for 30 minutes at 10:00: its checks fail, the API answers 5xx, the pipelines stall',
    fromHour: 8,
    hours: 4,
    seed: 313,
    short: true,
    needs: ['database'],
    setup: (_world, roles) => {
      const from = h(10);
      const to = h(10.5);
      for (const service of roles.database.services) {
        service.checks.set(roles.database.check, during(from, to, 0, service.checks.get(roles.database.check)!));
        service.errorRatio = during(from, to, 0.8, service.errorRatio);
      }
      if (roles.database.exporter !== undefined) roles.database.exporter.reachable = during(from, to, 0, roles.database.exporter.reachable);
      const stalled = new Set(roles.database.services);
      for (const pipeline of _world.pipelines) if (stalled.has(pipeline.owner)) pipeline.itemRate = scaledDuring(from, to, 0, pipeline.itemRate);
      const affected = roles.database.services.flatMap((service) => [
        { alert: 'HighErrorRate', labels: of(service) },
        ...budgetBurns(of(service)),
      ]);
      return incident('database down', from, to, [{ alert: 'DependencyDown', labels: { check: roles.database.check }, withinSeconds: 5 * minute }], [
          ...affected,
          // The postgres exporter sees the same outage (pg_up 0): a true page, not noise.
          { alert: 'PostgresqlDown' },
          { alert: 'PipelineNoItemsCreated' },
          { alert: 'PipelineItemRateLow' },
          { alert: 'ErrorBudgetBurnFast' },
          { alert: 'ErrorBudgetBurnSlow' },
        ]);
    },
  },
  {
    name: 'memory-leak-oom',
    kind: 'incident',
    summary: 'a leak from 06:00 grows the pipeline service to its memory limit in 5 hours; OOM-killed, it leaks again',
    hours: 14,
    seed: 314,
    needs: ['steady'],
    setup: (_world, roles) => {
      const service = roles.steady.owner;
      const leakFrom = h(6);
      const baseline = 170e6;
      const perSecond = (service.memoryLimitBytes - baseline) / h(5);
      const healthy = service.memoryBytes;
      service.memoryBytes = (t, uptime) => {
        if (t < leakFrom) return healthy(t, uptime);
        const leaking = Math.min(uptime, t - leakFrom);
        return baseline + perSecond * leaking;
      };
      // The kernel kills it when it reaches the limit; the supervisor restarts it.
      for (let at = leakFrom + h(5); at < _world.horizon; at += h(5)) crash(service, at + 10);
      // A ticket before the first OOM kill.
      return incident('memory leak', leakFrom, _world.horizon,
        [{ alert: 'MemoryHigh', labels: of(service), withinSeconds: h(5) }],
        [{ alert: 'ServiceRestarting', labels: of(service) }, ...budgetBurns(of(service))],
      );
    },
  },
  {
    name: 'lost-instrumentation',
    kind: 'incident',
    summary: 'a release at 10:00 drops the metrics middleware of the pipeline service: it is up, but exposes no item, request or last-item series',
    hours: 18,
    seed: 315,
    needs: ['steady'],
    setup: (world, roles) => {
      const service = roles.steady.owner;
      const at = h(10) + 25;
      deploy(service, at);
      service.loseInstrumentation(at, world.horizon);
      // Blind to a steady pipeline is as bad as a stopped one.
      return incident('no app metrics', at, world.horizon,
        [{ alert: 'PipelineNoItemsCreated', labels: ofPipeline(roles.steady), withinSeconds: hour, sustained: true }],
        [{ alert: 'PipelineNoItemsCreated' }, { alert: 'PipelineItemRateLow' }, { alert: 'ErrorBudgetBurnFast' }, { alert: 'ErrorBudgetBurnSlow' }],
      );
    },
  },
  {
    name: 'cpu-saturation',
    kind: 'incident',
    summary: 'a hot loop keeps the worker at 95% of its CPU quota for an hour',
    fromHour: 8,
    hours: 6,
    seed: 316,
    needs: ['lowTraffic'],
    setup: (_world, roles) => {
      roles.lowTraffic.cpuCores = during(h(10), h(11), 0.95 * roles.lowTraffic.cpuLimitCores, roles.lowTraffic.cpuCores);
      roles.lowTraffic.eventLoopLagP99 = during(h(10), h(11), 0.3, roles.lowTraffic.eventLoopLagP99);
      return incident('CPU 95%', h(10), h(11),
        [{ alert: 'CPUHigh', labels: of(roles.lowTraffic), withinSeconds: 30 * minute }],
        [{ alert: 'EventLoopLagHigh', labels: of(roles.lowTraffic) }, { alert: 'HighLatencyP95', labels: of(roles.lowTraffic) }],
      );
    },
  },
  {
    name: 'event-loop-blocked',
    kind: 'incident',
    summary: 'synchronous JSON parsing of large bodies blocks the main API event loop (p99 lag 1.2 s) for an hour',
    fromHour: 8,
    hours: 6,
    seed: 317,
    needs: ['main'],
    setup: (_world, roles) => {
      roles.main.eventLoopLagP99 = during(h(10), h(11), 1.2, roles.main.eventLoopLagP99);
      roles.main.latencyMedian = scaledDuring(h(10), h(11), 3, roles.main.latencyMedian);
      return incident('lag 1.2s', h(10), h(11),
        [{ alert: 'EventLoopLagHigh', labels: of(roles.main), withinSeconds: 20 * minute }],
        [{ alert: 'HighLatencyP95', labels: of(roles.main) }, { alert: 'CPUHigh', labels: of(roles.main) }, ...budgetBurns(of(roles.main))],
      );
    },
  },
  {
    name: 'validation-errors-surge',
    kind: 'incident',
    summary: 'an upstream schema change: 30% of the steady pipeline items are rejected for an hour at 10:00',
    fromHour: 8,
    hours: 6,
    seed: 318,
    needs: ['steady'],
    setup: (_world, roles) => {
      roles.steady.validationErrorRatio = during(h(10), h(11), 0.3 / 0.7, roles.steady.validationErrorRatio);
      roles.steady.itemRate = scaledDuring(h(10), h(11), 0.7, roles.steady.itemRate);
      return incident('30% rejected', h(10), h(11),
        [{ alert: 'PipelineValidationErrorsHigh', labels: ofPipeline(roles.steady), withinSeconds: 15 * minute }],
        [{ alert: 'PipelineItemRateLow', labels: ofPipeline(roles.steady) }, ...budgetBurns(ofPipeline(roles.steady))],
      );
    },
  },
  {
    name: 'field-coverage-drop',
    kind: 'incident',
    summary: 'a mapping bug: 20% of the steady pipeline items lack a required field for 4 hours',
    fromHour: 8,
    hours: 8,
    seed: 319,
    needs: ['steady'],
    setup: (_world, roles) => {
      const field = roles.steady.requiredFields[0];
      const base = roles.steady.fieldMissingRatio;
      roles.steady.fieldMissingRatio = (t, name) => (name === field && t >= h(10) && t < h(14) ? 0.2 : base(t, name));
      return incident(`${field ?? 'field'} missing`, h(10), h(14),
        field === undefined ? [] : [{ alert: 'PipelineFieldCoverageDrop', labels: ofPipeline(roles.steady), withinSeconds: h(2.5) }],
        [],
      );
    },
  },
  // ---------------------------------------------------------------- SLOs (when the spec declares them)
  {
    name: 'slo-fast-burn',
    kind: 'slo',
    summary: 'the main API fails 5% of requests for an hour (50x the budget of a 99.9% objective)',
    fromHour: 2,
    hours: 12,
    seed: 401,
    needs: ['main'],
    needsAlerts: ['ErrorBudgetBurnFast'],
    setup: (_world, roles) => {
      roles.main.errorRatio = during(h(10), h(11), 0.05, roles.main.errorRatio);
      // At 50x the budget, the 1h window's ratio crosses the page's 14.4x after 14.4 / 50 of an
      // hour (17.3 minutes); the short window and the rule's `for` add a little.
      return incident('5% 5xx', h(10), h(11),
        [{ alert: 'ErrorBudgetBurnFast', labels: of(roles.main), withinSeconds: 20 * minute }],
        [{ alert: 'ErrorBudgetBurnSlow', labels: of(roles.main) }, { alert: 'HighErrorRate', labels: of(roles.main) }],
      );
    },
  },
  {
    name: 'slo-slow-burn',
    kind: 'slo',
    summary: 'after a day of history, the main API fails 0.5% of requests for 3 days (5x the budget of a 99.9% objective)',
    hours: 96,
    seed: 402,
    needs: ['main'],
    needsAlerts: ['ErrorBudgetBurnSlow'],
    setup: (_world, roles) => {
      roles.main.errorRatio = during(h(24), h(96), 0.005, roles.main.errorRatio);
      return incident('0.5% 5xx', h(24), h(96), [{ alert: 'ErrorBudgetBurnSlow', labels: of(roles.main), withinSeconds: h(18) }], []);
    },
  },
  {
    name: 'slo-low-traffic',
    kind: 'slo',
    summary: '3 days of the low-traffic service (2 requests/min) with one or two 5xx every few hours: too few to burn a budget',
    hours: 72,
    seed: 403,
    needs: ['lowTraffic'],
    needsAlerts: ['ErrorBudgetBurnFast', 'ErrorBudgetBurnSlow'],
    setup: (_world, roles) => {
      let ratio = roles.lowTraffic.errorRatio;
      for (let at = h(2.3); at < h(72); at += h(7.1)) ratio = during(at, at + minute, 1, ratio);
      roles.lowTraffic.errorRatio = ratio;
      return nothingFires();
    },
  },
];
