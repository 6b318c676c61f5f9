import { describe, expect, it } from 'vitest';
import { analysePromQL } from '../src/promql/parse.js';

describe('analysePromQL', () => {
  it('finds selectors, their metric names and matchers, with Grafana variables in place', () => {
    const analysis = analysePromQL('sum by (job) (rate(http_request_duration_seconds_count{job=~"$job", status_code=~"5.."}[$__rate_interval])) / on(job) job:http_requests:rate5m');
    expect(analysis.syntaxErrors).toEqual([]);
    expect(analysis.selectors.map((selector) => selector.metricName)).toEqual(['http_request_duration_seconds_count', 'job:http_requests:rate5m']);
    expect(analysis.selectors[0]!.matchers).toEqual([
      { label: 'job', op: '=~', value: '$job' },
      { label: 'status_code', op: '=~', value: '5..' },
    ]);
  });

  it('reads a metric name given as __name__ or as a quoted name', () => {
    expect(analysePromQL('{__name__="up", job="a"}').selectors[0]).toMatchObject({ metricName: 'up', matchers: [{ label: 'job', op: '=', value: 'a' }] });
    expect(analysePromQL('{"process_cpu_seconds_total"}').selectors[0]!.metricName).toBe('process_cpu_seconds_total');
    expect(analysePromQL('{job="a"}').selectors[0]!.metricName).toBeUndefined();
  });

  it('tells a $__rate_interval range from a literal one', () => {
    const calls = analysePromQL('rate(a_total[$__rate_interval]) + increase(b_total[5m]) + irate(c_total[${__rate_interval}]) + delta(d[5m])').rangeFunctions;
    expect(calls.map((call) => [call.func, call.range, call.usesRateInterval])).toEqual([
      ['rate', '1m', true],
      ['increase', '5m', false],
      ['irate', '1m', true],
    ]);
  });

  it('reports syntax errors at their offset in the original text', () => {
    expect(analysePromQL('rate(up[5m]').syntaxErrors).toEqual([{ position: 11, message: 'unexpected end of expression' }]);
    const afterVariable = analysePromQL('rate(x[$__rate_interval]) +* 2').syntaxErrors;
    expect(afterVariable.length).toBeGreaterThan(0);
    expect(afterVariable[0]!.position).toBeGreaterThanOrEqual('rate(x[$__rate_interval]) +'.length);
    expect(analysePromQL('sum by (job (up)').syntaxErrors.length).toBeGreaterThan(0);
    expect(analysePromQL('  ').syntaxErrors).toEqual([expect.objectContaining({ message: 'empty expression' })]);
  });
});
