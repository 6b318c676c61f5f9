/**
 * The generated inhibit rules on a real Alertmanager: a service's P1 silences that service's
 * P2s, while hosts, exporters and the stack's own servers, which share one `service` label per
 * kind, are inhibited per instance (one host's filling disk must not hide another host's tickets).
 */
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildModel, findRepoRoot, loadSpec, selectImage } from '@vigil/generator';
import { renderAlertmanagerConfig } from '../../generator/src/alertmanager/index.js';
import { startAlertmanager, type AlertmanagerInstance, type AmAlert } from '../src/index.js';
import { withWebhookReceivers } from './e2e/receivers.js';
import { waitUntil } from '../src/wait.js';

const specPath = 'monitoring/vigil.config.ts';
let alertmanager: AlertmanagerInstance | undefined;

const alert = (alertname: string, priority: 'P1' | 'P2', service: string, instance: string) => ({
  labels: { alertname, priority, severity: priority === 'P1' ? 'critical' : 'warning', service, team: 'platform', instance },
});

beforeAll(async () => {
  const spec = await loadSpec(resolve(findRepoRoot(), specPath), specPath);
  const model = withWebhookReceivers(buildModel(spec, specPath, { profile: 'e2e' }), 'http://127.0.0.1:9/');
  alertmanager = await startAlertmanager({ config: renderAlertmanagerConfig(model), image: selectImage(model, 'alertmanager') });
});

afterAll(async () => {
  await alertmanager?.stop();
});

describe('generated inhibit rules on a real Alertmanager', () => {
  it("inhibit a service's P2s on any instance, but a host's P2s only on the host whose P1 fires", async () => {
    const am = alertmanager!;
    await am.postAlerts([
      alert('NodeFilesystemSpaceFillingUp', 'P1', 'node', 'host-a:9100'),
      alert('NodeMemoryHighUtilization', 'P2', 'node', 'host-a:9100'),
      alert('NodeMemoryHighUtilization', 'P2', 'node', 'host-b:9100'),
      alert('ServiceDown', 'P1', 'api', 'api-1:3000'),
      alert('MemoryHigh', 'P2', 'api', 'api-2:3000'),
    ]);
    const key = (entry: AmAlert) => `${entry.labels.alertname}/${entry.labels.instance}`;
    let alerts: AmAlert[] = [];
    await waitUntil(async () => {
      alerts = await am.alerts();
      return alerts.length === 5 && alerts.every((entry) => entry.status.state !== 'unprocessed');
    }, { timeoutMs: 30_000, description: 'Alertmanager to process the five alerts' });
    const inhibited = Object.fromEntries(alerts.map((entry) => [key(entry), entry.status.inhibitedBy.length > 0]));
    expect(inhibited).toEqual({
      'NodeFilesystemSpaceFillingUp/host-a:9100': false,
      'NodeMemoryHighUtilization/host-a:9100': true,
      'NodeMemoryHighUtilization/host-b:9100': false,
      'ServiceDown/api-1:3000': false,
      'MemoryHigh/api-2:3000': true,
    });
  }, 60_000);
});
