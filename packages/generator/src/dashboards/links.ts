import { DashboardLinkBuilder, DashboardLinkType } from '@grafana/grafana-foundation-sdk/dashboard';
import type { Model } from '../model/types.js';
import { runbookUrl } from '../model/runbook.js';
import type { AlertName } from './alerts.js';

/** One link per alert the panel shows, to the runbook the alert's `runbook_url` names. */
export function runbookLinks(model: Model, alerts: readonly AlertName[]): DashboardLinkBuilder[] {
  return alerts.map((alert) =>
    new DashboardLinkBuilder(`Runbook: ${alert}`).type(DashboardLinkType.Link).url(runbookUrl(model, alert)).targetBlank(true),
  );
}

/** Links every Vigil dashboard to the others (Grafana lists dashboards carrying the tag). */
export function vigilDashboardsLink(): DashboardLinkBuilder {
  return new DashboardLinkBuilder('Vigil dashboards')
    .type(DashboardLinkType.Dashboards)
    .tags(['vigil'])
    .asDropdown(true)
    .includeVars(true)
    .keepTime(true);
}

