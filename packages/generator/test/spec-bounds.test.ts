/**
 * Bounded work: a spec that asks for absurd work fails at once naming the field and the limit,
 * and a spec exactly at every such limit generates output the real tools accept.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { findRepoRoot, maxFieldsPerObject, maxNameLength, maxSamplesPerWindow } from '../src/index.js';
import { jsonFieldCountProblems } from '../src/spec/bounds.js';
import { formatProblem } from '../src/spec/errors.js';
import { problemsOf, specWith } from './spec-fixtures.js';

const run = promisify(execFile);
const file = 'monitoring/vigil.config.ts';
const tools = {
  promtool: { path: '/usr/bin/promtool', install: 'apt-get install -y prometheus' },
  amtool: { path: '/usr/bin/amtool', install: 'apt-get install -y prometheus-alertmanager' },
  compose: { path: '/usr/bin/docker-compose', install: 'apt-get install -y docker-compose' },
};

describe('spec bounds', () => {
  it(`rejects an object of more than ${maxFieldsPerObject} fields before validating it, in one line`, () => {
    const ownFields = Object.keys(specWith(() => undefined) as object).length;
    for (const extra of [maxFieldsPerObject + 1 - ownFields, 250_000]) {
      const lines = problemsOf(specWith((spec) => Object.assign(spec, Object.fromEntries(Array.from({ length: extra }, (_, i) => [`f${i}`, i])))));
      expect(lines).toEqual([`${file}: has ${extra + ownFields} fields; at most ${maxFieldsPerObject} are allowed in one object`]);
    }
    const nested = problemsOf(specWith((spec) => (spec.services[0].alerts = Object.fromEntries(Array.from({ length: 2000 }, (_, i) => [`x${i}`, 1])))));
    expect(nested).toEqual([`${file}: services[0].alerts: has 2000 fields; at most ${maxFieldsPerObject} are allowed in one object`]);
  });

  it('refuses a JSON spec of too many fields from its text, before parsing it, with the same lines', () => {
    const wide = (count: number): Record<string, number> => Object.fromEntries(Array.from({ length: count }, (_, i) => [`f${i}`, i]));
    const cases = [
      { spec: specWith((spec) => Object.assign(spec, wide(250_000))), lines: 1 },
      { spec: specWith((spec) => (spec.services[1].alerts = { ...wide(1500), 'odd "key"': 1 })), lines: 1 },
      { spec: specWith((spec) => (spec.teams[0]['a.b'] = [1, 'x,y', { ':': wide(maxFieldsPerObject + 1) }])), lines: 1 },
      { spec: specWith((spec) => (spec.services[0].alerts = wide(maxFieldsPerObject))), lines: 0 },
    ];
    for (const { spec, lines } of cases) {
      const fromText = jsonFieldCountProblems(JSON.stringify(spec), file).map((problem) => formatProblem(problem));
      expect(fromText).toHaveLength(lines);
      if (lines > 0) expect(fromText).toEqual(problemsOf(spec));
    }
  });

  it('rejects a window or for longer than the sample limit at the scrape interval, naming both', () => {
    const cases: Array<[string, string, (spec: Record<string, any>) => void]> = [
      ['1s', 'pipelines[1].zeroItemsWindow', (spec) => (spec.pipelines[1].zeroItemsWindow = '30d')],
      ['1s', 'services[0].alerts.serviceDown.for', (spec) => (spec.services[0].alerts = { serviceDown: { for: '3d' } })],
      ['5s', 'services[0].alerts.unhandledErrorsBurst.window', (spec) => (spec.services[0].alerts = { unhandledErrorsBurst: { window: '11d' } })],
    ];
    for (const [interval, path, set] of cases) {
      const lines = problemsOf(specWith((spec) => {
        spec.prometheus = { scrapeInterval: interval, evaluationInterval: interval };
        set(spec);
      }));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(new RegExp(`^${file}: ${path.replace(/[.[\]]/g, '\\$&')}: \\S+ spans \\d+ scrape intervals of ${interval.replace('s', '')}s; at most ${maxSamplesPerWindow} `));
    }
  });

  describe('a spec exactly at every bound', () => {
    let workspace = '';
    afterAll(async () => {
      if (workspace) await rm(workspace, { recursive: true, force: true });
    });

    it('generates output that promtool, amtool and docker-compose accept', async () => {
      for (const tool of Object.values(tools)) {
        if (!existsSync(tool.path)) throw new Error(`${tool.path} not found: install it with: ${tool.install}`);
      }
      const atLimit = `${maxSamplesPerWindow}s`; // at a 1s scrape interval: exactly the limit (2d)
      const longName = `s${'a'.repeat(maxNameLength - 1)}`;
      const spec = specWith((spec) => {
        spec.prometheus = { scrapeInterval: '1s', evaluationInterval: '1s' };
        spec.services.push({ name: longName, targets: ['edge:9464'], alerts: { unhandledErrorsBurst: { window: atLimit, for: atLimit }, serviceDown: { for: atLimit } } });
        spec.pipelines[1].zeroItemsWindow = atLimit;
        spec.stack = { ports: { prometheus: 65535, alertmanager: 1, grafana: 3000 } };
      });
      // The raw object at the field limit is accepted too (the limit is inclusive).
      const wide = specWith((spec) => (spec.kubernetes = { namespace: 'vigil', labels: Object.fromEntries(Array.from({ length: maxFieldsPerObject }, (_, i) => [`k${i}`, 'v'])) }));
      expect(() => problemsOf(wide)).toThrow('expected the spec to be rejected');

      workspace = await mkdtemp(join(tmpdir(), 'vigil-bounds-'));
      const specPath = join(workspace, 'spec.json');
      const out = join(workspace, 'out');
      await writeFile(specPath, JSON.stringify(spec));
      const launcher = join(findRepoRoot(), 'packages', 'generator', 'bin', 'generate.mjs');
      await run(process.execPath, [launcher, '--config', specPath, '--out', out], { timeout: 120_000, maxBuffer: 16 * 1024 * 1024 });

      const ruleFiles = (await readdir(join(out, 'alerts'))).filter((name) => name.endsWith('.yml') || name.endsWith('.yaml'));
      expect(ruleFiles.length).toBeGreaterThan(0);
      await run(tools.promtool.path, ['check', 'rules', ...ruleFiles.map((name) => join(out, 'alerts', name))], { timeout: 120_000 });
      await run(tools.amtool.path, ['check-config', join(out, 'monitoring', 'alertmanager', 'alertmanager.yml')], { timeout: 60_000 });
      // The stack takes its secrets from files named by the environment; any file will do here.
      const composeFile = join(out, 'docker-compose.monitoring.yml');
      const secretFile = join(workspace, 'secret');
      await writeFile(secretFile, 'not-used\n');
      const secretVariables = [...(await readFile(composeFile, 'utf8')).matchAll(/\$\{([A-Z0-9_]+_FILE):\?/g)].map((match) => match[1]!);
      await run(tools.compose.path, ['-f', composeFile, 'config', '-q'], {
        timeout: 60_000,
        cwd: out,
        env: { ...process.env, ...Object.fromEntries(secretVariables.map((name) => [name, secretFile])) },
      });
    }, 240_000);
  });
});
