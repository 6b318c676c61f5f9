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

function panelOf(dashboard: Dashboard, title: string) {
  return dashboardPanels(dashboard).find((panel) => panel.title === title)!;
}

function targetOf(dashboard: Dashboard, title: string, refId: string): { expr: string; legendFormat: string } {
  return panelOf(dashboard, title).targets!.find((target) => (target as { refId?: string }).refId === refId) as unknown as { expr: string; legendFormat: string };
}

const messages = (dashboard: Dashboard, lintContext: LintContext = context) => alertThresholdsRule.check(dashboard, lintContext).map((problem) => problem.message);

describe('lint rule alert-thresholds', () => {
  it('passes the generated dashboards, whose threshold lines read the rules\' parameter series', () => {
    for (const uid of Object.values(dashboardUids)) expect(alertThresholdsRule.check(dashboardByUid(context.model, uid), context), uid).toEqual([]);
  });

  it('reports a threshold line that falls back to a value other than the rule default', () => {
    const dashboard = dashboardByUid(context.model, dashboardUids.service);
    const line = targetOf(dashboard, 'Error ratio', 'B');
    line.expr = line.expr.replace('* 0 + 0.1', '* 0 + 0.2');
    expect(messages(dashboard)).toEqual(["threshold line B does not fall back to HighErrorRate's default 0.1"]);
  });

  it('reports a panel linking an alert that draws no threshold for it', () => {
    const dashboard = dashboardByUid(context.model, dashboardUids.pipeline);
    const panel = panelOf(dashboard, 'Required-field coverage');
    panel.targets = panel.targets!.filter((target) => (target as { refId?: string }).refId === 'A');
    expect(messages(dashboard)).toEqual([
      'no threshold drawn for PipelineFieldCoverageDrop: no query reads vigil:alert_threshold{alert="PipelineFieldCoverageDrop",parameter="floor"}',
    ]);
  });

  it('reports a threshold line that reads another alert\'s parameter, and panel-wide thresholds', () => {
    const dashboard = dashboardByUid(context.model, dashboardUids.runtime);
    const line = targetOf(dashboard, 'Event-loop lag p99', 'B');
    line.expr = line.expr.replace('EventLoopLagHigh', 'MemoryHigh');
    panelOf(dashboard, 'Event-loop lag p99').fieldConfig!.defaults.thresholds = { mode: 'absolute' as never, steps: [{ value: null, color: 'green' }, { value: 0.25, color: 'red' }] };
    expect(messages(dashboard)).toEqual([
      'no threshold drawn for EventLoopLagHigh: no query reads vigil:alert_threshold{alert="EventLoopLagHigh",parameter="seconds"}',
      'threshold line B matches no alert this panel links to (EventLoopLagHigh)',
      'panel-wide thresholds [0.25] are not tied to any alert; draw alert thresholds per query',
    ]);
  });

  it('reports per-series threshold overrides and a fixed threshold no alert explains', () => {
    const dashboard = dashboardByUid(context.model, dashboardUids.overview);
    const overrides = panelOf(dashboard, 'Service up').fieldConfig!.overrides;
    const steps = (overrides[0]!.properties[0]!.value as { steps: { value: number | null }[] }).steps;
    steps[1]!.value = 0.5;
    overrides.push({ matcher: { id: 'byName', options: 'api' }, properties: [{ id: 'thresholds', value: { mode: 'absolute', steps: [{ value: null, color: 'red' }, { value: 1, color: 'green' }] } }] });
    expect(messages(dashboard)).toEqual([
      'threshold [0.5] on query A matches no alert this panel links to (ServiceDown)',
      'thresholds by byName api: draw alert thresholds per query, not per series',
    ]);
  });

  it('reports a runbook link to an alert that does not exist, and the threshold line it leaves unexplained', () => {
    const dashboard = dashboardByUid(context.model, dashboardUids.service);
    const panel = panelOf(dashboard, 'Error ratio');
    panel.links![0]!.url = runbookUrl(context.model, 'HighErorRate');
    expect(messages(dashboard)).toEqual([
      `runbook link ${runbookUrl(context.model, 'HighErorRate')} names no alert Vigil renders`,
      'threshold line B matches no alert this panel links to (none)',
    ]);
  });
});
