import { describe, expect, it } from 'vitest';
import { applyOverrides, buildModel, loadModel, SpecError } from '../src/index.js';
import { minimalSpec, specWith } from './spec-fixtures.js';

describe('buildModel', () => {
  it('gives a service listed with only name and targets every default', () => {
    const model = buildModel(minimalSpec(), 'spec.yaml');
    const api = model.services.find((service) => service.name === 'api')!;
    expect(api).toEqual({
      name: 'api',
      kind: 'api',
      team: 'platform',
      job: 'api',
      targets: ['api:9464'],
      metricsPath: '/metrics',
      scrapeInterval: '15s',
      healthChecks: ['postgres'],
      runtime: { cluster: false },
      alerts: {
        serviceDown: { for: '3m' },
        highErrorRate: { ratio: 0.1, minEvents: 20, for: '5m' },
        highLatencyP95: { seconds: 1, for: '10m' },
        unhandledErrorsBurst: { count: 3, window: '5m', for: '30m' },
        memoryHigh: { ratio: 0.9, for: '15m' },
        cpuHigh: { ratio: 0.8, for: '15m' },
        eventLoopLagHigh: { seconds: 0.5, for: '10m' },
        dependencyDown: { for: '2m' },
        serviceRestarting: { for: '1m', restarts: 3, persistentRestarts: 6 },
      },
      disabledAlerts: [],
    });
  });

  it('resolves pipeline defaults and derives the rate floor from the expected volume', () => {
    const model = buildModel(minimalSpec(), 'spec.yaml');
    const [events, orders] = model.pipelines;
    expect(events).toEqual({
      name: 'events',
      service: 'ingest',
      team: 'platform',
      job: 'ingest',
      disabledAlerts: [],
      alerts: { noItemsCreated: { window: '6h', minSilence: '10m' }, validationErrorsHigh: { ratio: 0.05, minEvents: 20, for: '5m' } },
    });
    expect(orders!.alerts.itemRateLow).toEqual({ floorRatio: 0.5, floorPerSecond: (15000 * 0.5) / 86400, for: '1h' });
    expect(orders!.alerts.fieldCoverageDrop).toEqual({ requiredFields: ['id', 'price'], floor: 0.95, for: '1h' });
  });

  it('sorts every list by name and normalises durations, whatever the spec order and spelling', () => {
    const model = buildModel(
      specWith((spec) => {
        spec.services.reverse();
        spec.pipelines[0].zeroItemsWindow = '360m';
        spec.pipelines[0].requiredFields = ['price', 'id'];
      }),
      'spec.yaml',
    );
    expect(model.services.map((service) => service.name)).toEqual(['api', 'ingest']);
    expect(model.pipelines.find((pipeline) => pipeline.name === 'orders')!.alerts.noItemsCreated.window).toBe('6h');
    expect(model.pipelines.find((pipeline) => pipeline.name === 'orders')!.alerts.fieldCoverageDrop!.requiredFields).toEqual(['id', 'price']);
  });

  it('takes a pipeline\'s team from its service unless it names one', () => {
    const model = buildModel(
      specWith((spec) => {
        spec.teams.push({ name: 'data', pageReceivers: ['pager'], ticketReceivers: ['chat'] });
        spec.services[1].team = 'data';
      }),
      'spec.yaml',
    );
    expect(model.pipelines.map((pipeline) => pipeline.team)).toEqual(['data', 'data']);
    expect(model.alertmanager.defaultReceiver).toBe('chat');
  });

  it('layers a profile: shorter windows and for durations, faster intervals', async () => {
    const model = await loadModel('monitoring/vigil.config.ts', { profile: 'e2e' });
    expect(model.prometheus.scrapeInterval).toBe('1s');
    expect(new Set(model.services.flatMap((service) => Object.values(service.alerts).map((alert) => alert.for)))).toEqual(new Set(['5s']));
    expect(model.pipelines.map((pipeline) => pipeline.alerts.noItemsCreated.window)).toEqual(['20s', '20s']);
    expect(model.services[0]!.alerts.unhandledErrorsBurst.window).toBe('20s');
  });

  it('layers run-time overrides after the profile (scrape targets known only in a test)', async () => {
    const model = await loadModel('monitoring/vigil.config.ts', {
      profile: 'e2e',
      overrides: {
        services: { api: { targets: ['127.0.0.1:40001'] } },
        dependencies: { postgres: { targets: ['127.0.0.1:40002'] } },
        prometheus: { alertmanagers: ['127.0.0.1:40003'] },
      },
    });
    expect(model.services.find((service) => service.name === 'api')!.targets).toEqual(['127.0.0.1:40001']);
    const postgres = model.dependencies.find((dependency) => dependency.name === 'postgres');
    expect(postgres && 'targets' in postgres ? postgres.targets : []).toEqual(['127.0.0.1:40002']);
    expect(model.prometheus.alertmanagers).toEqual(['127.0.0.1:40003']);
    expect(model.prometheus.scrapeInterval).toBe('1s');
  });

  it('rejects an unknown profile and overrides naming what the spec lacks', () => {
    expect(() => buildModel(minimalSpec(), 'spec.yaml', { profile: 'e2e' })).toThrow('spec.yaml: profiles: no profile named "e2e" (profiles: none)');
    expect(() => buildModel(minimalSpec(), 'spec.yaml', { overrides: { services: { ghost: { targets: ['x:1'] } } } })).toThrow(
      'spec.yaml: overrides.services.ghost: no service named "ghost"',
    );
    expect(() => buildModel(minimalSpec(), 'spec.yaml', { overrides: { durations: { for: 'soon' } } })).toThrow(SpecError);
  });

  it('applyOverrides leaves its input untouched', () => {
    const spec = minimalSpec();
    const before = structuredClone(spec);
    const changed = applyOverrides(spec, { services: { api: { targets: ['127.0.0.1:1'] } } });
    expect(spec).toEqual(before);
    expect(changed.services[0]!.targets).toEqual(['127.0.0.1:1']);
  });

  it('builds the example spec: an API, two pipelines (one steady, one bursty), a worker, postgres and redis', async () => {
    const model = await loadModel();
    expect(model.source).toBe('monitoring/vigil.config.ts');
    expect(model.services.map((service) => [service.name, service.kind])).toEqual([
      ['api', 'api'],
      ['ingest', 'pipeline'],
      ['worker', 'worker'],
    ]);
    const orders = model.pipelines.find((pipeline) => pipeline.name === 'orders')!;
    const events = model.pipelines.find((pipeline) => pipeline.name === 'events')!;
    expect(orders.expectedItemsPerDay).toBe(15000);
    expect(events.expectedItemsPerDay).toBeUndefined();
    expect(events.alerts.itemRateLow).toBeUndefined();
    expect(model.dependencies.filter((dependency) => dependency.kind !== 'healthCheck').map((dependency) => dependency.kind).sort()).toEqual([
      'postgres',
      'redis',
    ]);
    expect(new Set(model.receivers.map((receiver) => receiver.type))).toEqual(new Set(['slack', 'pagerduty', 'email', 'webhook']));
  });
});
