/**
 * promql/scope.ts over a corpus of expression shapes: each result is re-parsed and every vector
 * selector in it must carry both scope matchers, with what it matched before unchanged.
 */
import { describe, expect, it } from 'vitest';
import { analysePromQL } from '../src/promql/parse.js';
import { scopeExpression, SelectorScopeError } from '../src/promql/scope.js';

const labels = { environment: 'prod', cluster: 'eu-1' } as const;

/** Every selector of `expr` as `metric{label op value...}` with matchers sorted, to compare before and after. */
function selectorsOf(expr: string): string[] {
  return analysePromQL(expr).selectors.map(
    (selector) =>
      `${selector.metricName ?? ''}{${[...selector.matchers]
        .map((matcher) => `${matcher.label}${matcher.op}${matcher.value}`)
        .sort()
        .join(',')}}`,
  );
}

const corpus: readonly string[] = [
  'up',
  'up{job="api"}',
  'up{job="api",}',
  'up{}',
  '{__name__="up", job="api"}',
  '{"up", job="api"}',
  'http_requests_total{status_code=~"5..", route!="/health"}',
  'rate(http_requests_total[5m])',
  'rate(http_requests_total{job="api"}[5m] offset 1h)',
  'max_over_time(rate(items_created_total[5m])[1h:5m])',
  'max_over_time(up[1h:] offset 1d)',
  'up @ 1700000000',
  'sum by (job) (rate(a[5m])) / sum by (job) (rate(b[5m]))',
  'sum(rate(a[5m])) by (job, le)',
  'sum without (instance) (a)',
  'count(up == 0)',
  'a / on (job) group_left (team) b',
  'a / ignoring (le) b',
  'a * on () group_left vector(1)',
  'a > bool 1',
  'absent(up{job="api"})',
  'label_replace(up, "x", "$1", "job", "(.*)")',
  'histogram_quantile(0.95, sum by (job, le) (rate(h_bucket[5m])))',
  'vector(1) or time() - a',
  '-a',
  '(a)',
  'topk(3, a)',
  'a # a comment\n  or b',
  'rate(a[$__rate_interval]) / rate(b{job=~"$job"}[${__rate_interval}])',
];

describe('scopeExpression', () => {
  for (const expr of corpus) {
    it(`scopes every selector of ${JSON.stringify(expr)} and keeps what it matched`, () => {
      const scoped = scopeExpression(expr, labels);
      const analysis = analysePromQL(scoped);
      expect(analysis.syntaxErrors, scoped).toEqual([]);
      const before = analysePromQL(expr).selectors;
      expect(analysis.selectors).toHaveLength(before.length);
      for (const [index, selector] of analysis.selectors.entries()) {
        expect(selector.metricName, scoped).toBe(before[index]!.metricName);
        expect(selector.matchers, scoped).toEqual([
          ...before[index]!.matchers,
          { label: 'environment', op: '=', value: 'prod' },
          { label: 'cluster', op: '=', value: 'eu-1' },
        ]);
      }
      // Scoping is the only change: removing the inserted matchers gives back the selectors.
      expect(selectorsOf(scoped).map((text) => text.replace(/,?cluster=eu-1|,?environment=prod/g, '').replace('{,', '{'))).toEqual(selectorsOf(expr));
    });
  }

  it('keeps the scope labels in non-empty by and on lists, and leaves empty or absent ones alone', () => {
    expect(scopeExpression('sum by (job) (a) / on (job) group_left (team) b', labels)).toBe(
      'sum by (job, environment, cluster) (a{environment="prod", cluster="eu-1"}) / on (job, environment, cluster) group_left (team) b{environment="prod", cluster="eu-1"}',
    );
    expect(scopeExpression('sum by (job, cluster) (a)', labels)).toBe('sum by (job, cluster, environment) (a{environment="prod", cluster="eu-1"})');
    expect(scopeExpression('count(a) * on () group_left vector(1)', labels)).toBe('count(a{environment="prod", cluster="eu-1"}) * on () group_left vector(1)');
    expect(scopeExpression('sum without (instance) (a) / ignoring (le) b', labels)).toBe(
      'sum without (instance) (a{environment="prod", cluster="eu-1"}) / ignoring (le) b{environment="prod", cluster="eu-1"}',
    );
  });

  it('keeps Grafana duration variables as written', () => {
    expect(scopeExpression('rate(a{job=~"$job"}[$__rate_interval])', labels)).toBe('rate(a{job=~"$job", environment="prod", cluster="eu-1"}[$__rate_interval])');
  });

  it('quotes values in PromQL string syntax', () => {
    const scoped = scopeExpression('up', { environment: 'say "hi" \\ there' });
    expect(analysePromQL(scoped).selectors[0]!.matchers).toEqual([{ label: 'environment', op: '=', value: 'say "hi" \\ there' }]);
  });

  it('returns the expression unchanged without labels', () => {
    expect(scopeExpression('sum by (job) (up)', {})).toBe('sum by (job) (up)');
  });

  it('refuses a selector that already matches on a scope label, naming it', () => {
    expect(() => scopeExpression('a + up{environment!="dev"}', labels)).toThrow(SelectorScopeError);
    expect(() => scopeExpression('a + up{environment!="dev"}', labels)).toThrow(/up\{environment!="dev"\} already matches on environment/);
    expect(() => scopeExpression('a + {"cluster"="x"}', labels)).toThrow(/already matches on cluster/);
  });

  it('refuses an expression that does not parse', () => {
    expect(() => scopeExpression('sum by (job (up)', labels)).toThrow(/cannot scope .*syntax error/);
  });
});
