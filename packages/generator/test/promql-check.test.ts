import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildDashboards, dashboardUids } from '../src/dashboards/index.js';
import { dashboardPanels } from '../src/lint/walk.js';
import type { GeneratedFile, Model } from '../src/model/types.js';
import { checkExpression, checkExpressions, formatPromQLProblem } from '../src/promql/check.js';
import { knownMetrics } from '../src/promql/known-metrics.js';
import { dashboardExpressions, recordedNames, ruleExpressions } from '../src/promql/sources.js';
import { rulesGenerator } from '../src/rules/generator.js';
import { recordingRuleNames } from '../src/rules/recording.js';
import { dashboardByUid, specModel } from './dashboard-fixtures.js';

let model: Model;
/** Every series the generated rules record (shared, SLO, info, threshold and alert-own rules), as generation checks dashboards. */
let recorded: string[];
beforeAll(async () => {
  model = await specModel();
  recorded = recordedNames(rulesGenerator(model));
});

const at = { document: 'test', item: 'expr' };

function targetsOf(dashboard: Dashboard, title: string): { expr: string }[] {
  const panel = dashboardPanels(dashboard).find((candidate) => candidate.title === title);
  if (!panel) throw new Error(`no panel "${title}"`);
  return panel.targets as unknown as { expr: string }[];
}

describe('PromQL metric-name check', () => {
  it('accepts catalog metrics, prom-client defaults, recording rules, up and ALERTS', () => {
    const known = knownMetrics(model);
    for (const expr of [
      'sum(rate(items_created_total[5m]))',
      'histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket[5m])))',
      'process_resident_memory_bytes / container_memory_limit_bytes',
      `${recordingRuleNames.pipelineLastItemAgeSeconds} > 3600`,
      'up == 0',
      'ALERTS{alertstate="firing"} or ALERTS_FOR_STATE',
    ]) {
      expect(checkExpression({ ...at, expr }, known), expr).toEqual([]);
    }
  });

  it('accepts metrics of the exporters the spec declares, and only those', () => {
    expect(checkExpression({ ...at, expr: 'pg_up == 0 or redis_up == 0' }, knownMetrics(model))).toEqual([]);
    const withoutRedis: Model = { ...model, dependencies: model.dependencies.filter((dependency) => dependency.kind !== 'redis') };
    expect(checkExpression({ ...at, expr: 'redis_up == 0' }, knownMetrics(withoutRedis)).map((problem) => problem.problem)).toEqual([
      expect.stringMatching(/^unknown metric "redis_up"/),
    ]);
    const withoutHosts: Model = { ...model, hosts: undefined };
    expect(checkExpression({ ...at, expr: 'node_load1' }, knownMetrics(withoutHosts))).toHaveLength(1);
    const withNode: Model = { ...withoutHosts, dependencies: [...model.dependencies, { name: 'host', kind: 'node', team: 'platform', job: 'node', targets: ['node:9100'] }] };
    expect(checkExpression({ ...at, expr: 'node_load1' }, knownMetrics(withNode))).toEqual([]);
  });

  it('reports a typo in a dashboard metric name with the dashboard, panel title and expression', () => {
    const dashboard = dashboardByUid(model, dashboardUids.pipeline);
    const targets = targetsOf(dashboard, 'Creation rate by item type and source');
    targets[0]!.expr = targets[0]!.expr.replace('items_created_total', 'items_craeted_total');
    const problems = checkExpressions(dashboardExpressions(dashboard), knownMetrics(model, recorded));
    expect(problems).toHaveLength(1);
    expect(formatPromQLProblem(problems[0]!)).toBe(
      `dashboard "Vigil / Pipelines" › panel "Creation rate by item type and source": unknown metric "items_craeted_total": not in the metrics catalog, not a Vigil recording rule, not up/ALERTS, and not a metric of an exporter the spec declares\n    expr: ${targets[0]!.expr}`,
    );
  });

  it('checks the series selector of label_values variables', () => {
    const dashboard = dashboardByUid(model, dashboardUids.pipeline);
    const pipeline = dashboard.templating.list!.find((variable) => variable.name === 'pipeline')!;
    expect(dashboardExpressions(dashboard)).toContainEqual({
      document: 'dashboard "Vigil / Pipelines"',
      item: 'variable "pipeline"',
      expr: 'vigil:pipeline_info',
    });
    pipeline.query = 'label_values(pipeline_last_item_created_timestamp, pipeline)';
    expect(checkExpressions(dashboardExpressions(dashboard), knownMetrics(model, recorded)).map((problem) => [problem.source.item, problem.problem])).toEqual([
      ['variable "pipeline"', expect.stringMatching(/^unknown metric "pipeline_last_item_created_timestamp"/)],
    ]);
  });

  it('reports a syntax error in a dashboard expression', () => {
    const dashboard = dashboardByUid(model, dashboardUids.service);
    targetsOf(dashboard, 'Request rate')[0]!.expr = 'sum by (job (job:http_requests:rate5m)';
    const problems = checkExpressions(dashboardExpressions(dashboard), knownMetrics(model, recorded));
    expect(problems.map((problem) => [problem.source.item, problem.problem.split(':')[0]])).toContainEqual(['panel "Request rate"', 'syntax error at offset 12']);
  });

  it('reads rule files from generated output and reports a typo with file, group and alert', () => {
    const files: GeneratedFile[] = [
      {
        path: 'alerts/api.yml',
        format: 'yaml',
        data: {
          groups: [
            {
              name: 'api',
              rules: [
                { record: 'job:custom_requests:rate5m', expr: 'sum by (job) (rate(http_request_duration_seconds_count[5m]))' },
                { alert: 'HighErrorRate', expr: 'job:custom_requests:rate5m > 1 and job:http_request_erors:ratio_rate5m > 0.1', labels: {} },
              ],
            },
          ],
        },
      },
      { path: 'dashboards/x.json', format: 'json', data: { groups: 'not rules' } },
    ];
    const sources = ruleExpressions(files);
    expect(sources.map((source) => source.item)).toEqual(['record job:custom_requests:rate5m', 'alert HighErrorRate']);
    const problems = checkExpressions(sources, knownMetrics(model, recordedNames(files)));
    expect(problems.map(formatPromQLProblem)).toEqual([expect.stringMatching(/^rule file alerts\/api.yml \(group api\) › alert HighErrorRate: unknown metric "job:http_request_erors:ratio_rate5m"/)]);
  });

  it('finds no problem in any generated dashboard expression', () => {
    const sources = buildDashboards(model).flatMap(({ dashboard }) => dashboardExpressions(dashboard));
    expect(sources.length).toBeGreaterThan(25);
    expect(checkExpressions(sources, knownMetrics(model, recorded)).map(formatPromQLProblem)).toEqual([]);
  });
});
