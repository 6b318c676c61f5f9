import { describe, expect, it } from 'vitest';
import { buildDashboards } from '../src/dashboards/index.js';
import { dashboardLintRules, formatLintProblem, lintDashboard } from '../src/lint/index.js';
import { buildModel } from '../src/index.js';
import { specModel } from './dashboard-fixtures.js';
import { specWith } from './spec-fixtures.js';

describe('dashboard lint on every generated dashboard', () => {
  it('has one rule per concern, each named and described', () => {
    expect(dashboardLintRules.map((rule) => rule.name)).toEqual([
      'datasource-variable',
      'rate-interval',
      'panel-units',
      'titles',
      'no-hardcoded-job-instance',
      'alert-thresholds',
    ]);
    for (const rule of dashboardLintRules) expect(rule.description.length).toBeGreaterThan(20);
  });

  it('finds zero problems', async () => {
    const model = await specModel();
    const rendered = buildDashboards(model);
    expect(rendered.length).toBe(7);
    const problems = rendered.flatMap(({ dashboard }) => lintDashboard(dashboard, { model }));
    expect(problems.map(formatLintProblem)).toEqual([]);
  });

  it('finds zero problems with the cluster worker panels of a service that declares runtime.cluster', () => {
    const model = buildModel(
      specWith((spec) => {
        spec.services[0].runtime = { cluster: true };
      }),
      'spec.yaml',
    );
    const problems = buildDashboards(model).flatMap(({ dashboard }) => lintDashboard(dashboard, { model }));
    expect(problems.map(formatLintProblem)).toEqual([]);
  });
});
