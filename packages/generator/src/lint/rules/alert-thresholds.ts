import type { Panel } from '@grafana/grafana-foundation-sdk/dashboard';
import { thresholdLegendSuffix } from '../../dashboards/thresholds.js';
import { runbookAlertName } from '../../model/runbook.js';
import { promNumber } from '../../rules/format.js';
import { alertOfRunbookUrl, thresholdExpectation, type ThresholdExpectation } from '../alert-expectations.js';
import { dashboardPanels } from '../walk.js';
import { dashboardLabel, type DashboardLintRule, type LintProblem } from '../types.js';

const name = 'alert-thresholds';

interface Target {
  readonly refId: string;
  readonly expr: string;
  readonly legend: string;
}

function targetsOf(panel: Panel): Target[] {
  return (panel.targets ?? []).flatMap((target) => {
    const { refId, expr, legendFormat } = target as { refId?: string; expr?: unknown; legendFormat?: unknown };
    return typeof expr === 'string' ? [{ refId: refId ?? '', expr, legend: typeof legendFormat === 'string' ? legendFormat : '' }] : [];
  });
}

/** Threshold step values (non-null) each override sets, with the matcher that selects its fields. */
function overrideThresholds(panel: Panel): { matcher: { id: string; options?: unknown }; values: number[] }[] {
  return (panel.fieldConfig?.overrides ?? []).flatMap((override) =>
    override.properties
      .filter((property) => property.id === 'thresholds')
      .map((property) => ({
        matcher: override.matcher,
        values: ((property.value as { steps?: { value: number | null }[] } | undefined)?.steps ?? []).flatMap((step) => (step.value === null ? [] : [step.value])),
      })),
  );
}

const explains = (expectation: ThresholdExpectation, expr: string): boolean => expectation.reads !== undefined && expr.includes(expectation.reads);

/**
 * A threshold line that disagrees with its alert misleads whoever is paged. A panel linking to
 * an alert's runbook must draw that alert's threshold from the series the rule compares against
 * (falling back to the rule's default), or colour by the one value that holds for every target;
 * and it draws no threshold that no linked alert explains. Thresholds are per query, never per
 * series, so a dashboard does not grow with the fleet.
 */
export const alertThresholdsRule: DashboardLintRule = {
  name,
  description: 'Threshold lines read the series the linked alerts compare against, with their defaults; no per-series thresholds.',
  check(dashboard, { model }) {
    const label = dashboardLabel(dashboard);
    const problems: LintProblem[] = [];
    for (const panel of dashboardPanels(dashboard)) {
      const report = (message: string) => problems.push({ rule: name, dashboard: label, panel: panel.title ?? '(untitled)', message });
      const expectations = (panel.links ?? []).flatMap((link) => {
        const alert = alertOfRunbookUrl(model, link.url);
        if (alert === undefined && runbookAlertName(model, link.url) !== undefined) report(`runbook link ${link.url} names no alert Vigil renders`);
        const expectation = alert === undefined ? undefined : thresholdExpectation(model, alert);
        return expectation === undefined ? [] : [expectation];
      });
      const linked = expectations.map((expectation) => expectation.alert).join(', ') || 'none';
      const targets = targetsOf(panel);
      const fixed = overrideThresholds(panel);
      for (const expectation of expectations) {
        const reading = targets.filter((target) => explains(expectation, target.expr));
        const hasFixed = expectation.fixed !== undefined && fixed.some((entry) => entry.values.length === 1 && entry.values[0] === expectation.fixed);
        if (reading.length === 0 && !hasFixed) {
          report(`no threshold drawn for ${expectation.alert}: no query reads ${expectation.reads ?? `a fixed threshold at ${expectation.fixed}`}`);
        }
        if (expectation.defaultValue === undefined) continue;
        const fallback = `* 0 + ${promNumber(expectation.defaultValue)}`;
        for (const target of reading) {
          if (!target.expr.includes(fallback)) report(`threshold line ${target.refId} does not fall back to ${expectation.alert}'s default ${expectation.defaultValue}`);
        }
      }
      for (const target of targets) {
        if (!target.legend.endsWith(` ${thresholdLegendSuffix}`)) continue;
        if (!expectations.some((expectation) => explains(expectation, target.expr))) report(`threshold line ${target.refId} matches no alert this panel links to (${linked})`);
      }
      for (const entry of fixed) {
        if (entry.matcher.id !== 'byFrameRefID') report(`thresholds by ${entry.matcher.id} ${String(entry.matcher.options)}: draw alert thresholds per query, not per series`);
        else if (!expectations.some((expectation) => entry.values.length === 1 && entry.values[0] === expectation.fixed)) {
          report(`threshold ${JSON.stringify(entry.values)} on query ${String(entry.matcher.options)} matches no alert this panel links to (${linked})`);
        }
      }
      const panelWide = (panel.fieldConfig?.defaults.thresholds?.steps ?? []).flatMap((step) => (step.value === null ? [] : [step.value]));
      if (panelWide.length > 0) report(`panel-wide thresholds ${JSON.stringify(panelWide)} are not tied to any alert; draw alert thresholds per query`);
    }
    return problems;
  },
};
