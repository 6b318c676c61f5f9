import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildModel, loadSpec, SpecError } from '../src/index.js';
import { minimalSpec, problemsOf, specWith } from './spec-fixtures.js';

const file = 'monitoring/vigil.config.ts';


describe('spec validation', () => {
  it('accepts the minimal spec', () => {
    expect(() => buildModel(minimalSpec(), file)).not.toThrow();
  });

  it('accepts selectorLabels and carries them, sorted, into the model', () => {
    const model = buildModel(specWith((spec) => (spec.selectorLabels = { environment: 'prod', cluster: 'eu-1' })), file);
    expect(Object.entries(model.selectorLabels ?? {})).toEqual([
      ['cluster', 'eu-1'],
      ['environment', 'prod'],
    ]);
  });

  it('refuses a selector label named like a label the generated rules use themselves', () => {
    const lines = problemsOf(specWith((spec) => (spec.selectorLabels = { job: 'api', environment: 'prod' })));
    expect(lines).toEqual([expect.stringMatching(new RegExp(`^${file}: selectorLabels\\.job: expected a label Vigil does not use itself `))]);
  });

  it('rejects a runtime.cluster that is not a boolean, and an unknown runtime field, naming the path', () => {
    expect(problemsOf(specWith((spec) => (spec.services[0].runtime = { cluster: 'yes' })))).toEqual([`${file}: services[0].runtime.cluster: expected true or false`]);
    expect(problemsOf(specWith((spec) => (spec.services[0].runtime = { workers: 4 })))).toEqual([`${file}: services[0].runtime.workers: unknown field`]);
  });

  it('rejects a duration that is not in Prometheus syntax, naming file and path', () => {
    const lines = problemsOf(specWith((spec) => (spec.pipelines[1].zeroItemsWindow = '6 hours')));
    expect(lines).toEqual([`${file}: pipelines[1].zeroItemsWindow: expected a duration like "6h"`]);
  });

  it('rejects zero durations and empty strings as durations', () => {
    expect(problemsOf(specWith((spec) => (spec.services[0].alerts = { serviceDown: { for: '0s' } })))).toEqual([
      `${file}: services[0].alerts.serviceDown.for: expected a duration like "6h"`,
    ]);
    expect(problemsOf(specWith((spec) => (spec.pipelines[0].zeroItemsWindow = '')))).toEqual([
      `${file}: pipelines[0].zeroItemsWindow: expected a duration like "6h"`,
    ]);
  });

  it('rejects unknown fields at any depth, one line per field', () => {
    const lines = problemsOf(
      specWith((spec) => {
        spec.colour = 'blue';
        spec.services[0].treshold = 1;
        spec.services[1].alerts = { highErrorRate: { ration: 0.2 } };
      }),
    );
    expect(lines).toEqual([
      `${file}: services[0].treshold: unknown field`,
      `${file}: services[1].alerts.highErrorRate.ration: unknown field`,
      `${file}: colour: unknown field`,
    ]);
  });

  it('rejects wrong types and says what was expected', () => {
    const lines = problemsOf(
      specWith((spec) => {
        spec.services[0].targets = 'api:9464';
        spec.pipelines[0].expectedItemsPerDay = '15000';
        spec.dependencies[1].critical = 'yes';
      }),
    );
    expect(lines).toEqual([
      `${file}: services[0].targets: expected a list of scrape targets like ["api:9464"]`,
      `${file}: pipelines[0].expectedItemsPerDay: expected a number greater than 0`,
      `${file}: dependencies[1].critical: expected true or false`,
    ]);
  });

  it('says "required" for a missing field', () => {
    expect(problemsOf(specWith((spec) => delete spec.services[0].targets))).toEqual([
      `${file}: services[0].targets: required: expected a list of scrape targets like ["api:9464"]`,
    ]);
  });

  it('requires runbookUrl to be a URL template with exactly one {alert}, in the spec and in profiles', () => {
    const expected = 'expected an http(s) URL template containing "{alert}" exactly once, e.g. "https://example.com/runbooks/{alert}.md"';
    expect(problemsOf(specWith((spec) => (spec.runbookUrl = 'https://example.com/runbooks')))).toEqual([`${file}: runbookUrl: ${expected}`]);
    expect(problemsOf(specWith((spec) => (spec.runbookUrl = 'https://example.com/{alert}/{alert}.md')))).toEqual([`${file}: runbookUrl: ${expected}`]);
    expect(problemsOf(specWith((spec) => (spec.runbookUrl = 'runbooks/{alert}.md')))).toEqual([`${file}: runbookUrl: ${expected}`]);
    expect(problemsOf(specWith((spec) => (spec.profiles = { e2e: { runbookUrl: 'http://127.0.0.1/runbooks/' } })))).toEqual([
      `${file}: profiles.e2e.runbookUrl: ${expected}`,
    ]);
    expect(problemsOf(specWith((spec) => (delete spec.runbookUrl, (spec.runbookBaseUrl = 'https://example.com/runbooks'))))).toEqual([
      `${file}: runbookUrl: required: ${expected}`,
      `${file}: runbookBaseUrl: unknown field`,
    ]);
  });

  it('rejects negative or zero thresholds and ratios outside (0, 1]', () => {
    const lines = problemsOf(
      specWith((spec) => {
        spec.services[0].alerts = { highLatencyP95: { seconds: -1 }, highErrorRate: { ratio: 1.5 }, unhandledErrorsBurst: { count: 0 } };
        spec.pipelines[0].coverageFloor = 0;
        spec.pipelines[0].expectedItemsPerDay = -5;
      }),
    );
    expect(lines).toEqual([
      `${file}: services[0].alerts.highErrorRate.ratio: expected a ratio greater than 0 and at most 1`,
      `${file}: services[0].alerts.highLatencyP95.seconds: expected a number greater than 0`,
      `${file}: services[0].alerts.unhandledErrorsBurst.count: expected a whole number greater than 0`,
      `${file}: pipelines[0].expectedItemsPerDay: expected a number greater than 0`,
      `${file}: pipelines[0].coverageFloor: expected a ratio greater than 0 and at most 1`,
    ]);
  });

  it('rejects a latency threshold the histogram cannot measure', () => {
    expect(problemsOf(specWith((spec) => (spec.services[0].alerts = { highLatencyP95: { seconds: 30 } })))).toEqual([
      `${file}: services[0].alerts.highLatencyP95.seconds: expected less than 10 (the largest latency bucket of http_request_duration_seconds)`,
    ]);
  });

  it('rejects duplicate names, pointing at the second and naming the first', () => {
    const lines = problemsOf(
      specWith((spec) => {
        spec.services.push({ name: 'api', targets: ['api2:9464'] });
        spec.pipelines.push({ name: 'orders', service: 'ingest' });
      }),
    );
    expect(lines).toEqual([
      `${file}: services[2].name: duplicate service name "api" (first at services[0])`,
      `${file}: pipelines[2].name: duplicate pipeline name "orders" (first at pipelines[0])`,
    ]);
  });

  it('rejects a pipeline that no service runs', () => {
    expect(problemsOf(specWith((spec) => (spec.pipelines[1].service = 'ghost')))).toEqual([
      `${file}: pipelines[1].service: no service named "ghost" runs this pipeline (services: api, ingest)`,
    ]);
  });

  it('checks teams, receivers and health-check services exist', () => {
    const lines = problemsOf(
      specWith((spec) => {
        spec.services[0].team = 'nobody';
        spec.teams[0].ticketReceivers = ['chat', 'missing'];
        spec.dependencies[1].services = ['api', 'gone'];
        spec.defaultTeam = 'ops';
      }),
    );
    expect(lines).toEqual([
      `${file}: defaultTeam: no team named "ops" (teams: platform)`,
      `${file}: services[0].team: no team named "nobody" (teams: platform)`,
      `${file}: dependencies[1].services[1]: no service named "gone" (services: api, ingest)`,
      `${file}: teams[0].ticketReceivers[1]: no receiver named "missing" (receivers: chat, pager)`,
    ]);
  });

  it('rejects an exporter whose name is also a service (one scrape job name)', () => {
    expect(problemsOf(specWith((spec) => (spec.dependencies[0].name = 'api')))).toEqual([
      `${file}: dependencies[0].name: "api" is also a service name; scrape job names must be unique`,
    ]);
  });

  it('rejects unknown receiver types and dependency kinds', () => {
    const lines = problemsOf(
      specWith((spec) => {
        spec.receivers.push({ name: 'sms', type: 'sms' });
        spec.dependencies.push({ name: 'mongo', kind: 'mongodb', targets: ['mongo:9216'] });
      }),
    );
    expect(lines).toEqual([
      `${file}: receivers[2].type: expected type "slack", "pagerduty", "email" or "webhook"`,
      `${file}: dependencies[2].kind: expected kind "postgres", "redis", "node" or "healthCheck"`,
    ]);
  });

  it('rejects settings that would silently do nothing', () => {
    expect(problemsOf(specWith((spec) => (spec.pipelines[1].coverageFloor = 0.9)))).toEqual([
      `${file}: pipelines[1].coverageFloor: has no effect without requiredFields; list the fields or remove it`,
    ]);
  });

  it('rejects a secret given inline instead of as a file path', () => {
    expect(problemsOf(specWith((spec) => (spec.receivers[0].routingKeyFile = 'abc123')))).toEqual([
      `${file}: receivers[0].routingKeyFile: expected an absolute file path (secrets are read from files), normalised, without "..", outside /proc, /sys and /dev`,
    ]);
  });
});

