import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { renderFile } from '../src/writer.js';
import { grafanaDashboardsMountPath, grafanaProvisioningGenerator, grafanaProvisioningPaths } from '../src/grafana/provisioning.js';
import { specModel } from './dashboard-fixtures.js';

describe('Grafana provisioning', () => {
  it('provisions the Prometheus datasource with the uid from the model', async () => {
    const model = await specModel();
    const files = grafanaProvisioningGenerator({ ...model, grafana: { datasourceUid: 'prom-main' } });
    const datasource = files.find((file) => file.path === grafanaProvisioningPaths.datasource)!;
    const parsed = parse(renderFile(datasource, model.source)) as { apiVersion: number; datasources: Record<string, unknown>[] };
    expect(parsed.apiVersion).toBe(1);
    expect(parsed.datasources).toHaveLength(1);
    expect(parsed.datasources[0]).toMatchObject({ type: 'prometheus', uid: 'prom-main', url: 'http://prometheus:9090', access: 'proxy' });
  });

  it('loads dashboards from the mounted dashboards directory with a file provider', async () => {
    const model = await specModel();
    const provider = grafanaProvisioningGenerator(model).find((file) => file.path === grafanaProvisioningPaths.dashboards)!;
    const parsed = parse(renderFile(provider, model.source)) as { providers: { type: string; options: { path: string } }[] };
    expect(parsed.providers).toEqual([expect.objectContaining({ type: 'file', options: expect.objectContaining({ path: grafanaDashboardsMountPath }) })]);
  });
});
