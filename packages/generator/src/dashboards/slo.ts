import { DashboardBuilder, RowBuilder, type Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import type { Model } from '../model/types.js';
import { burnRateAlerts } from '../slo/alerts.js';
import { sloSeries as s, sloWindows } from '../slo/series.js';
import { vigilDashboardsLink } from './links.js';
import { PanelIds, statPanel, tablePanel, timeseriesPanel } from './panels.js';
import { datasourceVariable, labelVariable } from './variables.js';

/** Stable uid of the SLO dashboard (links and bookmarks depend on it). */
export const sloDashboardUid = 'vigil-slo';

const selected = 'team=~"$team", slo=~"$slo"';
const pairsText = [...burnRateAlerts.fast.pairs, ...burnRateAlerts.slow.pairs].map((pair) => `${pair.factor}x (${pair.long}/${pair.short})`).join(', ');

/**
 * Error budgets, burn rates and SLIs of every SLO, read from the SLO recording rules. SLOs
 * are picked with variables over `vigil:slo_objective`; nothing is listed per SLO, so the
 * dashboard is the same size for one SLO or ten thousand.
 */
export function sloDashboard(model: Model): Dashboard {
  const ids = new PanelIds();
  return new DashboardBuilder('Vigil / SLOs')
    .uid(sloDashboardUid)
    .description(`Service level objectives: error budget, burn rates, SLI against objective. Generated from ${model.source}; do not edit.`)
    .tags(['vigil', 'slo'])
    .readonly()
    .time({ from: 'now-7d', to: 'now' })
    .refresh('1m')
    .link(vigilDashboardsLink())
    .withVariable(datasourceVariable(model))
    .withVariable(labelVariable('team', 'Team', `label_values(${s.objective}, team)`))
    .withVariable(labelVariable('slo', 'SLO', `label_values(${s.objective}{team=~"$team"}, slo)`))
    .withRow(new RowBuilder('Error budget').id(ids.next()))
    .withPanel(
      tablePanel(model, ids, {
        title: 'Error budget remaining',
        description:
          'Share of each SLO\'s error budget left over its period (1 untouched, 0 spent, below 0 overspent), from vigil:slo_error_budget_remaining:ratio. The period ratio is computed from the 5m SLI series.',
        unit: 'percentunit',
        queries: [{ expr: `${s.budgetRemaining}{${selected}}`, legend: '{{slo}}' }],
        width: 12,
      }),
    )
    .withPanel(
      statPanel(model, ids, {
        title: 'SLO burn-rate alerts firing',
        description: 'ErrorBudgetBurnFast (P1) and ErrorBudgetBurnSlow (P2) alerts firing for the selected SLOs; 0 when none.',
        unit: 'short',
        queries: [{ expr: `count(ALERTS{alertname=~"ErrorBudgetBurn.*", alertstate="firing", ${selected}}) or vector(0)`, legend: 'firing' }],
        width: 12,
        height: 8,
      }),
    )
    .withPanel(
      timeseriesPanel(model, ids, {
        title: 'Error budget remaining over time',
        description: 'Remaining error budget of each SLO over its rolling period.',
        unit: 'percentunit',
        queries: [{ expr: `${s.budgetRemaining}{${selected}}`, legend: '{{slo}}' }],
        width: 24,
      }),
    )
    .withRow(new RowBuilder('Burn rates').id(ids.next()))
    .withPanel(
      tablePanel(model, ids, {
        title: 'Burn rate per window',
        description: `Error ratio over each window divided by the error budget (1 - objective): 1 spends the budget exactly over the period. Alerts fire at ${pairsText}, with each window holding at least the SLO's minEvents events.`,
        unit: 'short',
        queries: sloWindows.map((window) => ({ expr: `${s.burnRate(window)}{${selected}}`, legend: `{{slo}} ${window}` })),
        width: 24,
      }),
    )
    .withPanel(
      timeseriesPanel(model, ids, {
        title: 'Fast burn windows (page)',
        description: `Burn rate over 1h and 6h. ErrorBudgetBurnFast pages at ${burnRateAlerts.fast.pairs.map((pair) => `${pair.factor}x over ${pair.long} and ${pair.short}`).join(' or ')}.`,
        unit: 'short',
        min: 0,
        queries: (['5m', '1h', '6h'] as const).map((window) => ({ expr: `${s.burnRate(window)}{${selected}}`, legend: `{{slo}} ${window}` })),
      }),
    )
    .withPanel(
      timeseriesPanel(model, ids, {
        title: 'Slow burn windows (ticket)',
        description: `Burn rate over 1d and 3d. ErrorBudgetBurnSlow opens a ticket at ${burnRateAlerts.slow.pairs.map((pair) => `${pair.factor}x over ${pair.long} and ${pair.short}`).join(' or ')}.`,
        unit: 'short',
        min: 0,
        queries: (['2h', '1d', '3d'] as const).map((window) => ({ expr: `${s.burnRate(window)}{${selected}}`, legend: `{{slo}} ${window}` })),
      }),
    )
    .withRow(new RowBuilder('SLI').id(ids.next()))
    .withPanel(
      timeseriesPanel(model, ids, {
        title: 'SLI against objective',
        description: 'Share of good events over 1h (1 - error ratio) and each SLO\'s objective. Freshness counts seconds during which the newest item was young enough.',
        unit: 'percentunit',
        max: 1,
        queries: [
          { expr: `1 - ${s.errorRatio('1h')}{${selected}}`, legend: '{{slo}} SLI 1h' },
          { expr: `${s.objective}{${selected}}`, legend: '{{slo}} objective' },
        ],
      }),
    )
    .withPanel(
      timeseriesPanel(model, ids, {
        title: 'Events per second',
        description: 'Events the SLI counts (requests; for freshness one per second) and bad events, over 5m. A burn rate on few events is noise: the alerts need minEvents per window.',
        unit: 'reqps',
        min: 0,
        queries: [
          { expr: `${s.events5m}{${selected}}`, legend: '{{slo}} events' },
          { expr: `${s.errors5m}{${selected}}`, legend: '{{slo}} bad' },
        ],
      }),
    )
    .build();
}
