import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildDashboards, dashboardUids, runbookUrl } from '../src/dashboards/index.js';
import { renderModel } from '../src/generate.js';
import { dashboardPanels, panelExpressions } from '../src/lint/walk.js';
import type { Model } from '../src/model/types.js';
import { alertDefinitions } from '../src/rules/alerts/index.js';
import { rulesGenerator } from '../src/rules/generator.js';
import { recordingRuleNames } from '../src/rules/recording.js';
import { alertNames } from '../src/dashboards/alerts.js';
import { sloDashboardUid } from '../src/dashboards/slo.js';
import { dashboardByUid, specModel } from './dashboard-fixtures.js';
import { buildModel } from '../src/model/build.js';
import { largeSpec } from '../../../bench/generate.js';

let model: Model;
beforeAll(async () => {
  model = await specModel();
});

function panel(dashboard: Dashboard, title: string) {
  const found = dashboardPanels(dashboard).find((candidate) => candidate.title === title);
  if (!found) throw new Error(`no panel "${title}" in ${dashboard.uid}`);
  return found;
}

function thresholdLines(dashboard: Dashboard, title: string): { refId: string; expr: string; legend: string }[] {
  return (panel(dashboard, title).targets ?? []).flatMap((target) => {
    const { refId, expr, legendFormat } = target as { refId?: string; expr?: string; legendFormat?: string };
    return legendFormat?.endsWith(' threshold') === true ? [{ refId: refId!, expr: expr!, legend: legendFormat }] : [];
  });
}

/** Dashboard JSON bytes as the writer would store them, for a spec of `count` services and pipelines. */
function dashboardBytes(count: number): number {
  const fleet = buildModel(largeSpec(count), `fleet-${count}.json`);
  const source = (text: string) => text.replaceAll(fleet.source, 'SPEC');
  return buildDashboards(fleet).reduce((total, { dashboard }) => total + source(JSON.stringify(dashboard, null, 2)).length, 0);
}

