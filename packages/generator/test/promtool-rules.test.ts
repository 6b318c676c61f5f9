/**
 * The generated rules, checked by the real promtool (Debian's `prometheus` package):
 * `check rules`, `check config` on prometheus.yml laid out as mounted, and `test rules` on
 * every generated unit test, for the example spec and for its e2e profile.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModel, renderModel, writeGeneratedFiles, type Model } from '../src/index.js';
import { prometheusConfigGenerator, prometheusConfigPath } from '../src/prometheus/config.js';
import { formatG4, humanize, humanizeDuration, humanizePercentage } from '../src/rules/format.js';
import { alertRules, allAlertDefinitions, ruleFileOrder, rulesGenerator } from '../src/rules/generator.js';
import { runbooksGenerator } from '../src/rules/runbooks.js';

const run = promisify(execFile);
const promtool = '/usr/bin/promtool';

interface Result {
  readonly code: number;
  readonly output: string;
}

async function promtoolRun(args: readonly string[], cwd: string): Promise<Result> {
  try {
    const { stdout, stderr } = await run(promtool, [...args], { cwd, timeout: 900_000, maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failure = error as { code?: number; stdout?: string; stderr?: string };
    if (typeof failure.code !== 'number') throw error;
    return { code: failure.code, output: (failure.stdout ?? '') + (failure.stderr ?? '') };
  }
}

let workspace: string;

beforeAll(async () => {
  if (!existsSync(promtool)) {
    throw new Error(`${promtool} not found: the rules are checked with the real promtool; install it with: apt-get install -y prometheus`);
  }
  workspace = await mkdtemp(join(tmpdir(), 'vigil-promtool-'));
});

afterAll(async () => {
  if (workspace !== undefined) await rm(workspace, { recursive: true, force: true });
});

/** Renders rules, tests, runbooks and prometheus.yml of a model into `directory`. */
async function renderInto(model: Model, directory: string): Promise<void> {
  const files = renderModel(model, [rulesGenerator, runbooksGenerator, prometheusConfigGenerator]);
  await writeGeneratedFiles(files, { outDir: directory, source: model.source });
}

async function testFiles(directory: string): Promise<string[]> {
  return (await readdir(join(directory, 'alerts', 'tests'))).filter((name) => name.endsWith('.yml')).sort().map((name) => join('alerts', 'tests', name));
}

for (const variant of [undefined, 'e2e'] as const) {
  describe(`generated rules of the example spec${variant === undefined ? '' : ` (${variant})`}`, () => {
    let directory: string;
    let model: Model;

    beforeAll(async () => {
      model = await loadModel('monitoring/vigil.config.ts', variant === 'e2e' ? { profile: variant } : {});
      directory = join(workspace, variant ?? 'default');
      await renderInto(model, directory);
    });

    it('pass promtool check rules (syntax, templates, no duplicate series)', async () => {
      const result = await promtoolRun(['check', 'rules', ...ruleFileOrder], directory);
      expect(result.output).not.toContain('FAILED');
      expect(result.code, result.output).toBe(0);
      expect(result.output.match(/SUCCESS: \d+ rules found/g)).toHaveLength(3);
    });

    it('prometheus.yml passes promtool check config where it is written, loading every rule file', async () => {
      // The compose stack mounts the output with the same layout (compose/layout.ts), so this holds there too.
      const result = await promtoolRun(['check', 'config', prometheusConfigPath], directory);
      expect(result.code, result.output).toBe(0);
      expect(result.output).toContain('SUCCESS: 3 rule files found');
      for (const path of ruleFileOrder) expect(result.output).toMatch(new RegExp(`Checking ${path}\\n  SUCCESS: \\d+ rules found`));
      expect(result.output).not.toContain('FAILED');
    });

    it('every alert has a generated unit test, and promtool test rules passes them all', async () => {
      const files = await testFiles(directory);
      // Every alert the spec renders a rule for (PostgresqlReplicationLag needs declared replicas).
      const rendered = allAlertDefinitions.filter((definition) => alertRules(model, definition).length > 0);
      expect(files).toEqual(rendered.map((definition) => join('alerts', 'tests', `${definition.name}.yml`)).sort());
      const result = await promtoolRun(['test', 'rules', ...files], directory);
      expect(result.output).not.toContain('FAILED');
      expect(result.code, result.output).toBe(0);
      expect(result.output.match(/SUCCESS/g)).toHaveLength(files.length);
    }, 900_000);
  });
}

describe('the generated unit tests can fail', () => {
  it('a rule whose `for` is one minute longer than the spec says fails its test', async () => {
    const model = await loadModel();
    const directory = join(workspace, 'mutated');
    await renderInto(model, directory);
    const p1 = join(directory, 'alerts', 'p1-page.yml');
    const { readFile } = await import('node:fs/promises');
    const text = await readFile(p1, 'utf8');
    await writeFile(p1, text.replace(/(alert: ServiceDown\n[^]*?for: )3m/, '$14m'));
    expect(await readFile(p1, 'utf8')).not.toBe(text);
    const result = await promtoolRun(['test', 'rules', join('alerts', 'tests', 'ServiceDown.yml')], directory);
    expect(result.code).toBe(1);
    expect(result.output).toContain('FAILED');
  });
});

describe('annotation formatting matches Prometheus templates', () => {
  // Includes exact ties (1234.5, 0.125 -> round half to even) and both exponent forms.
  const values = [0, -2.5, 0.000012345, 0.00475, 0.0217, 0.125, 0.47, 0.55, 0.9875, 1, 9999.5, 59.5, 61, 3600, 21615, 90061, 1234.5, 1234567, Infinity];

  it('humanize, humanizePercentage, humanizeDuration and printf "%.4g" agree with promtool for sample values', async () => {
    const directory = join(workspace, 'format');
    await mkdir(directory, { recursive: true });
    const functions = {
      humanize: { template: '{{ $value | humanize }}', render: humanize },
      percentage: { template: '{{ $value | humanizePercentage }}', render: humanizePercentage },
      duration: { template: '{{ $value | humanizeDuration }}', render: humanizeDuration },
      g4: { template: '{{ printf "%.4g" $value }}', render: formatG4 },
    };
    const rules = values.map((value, index) => ({
      alert: `Probe${index}`,
      expr: Number.isFinite(value) ? `vector(${value})` : 'vector(+Inf)',
      annotations: Object.fromEntries(Object.entries(functions).map(([key, fn]) => [key, fn.template])),
    }));
    await writeFile(join(directory, 'probe-rules.yml'), stringify({ groups: [{ name: 'probe', rules }] }));
    const test = {
      rule_files: ['probe-rules.yml'],
      evaluation_interval: '1m',
      tests: [
        {
          interval: '1m',
          input_series: [],
          alert_rule_test: values.map((value, index) => ({
            eval_time: '1m',
            alertname: `Probe${index}`,
            exp_alerts: [
              { exp_labels: {}, exp_annotations: Object.fromEntries(Object.entries(functions).map(([key, fn]) => [key, fn.render(value)])) },
            ],
          })),
        },
      ],
    };
    await writeFile(join(directory, 'probe-test.yml'), stringify(test));
    const result = await promtoolRun(['test', 'rules', 'probe-test.yml'], directory);
    expect(result.code, result.output).toBe(0);
  });
});

