import { describe, expect, it } from 'vitest';
import { buildDashboards } from '../src/dashboards/index.js';
import { checkDashboardsAgainstSchema } from '../src/dashboards/schema-check.js';
import { copyOf, specModel } from './dashboard-fixtures.js';

describe("generated dashboards type-check as @grafana/schema's Dashboard", () => {
  it('compiles every dashboard with zero diagnostics', async () => {
    const model = await specModel();
    const documents = buildDashboards(model).map(({ path, dashboard }) => ({ name: path, json: dashboard }));
    expect(documents).toHaveLength(7);
    expect(checkDashboardsAgainstSchema(documents)).toEqual([]);
  });

  it('reports a dashboard that does not match the schema, naming the document', async () => {
    const model = await specModel();
    const [first] = buildDashboards(model);
    const broken = copyOf(first!.dashboard) as unknown as Record<string, unknown>;
    broken['title'] = 42;
    broken['refresh'] = { every: '1m' };
    const diagnostics = checkDashboardsAgainstSchema([{ name: 'broken.json', json: broken }]);
    expect(diagnostics.length).toBeGreaterThanOrEqual(2);
    expect(diagnostics.every((diagnostic) => diagnostic.document === 'broken.json')).toBe(true);
    expect(diagnostics.map((diagnostic) => diagnostic.message).join('\n')).toMatch(/not assignable to type 'string'/);
  });

  it('reports a property the schema does not know', () => {
    const diagnostics = checkDashboardsAgainstSchema([{ name: 'extra.json', json: { title: 'x', schemaVersion: 39, panelz: [] } }]);
    expect(diagnostics.map((diagnostic) => diagnostic.message).join('\n')).toMatch(/panelz/);
  });
});