describe('dashboards generator', () => {
  it('renders the four dashboards, the SLO, hosts and dependencies ones when the spec has those, with stable uids, tags and files', () => {
    const rendered = buildDashboards(model);
    expect(rendered.map(({ path, dashboard }) => [path, dashboard.uid])).toEqual([
      ['dashboards/overview.json', dashboardUids.overview],
      ['dashboards/pipelines.json', dashboardUids.pipeline],
      ['dashboards/services.json', dashboardUids.service],
      ['dashboards/runtime.json', dashboardUids.runtime],
      ['dashboards/slos.json', sloDashboardUid],
      ['dashboards/hosts.json', dashboardUids.hosts],
      ['dashboards/dependencies.json', dashboardUids.dependencies],
    ]);
    for (const { dashboard } of rendered) expect(dashboard.tags).toContain('vigil');
  });

  it('renders no hosts or dependencies dashboard for a spec without hosts or exporter dependencies, and only the postgres row without redis', () => {
    const { hosts: _hosts, ...withoutHosts } = model;
    const bare: Model = { ...withoutHosts, dependencies: model.dependencies.filter((dependency) => dependency.kind === 'healthCheck') };
    const uids = buildDashboards(bare).map(({ dashboard }) => dashboard.uid);
    expect(uids).not.toContain(dashboardUids.hosts);
    expect(uids).not.toContain(dashboardUids.dependencies);
    const postgresOnly: Model = { ...model, dependencies: model.dependencies.filter((dependency) => dependency.kind !== 'redis') };
    const titles = dashboardPanels(dashboardByUid(postgresOnly, dashboardUids.dependencies)).map((entry) => entry.title ?? '');
    expect(titles.some((title) => title.startsWith('PostgreSQL'))).toBe(true);
    expect(titles.some((title) => title.startsWith('Redis'))).toBe(false);
  });

  it('links every host and dependency panel to the runbook of the exporter alert it shows', () => {
    for (const uid of [dashboardUids.hosts, dashboardUids.dependencies]) {
      for (const entry of dashboardPanels(dashboardByUid(model, uid))) {
        expect(entry.links?.length ?? 0, `${uid} / ${entry.title}`).toBeGreaterThan(0);
      }
    }
  });

  it('is registered with pnpm generate, with the Grafana provisioning', () => {
    const paths = renderModel(model).map((file) => file.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'dashboards/overview.json',
        'dashboards/pipelines.json',
        'dashboards/services.json',
        'dashboards/runtime.json',
        'monitoring/grafana/provisioning/datasources/prometheus.yml',
        'monitoring/grafana/provisioning/dashboards/vigil.yml',
      ]),
    );
  });

  it('is deterministic: two renderings are byte-identical', () => {
    expect(JSON.stringify(buildDashboards(model))).toBe(JSON.stringify(buildDashboards(model)));
  });

  it('gives every panel a unique, positive id', () => {
    for (const { dashboard } of buildDashboards(model)) {
      const ids = (dashboard.panels ?? []).flatMap((entry) => [entry.id, ...('panels' in entry && Array.isArray(entry.panels) ? entry.panels.map((inner) => inner.id) : [])]);
      expect(ids.every((id) => typeof id === 'number' && id > 0), dashboard.uid).toBe(true);
      expect(new Set(ids).size, dashboard.uid).toBe(ids.length);
    }
  });

  it('defaults the datasource variable to the provisioned uid and lists services and pipelines from the info series, not from the spec', () => {
    const overview = dashboardByUid(model, dashboardUids.overview);
    const variables = new Map((overview.templating.list ?? []).map((variable) => [variable.name, variable]));
    expect(variables.get('datasource')?.current?.value).toBe(model.grafana.datasourceUid);
    expect(variables.get('job')?.query).toBe('label_values(vigil:service_info{target_kind="service"}, job)');
    expect(variables.get('pipeline')?.query).toBe('label_values(vigil:pipeline_info, pipeline)');
    expect(variables.get('job')?.regex ?? '').toBe('');
  });

  it('stays the same size for 10 and 1,000 services and pipelines (no per-target query, override or option)', () => {
    const small = dashboardBytes(10);
    const large = dashboardBytes(1000);
    expect(large).toBe(small);
  });

  it('reads the recording rules where one exists', () => {
    const services = dashboardByUid(model, dashboardUids.service);
    expect(panelExpressions(panel(services, 'Request rate'))).toEqual([`${recordingRuleNames.jobRequestsRate5m}{job=~"$job"}`]);
    expect(panelExpressions(panel(services, 'Latency by route (p50, p95, p99)')).map((expr) => expr.split('{')[0])).toEqual([
      recordingRuleNames.jobRouteRequestDurationP50,
      recordingRuleNames.jobRouteRequestDurationP95,
      recordingRuleNames.jobRouteRequestDurationP99,
    ]);
  });

  it('links each alert panel to its runbook', () => {
    const services = dashboardByUid(model, dashboardUids.service);
    expect(panel(services, 'Error ratio').links?.map((link) => link.url)).toEqual([runbookUrl(model, 'HighErrorRate')]);
    expect(runbookUrl(model, 'HighErrorRate')).toBe('https://github.com/vigil-dev/vigil/blob/main/alerts/runbooks/HighErrorRate.md');
  });

  it('links only to runbooks of alerts the rules render, with the URL the rules annotate', () => {
    const rendered = new Set(alertDefinitions.map((definition) => definition.name));
    for (const name of Object.values(alertNames)) expect(rendered, name).toContain(name);
    const annotated = new Set(
      rulesGenerator(model).flatMap((file) =>
        ((file.data as { groups?: { rules: { annotations?: { runbook_url?: string } }[] }[] }).groups ?? []).flatMap((group) =>
          group.rules.flatMap((rule) => (rule.annotations?.runbook_url ? [rule.annotations.runbook_url] : [])),
        ),
      ),
    );
    const linked = buildDashboards(model).flatMap(({ dashboard }) => dashboardPanels(dashboard).flatMap((entry) => (entry.links ?? []).map((link) => link.url)));
    expect(linked.length).toBeGreaterThan(10);
    for (const url of linked) expect(annotated, url).toContain(url);
  });

  it('draws each alert threshold as one query over the parameter series the rule reads, with the rule default', () => {
    const services = dashboardByUid(model, dashboardUids.service);
    const [line] = thresholdLines(services, 'Error ratio');
    expect(line).toEqual({
      refId: 'B',
      legend: '{{job}} threshold',
      expr:
        'max by (job) (vigil:alert_threshold{alert="HighErrorRate",parameter="ratio"}) and on (job) job:http_request_errors:ratio_rate5m{job=~"$job"}' +
        ' or on (job) max by (job) (job:http_request_errors:ratio_rate5m{job=~"$job"}) * 0 + 0.1',
    });
    const errorRatio = panel(services, 'Error ratio');
    expect(errorRatio.fieldConfig?.overrides).toEqual([
      { matcher: { id: 'byFrameRefID', options: 'B' }, properties: expect.arrayContaining([{ id: 'custom.lineStyle', value: { fill: 'dash', dash: [10, 10] } }]) },
    ]);
    const pipelines = dashboardByUid(model, dashboardUids.pipeline);
    expect(thresholdLines(pipelines, 'Time since the last item').map((entry) => entry.expr)).toEqual(['pipeline:silence_threshold_seconds{pipeline=~"$pipeline"}']);
    expect(thresholdLines(pipelines, 'Creation rate against the expected floor')[0]!.expr).toContain(
      'vigil:alert_threshold{alert="PipelineItemRateLow",parameter="floor_ratio"}',
    );
  });

  it('follows the rules when a default changes, and stays the same when only per-target values change', () => {
    const changed: Model = {
      ...model,
      services: model.services.map((service) =>
        service.name === 'api' ? { ...service, alerts: { ...service.alerts, highErrorRate: { ...service.alerts.highErrorRate, ratio: 0.37 } } } : service,
      ),
    };
    expect(JSON.stringify(dashboardByUid(changed, dashboardUids.service))).toBe(JSON.stringify(dashboardByUid(model, dashboardUids.service)));
    const api = rulesGenerator(changed).find((file) => file.path === 'alerts/recording-rules.yml')!;
    const thresholds = (api.data as { groups: { rules: { record?: string; expr: string }[] }[] }).groups.flatMap((group) => group.rules).find((rule) => rule.record === 'vigil:alert_threshold');
    expect(thresholds?.expr).toContain('absent(vigil_no_such_series{alert="HighErrorRate", parameter="ratio", job="api"}) * 0.37');
  });
});
