import type { Panel } from '@grafana/grafana-foundation-sdk/dashboard';
import type { AlertName } from '../../dashboards/alerts.js';
import { runbookAlertName } from '../../model/runbook.js';
import { alertOfRunbookUrl, expectedAlertThresholds } from '../alert-expectations.js';
import { dashboardPanels } from '../walk.js';
import { dashboardLabel, type DashboardLintRule, type LintProblem } from '../types.js';

const name = 'alert-thresholds';

/** Grafana's reading of a field-name regex: `/body/flags`, or a bare pattern matched whole. */
function grafanaRegex(pattern: string): RegExp | undefined {
  const delimited = /^\/(.*)\/([gimsuy]*)$/.exec(pattern);
  try {
    return delimited ? new RegExp(delimited[1]!, delimited[2]) : new RegExp(`^${pattern}$`);
  } catch {
    return undefined;
  }
}

/**
 * The series an override's thresholds apply to: a `byName` matcher names it; a `byRegexp`
 * matcher stands for the one expected series whose name, followed by a space and more (a
 * legend like "{{job}} {{operation}}"), it matches. Anything else is reported as unresolved.
 */
function overrideSeries(matcher: { id: string; options?: unknown }, expected: readonly string[]): string | { unresolved: string } {
  const options = String(matcher.options);
  if (matcher.id === 'byName') return options;
  if (matcher.id === 'byRegexp') {
    const regex = grafanaRegex(options);
    const covered = regex ? expected.filter((series) => regex.test(`${series} series`)) : [];
    if (covered.length === 1) return covered[0]!;
    return { unresolved: `regex ${options} matches ${covered.length === 0 ? 'none' : covered.length} of the series the alerts watch` };
  }
  return { unresolved: `matcher ${matcher.id} ${options} is not by series name` };
}

/** Non-null threshold step values per series the panel's overrides draw thresholds for. */
function seriesThresholds(panel: Panel, expected: readonly string[], report: (message: string) => void): Map<string, number[]> {
  const bySeries = new Map<string, number[]>();
  for (const override of panel.fieldConfig?.overrides ?? []) {
    for (const property of override.properties) {
      if (property.id !== 'thresholds') continue;
      const steps = (property.value as { steps?: { value: number | null }[] } | undefined)?.steps ?? [];
      const series = overrideSeries(override.matcher, expected);
      if (typeof series !== 'string') {
        report(`threshold override ${series.unresolved}`);
        continue;
      }
      bySeries.set(series, steps.flatMap((step) => (step.value === null ? [] : [step.value])));
    }
  }
  return bySeries;
}

function defaultThresholdValues(panel: Panel): number[] {
  return (panel.fieldConfig?.defaults.thresholds?.steps ?? []).flatMap((step) => (step.value === null ? [] : [step.value]));
}

/**
 * A threshold line that disagrees with its alert misleads whoever is paged. Each panel linking
 * to an alert's runbook must draw, for every series the alert watches, exactly the model value
 * the alert rule uses; and a panel draws no threshold that no linked alert explains.
 */
export const alertThresholdsRule: DashboardLintRule = {
  name,
  description: "Thresholds drawn on a panel equal the spec's alert values, series by series, for every alert the panel links to.",
  check(dashboard, { model }) {
    const label = dashboardLabel(dashboard);
    const problems: LintProblem[] = [];
    for (const panel of dashboardPanels(dashboard)) {
      const panelTitle = panel.title ?? '(untitled)';
      const report = (message: string) => problems.push({ rule: name, dashboard: label, panel: panelTitle, message });
      const alerts = (panel.links ?? []).flatMap((link) => {
        const alert = alertOfRunbookUrl(model, link.url);
        if (alert === undefined && runbookAlertName(model, link.url) !== undefined) report(`runbook link ${link.url} names no alert Vigil renders`);
        return alert ? [alert] : [];
      });
      const expected = new Map<string, { value: number; alert: AlertName }>();
      for (const alert of alerts) {
        for (const [series, value] of expectedAlertThresholds(model, alert) ?? []) expected.set(series, { value, alert });
      }
      const drawn = seriesThresholds(panel, [...expected.keys()], report);
      for (const [series, { value, alert }] of expected) {
        const values = drawn.get(series);
        if (values === undefined) report(`no threshold drawn for series "${series}"; ${alert} fires at ${value}`);
        else if (values.length !== 1 || values[0] !== value) report(`threshold of series "${series}" is ${JSON.stringify(values)}, but ${alert} fires at ${value}`);
      }
      for (const series of drawn.keys()) {
        if (!expected.has(series)) report(`threshold on series "${series}" matches no alert this panel links to (${alerts.join(', ') || 'none'})`);
      }
      const panelWide = defaultThresholdValues(panel);
      if (panelWide.length > 0) report(`panel-wide thresholds ${JSON.stringify(panelWide)} are not tied to any alert's series; draw alert thresholds per series`);
    }
    return problems;
  },
};
