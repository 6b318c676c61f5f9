import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { beforeAll, describe, expect, it } from 'vitest';
import { dashboardUids, runbookUrl } from '../src/dashboards/index.js';
import { alertThresholdsRule } from '../src/lint/rules/alert-thresholds.js';
import type { LintContext } from '../src/lint/types.js';
import { dashboardPanels } from '../src/lint/walk.js';
import { dashboardByUid, specModel } from './dashboard-fixtures.js';

let context: LintContext;
beforeAll(async () => {
  context = { model: await specModel() };
});

function overridesOf(dashboard: Dashboard, title: string) {
  return dashboardPanels(dashboard).find((panel) => panel.title === title)!.fieldConfig!.overrides;
}

function setThreshold(dashboard: Dashboard, title: string, series: string, value: number): void {
  const override = overridesOf(dashboard, title).find((candidate) => candidate.matcher.options === series)!;
  const thresholds = override.properties.find((property) => property.id === 'thresholds')!.value as { steps: { value: number | null }[] };
  thresholds.steps[1]!.value = value;
}

describe('lint rule alert-thresholds', () => {
  it('passes the generated dashboards, whose thresholds come from the spec', () => {
    for (const uid of Object.values(dashboardUids)) expect(alertThresholdsRule.check(dashboardByUid(context.model, uid), context), uid).toEqual([]);
  });

  it('reports a threshold that differs from the alert value, naming series and alert', () => {
    const dashboard = dashboardByUid(context.model, dashboardUids.service);
    setThreshold(dashboard, 'Error ratio', 'api', 0.2);
    expect(alertThresholdsRule.check(dashboard, context)).toEqual([
      expect.objectContaining({ panel: 'Error ratio', message: 'threshold of series "api" is [0.2], but HighErrorRate fires at 0.1' }),
    ]);
  });

  it('reports a series the alert watches that has no threshold', () => {
    const dashboard = dashboardByUid(context.model, dashboardUids.pipeline);
    const overrides = overridesOf(dashboard, 'Required-field coverage');
    overrides.splice(overrides.findIndex((override) => override.matcher.options === 'orders price'), 1);
    expect(alertThresholdsRule.check(dashboard, context).map((problem) => problem.message)).toEqual([
      'no threshold drawn for series "orders price"; PipelineFieldCoverageDrop fires at 0.95',
    ]);
  });

  it('reports thresholds on a panel that links no alert, and panel-wide thresholds', () => {
    const dashboard = dashboardByUid(context.model, dashboardUids.runtime);
    const panel = dashboardPanels(dashboard).find((candidate) => candidate.title === 'Event-loop lag p99')!;
    panel.links = [];
    panel.fieldConfig!.defaults.thresholds = { mode: 'absolute' as never, steps: [{ value: null, color: 'green' }, { value: 0.25, color: 'red' }] };
    const messages = alertThresholdsRule.check(dashboard, context).map((problem) => problem.message);
    expect(messages).toContain('threshold on series "api" matches no alert this panel links to (none)');
    expect(messages).toContain("panel-wide thresholds [0.25] are not tied to any alert's series; draw alert thresholds per series");
  });

  it('resolves a prefix (byRegexp) override to the one service it covers, and reports one that covers none', () => {
    const dashboard = dashboardByUid(context.model, dashboardUids.service);
    const overrides = overridesOf(dashboard, 'Operation p95 duration');
    expect(overrides.map((override) => override.matcher)).toContainEqual({ id: 'byRegexp', options: '/^api /' });
    expect(alertThresholdsRule.check(dashboard, context)).toEqual([]);
    overrides.find((override) => override.matcher.options === '/^api /')!.matcher.options = '/^ap /';
    expect(alertThresholdsRule.check(dashboard, context).map((problem) => problem.message)).toEqual([
      'threshold override regex /^ap / matches none of the series the alerts watch',
      'no threshold drawn for series "api"; HighLatencyP95 fires at 0.75',
    ]);
  });

  it('reports a runbook link to an alert that does not exist', () => {
    const dashboard = dashboardByUid(context.model, dashboardUids.service);
    const panel = dashboardPanels(dashboard).find((candidate) => candidate.title === 'Error ratio')!;
    panel.links![0]!.url = runbookUrl(context.model, 'HighErorRate');
    expect(alertThresholdsRule.check(dashboard, context).map((problem) => problem.message)).toEqual([
      `runbook link ${runbookUrl(context.model, 'HighErorRate')} names no alert Vigil renders`,
      'threshold on series "api" matches no alert this panel links to (none)',
      'threshold on series "ingest" matches no alert this panel links to (none)',
      'threshold on series "worker" matches no alert this panel links to (none)',
    ]);
  });

  it('follows the model: a changed spec value makes the old dashboard wrong', () => {
    const dashboard = dashboardByUid(context.model, dashboardUids.pipeline);
    const model = {
      ...context.model,
      pipelines: context.model.pipelines.map((pipeline) =>
        pipeline.name === 'orders' ? { ...pipeline, alerts: { ...pipeline.alerts, noItemsCreated: { window: '3h' } } } : pipeline,
      ),
    };
    expect(alertThresholdsRule.check(dashboard, { model }).map((problem) => problem.message)).toEqual([
      'threshold of series "orders" is [21600], but PipelineNoItemsCreated fires at 10800',
    ]);
  });
});
