import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startAlertmanager, waitUntil, type AlertmanagerInstance, type AmAlert } from '@vigil/testkit';
import { loadModel, type Model } from '../src/index.js';
import { renderAlertmanagerConfig } from '../src/alertmanager/index.js';

// The generated inhibition rules, evaluated by a real Alertmanager on alerts posted to its API.
let model: Model;
let alertmanager: AlertmanagerInstance;

beforeAll(async () => {
  const loaded = await loadModel();
  // Receivers point nowhere reachable: this test reads alert states, not notifications.
  model = {
    ...loaded,
    receivers: loaded.receivers.map((receiver) => ({ name: receiver.name, type: 'webhook' as const, url: 'http://127.0.0.1:9/unused' })),
  };
  alertmanager = await startAlertmanager({ config: renderAlertmanagerConfig(model) });
});

afterAll(async () => {
  await alertmanager?.stop();
});

// Each test starts from no active alert: resolve whatever the previous one posted.
afterEach(async () => {
  const now = new Date().toISOString();
  const active = await alertmanager.alerts();
  await alertmanager.postAlerts(active.map((entry) => ({ labels: entry.labels, endsAt: now })));
  await waitUntil(async () => ((await alertmanager.alerts()).length === 0 ? true : undefined), {
    timeoutMs: 10_000,
    description: 'every posted alert to be resolved',
  });
});

const alert = (labels: Record<string, string>) => ({ labels });

async function stateOf(labels: Record<string, string>): Promise<AmAlert> {
  const all = await alertmanager.alerts();
  const found = all.find((candidate) => Object.entries(labels).every(([key, value]) => candidate.labels[key] === value));
  if (!found) throw new Error(`alert ${JSON.stringify(labels)} not listed by Alertmanager`);
  return found;
}

describe('generated inhibition rules on a real Alertmanager', () => {
  it('a service P1 inhibits its P2s and only its own', async () => {
    const pipelineService = model.pipelines[0]?.service ?? 'ingest';
    const otherService = model.services.find((service) => service.name !== pipelineService)?.name ?? 'api';
    await alertmanager.postAlerts([
      alert({ alertname: 'HighErrorRate', priority: 'P1', service: otherService, team: 'platform' }),
      alert({ alertname: 'HighLatencyP95', priority: 'P2', service: otherService, team: 'platform' }),
      alert({ alertname: 'HighLatencyP95', priority: 'P2', service: pipelineService, team: 'data' }),
    ]);
    const inhibited = await waitUntil(
      async () => {
        const state = await stateOf({ alertname: 'HighLatencyP95', service: otherService });
        return state.status.inhibitedBy.length > 0 ? state : undefined;
      },
      { timeoutMs: 10_000, description: `HighLatencyP95 of ${otherService} to be inhibited` },
    );
    expect(inhibited.status.state).toBe('suppressed');
    const untouched = await stateOf({ alertname: 'HighLatencyP95', service: pipelineService });
    expect(untouched.status.inhibitedBy).toEqual([]);
    expect(untouched.status.state).toBe('active');
  });

  it('ServiceDown inhibits the service’s other alerts and its pipelines’ alerts', async () => {
    const pipeline = model.pipelines[0];
    expect(pipeline).toBeDefined();
    const service = pipeline?.service ?? '';
    await alertmanager.postAlerts([
      alert({ alertname: 'ServiceDown', priority: 'P1', service, team: 'data' }),
      alert({ alertname: 'DependencyDown', priority: 'P1', service, team: 'data' }),
      alert({ alertname: 'PipelineNoItemsCreated', priority: 'P1', pipeline: pipeline?.name ?? '', team: 'data' }),
    ]);
    await waitUntil(
      async () => {
        const states = await Promise.all([
          stateOf({ alertname: 'DependencyDown', service }),
          stateOf({ alertname: 'PipelineNoItemsCreated', pipeline: pipeline?.name ?? '' }),
        ]);
        return states.every((state) => state.status.state === 'suppressed') ? true : undefined;
      },
      { timeoutMs: 10_000, description: `${service}'s alerts to be inhibited by ServiceDown` },
    );
    expect((await stateOf({ alertname: 'ServiceDown', service })).status.state).toBe('active');
  });

  it('a pipeline P1 inhibits its own P2s, not a sibling pipeline’s', async () => {
    const [first, second] = model.pipelines;
    expect(first && second).toBeTruthy();
    expect(first?.service).toBe(second?.service);
    // As the rules label them: pipeline alerts carry the owning service too.
    const labels = (pipeline: typeof first) => ({ pipeline: pipeline?.name ?? '', service: pipeline?.service ?? '', team: 'data' });
    await alertmanager.postAlerts([
      alert({ alertname: 'PipelineValidationErrorsHigh', priority: 'P1', ...labels(first) }),
      alert({ alertname: 'PipelineFieldCoverageDrop', priority: 'P2', ...labels(second) }),
      alert({ alertname: 'PipelineFieldCoverageDrop', priority: 'P2', ...labels(first) }),
    ]);
    await waitUntil(
      async () => {
        const state = await stateOf({ alertname: 'PipelineFieldCoverageDrop', pipeline: first?.name ?? '' });
        return state.status.state === 'suppressed' ? true : undefined;
      },
      { timeoutMs: 10_000, description: `the P2 of pipeline ${first?.name} to be inhibited` },
    );
    const other = await stateOf({ alertname: 'PipelineFieldCoverageDrop', pipeline: second?.name ?? '' });
    expect(other.status.state).toBe('active');
  });
  it("inhibits a host's P2s only on the host whose P1 fires, and a service's P2s on any instance", async () => {
    // Hosts (and exporters, and the stack's servers) share one service label per kind, but each
    // instance is its own machine.
    const machine = (alertname: string, priority: string, service: string, instance: string) => alert({ alertname, priority, service, instance, team: 'platform' });
    await alertmanager.postAlerts([
      machine('NodeFilesystemSpaceFillingUp', 'P1', 'node', 'host-a:9100'),
      machine('NodeMemoryHighUtilization', 'P2', 'node', 'host-a:9100'),
      machine('NodeMemoryHighUtilization', 'P2', 'node', 'host-b:9100'),
      machine('ServiceDown', 'P1', 'api', 'api-1:3000'),
      machine('MemoryHigh', 'P2', 'api', 'api-2:3000'),
    ]);
    const states = await waitUntil(
      async () => {
        const all = await alertmanager.alerts();
        return all.length === 5 && all.every((entry) => entry.status.state !== 'unprocessed') ? all : undefined;
      },
      { timeoutMs: 10_000, description: 'the five alerts to be processed' },
    );
    const inhibited = Object.fromEntries(states.map((entry) => [`${entry.labels.alertname}/${entry.labels.instance}`, entry.status.inhibitedBy.length > 0]));
    expect(inhibited).toEqual({
      'NodeFilesystemSpaceFillingUp/host-a:9100': false,
      'NodeMemoryHighUtilization/host-a:9100': true,
      'NodeMemoryHighUtilization/host-b:9100': false,
      'ServiceDown/api-1:3000': false,
      'MemoryHigh/api-2:3000': true,
    });
  });
});