describe('loadSpec', () => {
  let directory: string;
  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'vigil-spec-'));
  });
  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('loads the same spec from YAML, JSON and TypeScript into equal models', async () => {
    const spec = minimalSpec();
    const yamlPath = join(directory, 'spec.yaml');
    const jsonPath = join(directory, 'spec.json');
    const tsPath = join(directory, 'spec.ts');
    const { stringify } = await import('yaml');
    await writeFile(yamlPath, stringify(spec));
    await writeFile(jsonPath, JSON.stringify(spec));
    await writeFile(tsPath, `export default ${JSON.stringify(spec)};\n`);
    const fromYaml = buildModel(await loadSpec(yamlPath), 'spec');
    const fromJson = buildModel(await loadSpec(jsonPath), 'spec');
    const fromTs = buildModel(await loadSpec(tsPath), 'spec');
    expect(fromJson).toEqual(fromYaml);
    expect(fromTs).toEqual(fromYaml);
    expect(fromYaml.pipelines.map((pipeline) => pipeline.name)).toEqual(['events', 'orders']);
  });

  it('reports YAML syntax errors with the line, and duplicate keys', async () => {
    const path = join(directory, 'broken.yml');
    await writeFile(path, 'services:\n  - name: api\n    name: api2\n');
    await expect(loadSpec(path, 'broken.yml')).rejects.toThrow(/^broken\.yml: services\[0\]\.name: invalid YAML: line 3, column 5: /);
  });

  it('reports a missing file and an unsupported extension', async () => {
    await expect(loadSpec(join(directory, 'absent.yaml'), 'absent.yaml')).rejects.toThrow(/^absent\.yaml: cannot read the spec: ENOENT/);
    await expect(loadSpec(join(directory, 'spec.toml'), 'spec.toml')).rejects.toThrow(
      'spec.toml: expected a .ts, .yaml, .yml or .json spec file, got ".toml"',
    );
  });

  it('requires a default export from a TypeScript spec', async () => {
    const path = join(directory, 'named.ts');
    await writeFile(path, 'export const spec = {};\n');
    await expect(loadSpec(path, 'named.ts')).rejects.toThrow('named.ts: expected a default export: export default defineMonitoring({ ... })');
  });
});
