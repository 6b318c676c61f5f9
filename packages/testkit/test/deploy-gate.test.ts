/**
 * `vigil gate` against a real Prometheus fed by the example service, with and without faults:
 * the verdict, its one-line reason and the exit code a CI/CD step acts on.
 */
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModel, type Model } from '@vigil/generator';
import { startExampleService, type ExampleService } from '@vigil/example-service';
import { main } from '../../generator/src/cli.js';
import { evaluateGate } from '../../generator/src/gate/evaluate.js';
import { analysisTemplateResource } from '../../generator/src/kubernetes/analysis-template.js';
import { freePort, startPrometheus, waitUntil, type PrometheusInstance } from '../src/index.js';
import { startLoad, type LoadGenerator } from './e2e/load.js';
import { renderStack, type RenderedStack } from './e2e/render.js';

const specPath = 'monitoring/vigil.config.ts';
let api: ExampleService;
let prometheus: PrometheusInstance;
let load: LoadGenerator | undefined;
let rendered: RenderedStack | undefined;
let model: Model;

/** The Argo Rollouts AnalysisTemplate's metrics for api: name, query, and Argo's success condition as a predicate. */
function argoMetrics(): { name: string; query: string; succeeds: (value: number) => boolean }[] {
  const api = model.services.find((service) => service.name === 'api')!;
  const settings = { namespace: 'monitoring', labels: {}, metricsPort: 'metrics', serviceSelectorLabel: 'app', secretName: 's', dashboardLabel: { name: 'g', value: '1' } };
  const template = analysisTemplateResource(api, settings) as { spec: { metrics: { name: string; successCondition: string; provider: { prometheus: { query: string } } }[] } };
  return template.spec.metrics.map((metric) => {
    const condition = /^result\[0\] (==|<=) ([0-9.]+)$/.exec(metric.successCondition);
    if (condition === null) throw new Error(`unexpected successCondition ${metric.successCondition}`);
    const bound = Number(condition[2]);
    return { name: metric.name, query: metric.provider.prometheus.query, succeeds: (value) => (condition[1] === '==' ? value === bound : value <= bound) };
  });
}

async function argoVerdicts(): Promise<Record<string, boolean>> {
  const verdicts: Record<string, boolean> = {};
  for (const metric of argoMetrics()) {
    const [sample] = await prometheus.query(metric.query);
    if (sample === undefined) throw new Error(`${metric.name}: ${metric.query} returned nothing (Argo would count an error)`);
    verdicts[metric.name] = metric.succeeds(Number(sample.value[1]));
  }
  return verdicts;
}

async function gate(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(['gate', '--config', specPath, ...args], {
    cwd: process.cwd(),
    program: 'vigil',
    stdout: (text) => (out += text),
    stderr: (text) => (err += text),
  });
  return { code, out, err };
}

beforeAll(async () => {
  api = await startExampleService('api', { HEALTH_REFRESH_MS: '500' });
  model = await loadModel(specPath, { profile: 'e2e', overrides: { services: { api: { targets: [api.target] } }, prometheus: { alertmanagers: [] } } });
  rendered = await renderStack(model);
  prometheus = await startPrometheus({ config: rendered.prometheusConfig, rulesFiles: rendered.ruleFiles });
  load = startLoad([api.url], { everyMs: 50, maxInFlight: 20 });
  await waitUntil(async () => (await prometheus.query('sum(increase(http_request_duration_seconds_count{job="api"}[30s])) > 40')).length === 1, {
    timeoutMs: 60_000,
    description: 'more than 40 api requests scraped within 30s',
  });
}, 120_000);

afterAll(async () => {
  await load?.stop();
  await api?.stop();
  await prometheus?.stop();
  if (rendered) rmSync(rendered.dir, { recursive: true, force: true });
});

describe('vigil gate', () => {
  it('promotes a healthy deploy (exit 0) with the figures it judged by', async () => {
    const result = await gate('--service', 'api', '--since', '30s', '--prometheus', prometheus.url);
    expect(result.code, result.err).toBe(0);
    expect(result.out).toMatch(/^promote api: no P1 firing; 5xx ratio 0\.0% over the last 30s \(\d+ requests\) is within 10\.0%\n$/);
    expect(await argoVerdicts()).toEqual({ 'p1-firing': true, 'error-ratio': true });
  });

  it('does not judge an error ratio on too few requests', async () => {
    const result = await gate('--service', 'api', '--since', '30s', '--prometheus', prometheus.url, '--min-requests', '1000000');
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/requests in the last 30s, under the 1000000 needed to judge the error ratio/);
  });

  it('rolls back (exit 1) when 5xx pass the HighErrorRate ratio, then names the P1 that fires', async () => {
    await api.setFaults({ errorRate: 0.6 });
    await waitUntil(async () => (await evaluateGate(model, { prometheusUrl: prometheus.url, service: 'api', since: '15s' })).rollback, {
      timeoutMs: 60_000,
      description: 'the gate to say roll back',
    });
    await waitUntil(async () => (await prometheus.alerts()).some((alert) => alert.labels['alertname'] === 'HighErrorRate' && alert.state === 'firing'), {
      timeoutMs: 60_000,
      description: 'HighErrorRate firing',
    });
    const result = await gate('--service', 'api', '--since', '15s', '--prometheus', prometheus.url);
    expect(result.code).toBe(1);
    expect(result.out).toMatch(/^roll back api: P1 firing: .*HighErrorRate/);
    const verdict = await evaluateGate(model, { prometheusUrl: prometheus.url, service: 'api', since: '15s' });
    expect(verdict.errorRatio).toBeGreaterThan(0.1);
    // The Argo Rollouts AnalysisTemplate judges the same way: both of its metrics fail.
    await waitUntil(async () => Object.values(await argoVerdicts()).every((passed) => !passed), {
      timeoutMs: 60_000,
      description: 'both Argo analysis metrics to fail',
    });
    await api.setFaults({ errorRate: 0 });
  }, 150_000);

  it('gives no verdict (exit 3) when Prometheus cannot be asked, and exit 2 on a bad command line', async () => {
    const closed = `http://127.0.0.1:${await freePort()}`;
    const unreachable = await gate('--service', 'api', '--since', '10m', '--prometheus', closed);
    expect(unreachable.code).toBe(3);
    expect(unreachable.err).toContain(`vigil gate: no verdict: cannot query Prometheus at ${closed}`);
    const unknown = await gate('--service', 'nope', '--since', '10m', '--prometheus', closed);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain('--service: no service named "nope"');
    expect(unknown.err).toContain('usage: vigil gate');
    const badSince = await gate('--service', 'api', '--since', 'ten minutes', '--prometheus', closed);
    expect(badSince.code).toBe(2);
    expect(badSince.err).toContain('--since: expected a duration like "10m", got "ten minutes"');
    expect((await gate('--service', 'api')).err).toContain('missing --since, --prometheus');
  });
});
