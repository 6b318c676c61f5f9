import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildModel, renderModel, SpecError, writeGeneratedFiles } from '../src/index.js';
import { extraRulesPath, extraRulesTestPath } from '../src/rules/extra-rules.js';
import { prometheusConfigPath } from '../src/prometheus/config.js';
import { specWith } from './spec-fixtures.js';

const run = promisify(execFile);

const runbook = 'https://example.com/runbooks/PaymentFailuresHigh.md';
function extraRules(mutate: (extra: Record<string, any>) => void = () => undefined): unknown {
  return specWith((spec) => {
    const extra: Record<string, any> = {
      metrics: ['checkout_payment_failures_total'],
      recording: [{ record: 'service:checkout_payment_failures:rate5m', expr: 'sum by (service) (rate(checkout_payment_failures_total[5m]))' }],
      alerts: [
        {
          alert: 'PaymentFailuresHigh',
          expr: 'service:checkout_payment_failures:rate5m > 0.5',
          for: '5m',
          priority: 'P1',
          service: 'api',
          summary: 'Payments fail on {{ $labels.service }}',
          description: 'More than 0.5 payment failures per second for 5 minutes.',
          labels: { component: 'payments' },
        },
      ],
      tests: [
        {
          interval: '1m',
          input_series: [{ series: 'checkout_payment_failures_total{service="api"}', values: '0+60x30' }],
          alert_rule_test: [
            { eval_time: '3m', alertname: 'PaymentFailuresHigh', exp_alerts: [] },
            {
              eval_time: '15m',
              alertname: 'PaymentFailuresHigh',
              exp_alerts: [
                {
                  exp_labels: { component: 'payments', priority: 'P1', service: 'api', severity: 'critical', team: 'platform' },
                  exp_annotations: {
                    summary: 'Payments fail on api',
                    description: 'More than 0.5 payment failures per second for 5 minutes.',
                    runbook_url: runbook,
                  },
                },
              ],
            },
          ],
        },
      ],
    };
    mutate(extra);
    spec.extraRules = extra;
    spec.runbookUrl = 'https://example.com/runbooks/{alert}.md';
  });
}

function problemsOf(spec: unknown): string[] {
  try {
    buildModel(spec, 'spec.yaml');
  } catch (error) {
    if (error instanceof SpecError) return error.message.split('\n');
    throw error;
  }
  return [];
}

let directory: string;
beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'vigil-extra-rules-'));
});
afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

describe('extraRules', () => {
  it('renders the team rules with Vigil labels and runbook, loaded by prometheus.yml, and their promtool tests pass', async () => {
    const model = buildModel(extraRules(), 'spec.yaml');
    const files = renderModel(model);
    const rules = files.find((file) => file.path === extraRulesPath)?.data as { groups: { name: string; rules: Record<string, any>[] }[] };
    const alert = rules.groups.find((group) => group.name === 'extra-alerts')?.rules[0];
    expect(alert?.labels).toEqual({ component: 'payments', priority: 'P1', service: 'api', severity: 'critical', team: 'platform' });
    expect(alert?.annotations.runbook_url).toBe(runbook);
    await writeGeneratedFiles(files, { outDir: directory, source: 'spec.yaml' });
    const config = await run('promtool', ['check', 'config', prometheusConfigPath], { cwd: directory, timeout: 60_000 });
    expect(`${config.stdout}${config.stderr}`).toContain('Checking alerts/extra-rules.yml\n  SUCCESS: 2 rules found');
    const tests = await run('promtool', ['test', 'rules', extraRulesTestPath], { cwd: directory, timeout: 120_000 });
    expect(`${tests.stdout}${tests.stderr}`).toContain('SUCCESS');
  });

  it('the spec test can fail: a wrong expected label makes promtool test rules fail', async () => {
    const spec = extraRules((extra) => (extra.tests[0].alert_rule_test[1].exp_alerts[0].exp_labels.team = 'someone-else'));
    const out = join(directory, 'failing');
    await writeGeneratedFiles(renderModel(buildModel(spec, 'spec.yaml')), { outDir: out, source: 'spec.yaml' });
    await expect(run('promtool', ['test', 'rules', extraRulesTestPath], { cwd: out, timeout: 120_000 })).rejects.toThrow();
  });

  it('refuses unknown metrics, undefined recording rules, bad PromQL, Vigil names and reserved labels, naming the spec path', () => {
    const problems = problemsOf(
      extraRules((extra) => {
        extra.metrics = [];
        extra.alerts.push({ ...extra.alerts[0], alert: 'ServiceDown', expr: 'sum(rate(x[5m])', labels: { team: 'x' } });
        extra.alerts.push({ ...extra.alerts[0], alert: 'UsesMissingRecord', expr: 'service:nothing:rate5m > 1', labels: {} });
      }),
    );
    expect(problems.some((line) => line.startsWith('spec.yaml: extraRules.recording[0].expr: unknown metric "checkout_payment_failures_total"'))).toBe(true);
    expect(problems).toContain('spec.yaml: extraRules.alerts[1].alert: "ServiceDown" is one of Vigil\'s alerts; choose another name');
    expect(problems).toContain('spec.yaml: extraRules.alerts[1].labels.team: "team" is set by Vigil from the alert\'s fields');
    expect(problems.some((line) => line.startsWith('spec.yaml: extraRules.alerts[1].expr: syntax error'))).toBe(true);
    expect(problems.some((line) => line.startsWith('spec.yaml: extraRules.alerts[2].expr: unknown metric "service:nothing:rate5m"'))).toBe(true);
  });

  it('a spec without extraRules renders no extra file and prometheus.yml loads only Vigil rule files', () => {
    const files = renderModel(buildModel(specWith(() => undefined), 'spec.yaml'));
    expect(files.some((file) => file.path === extraRulesPath)).toBe(false);
    const config = files.find((file) => file.path === prometheusConfigPath)?.data as { rule_files: string[] };
    expect(config.rule_files.some((path) => path.includes('extra-rules'))).toBe(false);
  });
});
