/**
 * Hostile and careless specs, as generated corpora per class: each value must be rejected with
 * one short, printable line naming the file and the field, and never echo a secret back.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildModel, findRepoRoot, SpecError } from '../src/index.js';
import { problemsOf, specWith } from './spec-fixtures.js';

const file = 'monitoring/vigil.config.ts';


/** Every value is rejected at `path` (the only problem), and every line is short and printable. */
function expectRejected(values: readonly unknown[], path: string, set: (spec: Record<string, any>, value: unknown) => void, secret = false): void {
  for (const value of values) {
    const lines = problemsOf(specWith((spec) => set(spec, value)));
    expect(lines, JSON.stringify(value)).toHaveLength(1);
    expect(lines[0]!.startsWith(`${file}: ${path}: `), `${JSON.stringify(value)} -> ${lines[0]}`).toBe(true);
    expectPrintable(lines[0]!);
    if (secret && typeof value === 'string') expect(lines[0]).not.toContain(value);
  }
}

function expectAccepted(values: readonly unknown[], set: (spec: Record<string, any>, value: unknown) => void): void {
  for (const value of values) expect(() => buildModel(specWith((spec) => set(spec, value)), file), JSON.stringify(value)).not.toThrow();
}

function expectPrintable(line: string): void {
  expect(line.length).toBeLessThanOrEqual(400);
  expect(line).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/);
}

const cross = <A, B>(as: readonly A[], bs: readonly B[], f: (a: A, b: B) => string): string[] => as.flatMap((a) => bs.map((b) => f(a, b)));

describe('secrets in plain fields', () => {
  const slack = cross(['https', 'http', 'HTTPS'], ['hooks.slack.com', 'HOOKS.SLACK.COM'], (scheme, host) => `${scheme}://${host}/services/T000/B000/XXXXSECRETXXXX`);
  const userinfo = cross(
    ['http', 'https'],
    ['user:pw@', 'user:p%40ss@', ':pw@', 'user@', 'user:@', 'a:b:c@', 'u:pw@x@'],
    (scheme, credentials) => `${scheme}://${credentials}chat-bridge:8080/hook`,
  );
  const parameters = ['token', 'api_key', 'apikey', 'access_token', 'password', 'secret', 'sig', 'KEY'].map((name) => `https://bridge.example.com/hook?${name}=s3cr3tvalue`);

  it('rejects a Slack webhook, credentials in a URL and secret query parameters in webhook urls, without echoing them', () => {
    expectRejected([...slack, ...userinfo, ...parameters], 'receivers[1].url', (spec, value) => (spec.receivers[1].url = value), true);
  });

  it('rejects the same in the runbook URL template', () => {
    expectRejected(['https://user:pw@wiki.example.com/{alert}', 'https://wiki.example.com/{alert}?token=abc'], 'runbookUrl', (spec, value) => (spec.runbookUrl = value), true);
  });

  it('accepts plain URLs', () => {
    expectAccepted(['http://chat-bridge:8080/hook', 'https://bridge.example.com/hook?channel=ops', 'https://hooks.example.com/slack'], (spec, value) => (spec.receivers[1].url = value));
  });

  const badFiles = [
    '/run/secrets/../../etc/shadow', '/run/secrets/..', '/../etc', '/run/./secrets/x', 'secrets/pagerduty', './x', '~/x', '/run//x', '/run/secrets/',
    '/proc/self/environ', '/sys/kernel/x', '/dev/sda', '/', '/run/sec rets', '/run/x\n', '/run/x;rm', `/${'a'.repeat(1100)}`,
  ];
  it('rejects secret-file paths with "..", relative or unnormalised forms and kernel file systems', () => {
    expectRejected(badFiles, 'receivers[0].routingKeyFile', (spec, value) => (spec.receivers[0].routingKeyFile = value));
  });

  it('accepts normalised absolute secret files', () => {
    expectAccepted(['/run/secrets/pagerduty', '/etc/alertmanager/secrets/pd.key', '/home/ops/.secrets/pd_key-1'], (spec, value) => (spec.receivers[0].routingKeyFile = value));
  });
});

describe('values that cannot work', () => {
  const badPorts = [0, 65536, 99999, 100000, -1];
  it('rejects ports outside 1-65535 in targets, addresses and stack ports', () => {
    expectRejected(badPorts.map((port) => `api:${port}`), 'services[0].targets[0]', (spec, value) => (spec.services[0].targets = [value]));
    expectRejected(badPorts.map((port) => `postgres:${port}`), 'dependencies[0].address', (spec, value) => (spec.dependencies[0].address = value));
    expectRejected([...badPorts, 1.5, 80.0001], 'stack.ports.grafana', (spec, value) => (spec.stack = { ports: { grafana: value } }));
    expectAccepted(['api:1', 'api:65535', '[::1]:9464'], (spec, value) => (spec.services[0].targets = [value]));
  });

  it('rejects a bind address that is not an IP', () => {
    expectRejected(['localhost', '0.0.0.0.0', '1.2.3', '256.1.1.1', '::g', ':::', '1.2.3.4 ', 'example.com'], 'stack.bindAddress', (spec, value) => (spec.stack = { bindAddress: value }));
    expectAccepted(['127.0.0.1', '0.0.0.0', '::1', '::'], (spec, value) => (spec.stack = { bindAddress: value }));
  });

  it('rejects images on moving tags or without a tag', () => {
    const images = ['prom/prometheus', 'prom/prometheus:latest', 'prom/prometheus:LATEST', 'prom/prometheus:', 'localhost:5000/prom', 'prom/prometheus:main', 'prom/prometheus@sha256:abc'];
    expectRejected(images, 'stack.images.prometheus', (spec, value) => (spec.stack = { images: { prometheus: value } }));
    expectAccepted(['prom/prometheus:v2.42.0', 'localhost:5000/prom/prometheus:v2.42.0', `prom/prometheus@sha256:${'a'.repeat(64)}`], (spec, value) => (spec.stack = { images: { prometheus: value } }));
  });

  it('rejects over-long names and accepts the longest allowed', () => {
    for (const length of [64, 100, 500]) {
      expectRejected([`a${'b'.repeat(length - 1)}`], 'services[0].name', (spec, value) => (spec.services[0].name = value));
    }
    const longest = `a${'b'.repeat(62)}`;
    expectAccepted([longest], (spec, value) => {
      spec.services[0].name = value;
      spec.dependencies[1].services = [value, 'ingest'];
    });
  });

  const injection = ['pg"}', 'pg"} or vector(1) #', '{{ $labels.x }}', 'pg=~".*"', '$x', 'a b', 'pg\n', '', 'é', '`x`', "pg'", 'a'.repeat(64)];
  it('rejects health-check names with PromQL or template syntax', () => {
    expectRejected(injection, 'dependencies[1].check', (spec, value) => (spec.dependencies[1].check = value));
    expectAccepted(['postgres', 'db.primary', 'redis:cache', 'pg_1-a'], (spec, value) => (spec.dependencies[1].check = value));
  });

  it('rejects runbook URLs holding templates or braces', () => {
    const templates = ['https://x.example.com/{{ .Alert }}/{alert}', 'https://x.example.com/{alert}{{', 'https://x.example.com/{alert}/}}', 'https://x.example.com/{alert}/{x}', 'https://x.example.com/$labels/{alert}'];
    expectRejected(templates, 'runbookUrl', (spec, value) => (spec.runbookUrl = value));
  });
});

describe('durations and intervals', () => {
  it('rejects scrape and evaluation intervals below 1s or above 5m, stating the bounds', () => {
    const absurd = ['1ms', '500ms', '999ms', '5m1s', '6m', '1h', '1y', '52w'];
    expectRejected(absurd, 'prometheus.scrapeInterval', (spec, value) => (spec.prometheus = { scrapeInterval: value }));
    expectRejected(absurd, 'prometheus.evaluationInterval', (spec, value) => (spec.prometheus = { evaluationInterval: value }));
    expectRejected(absurd, 'services[0].scrapeInterval', (spec, value) => (spec.services[0].scrapeInterval = value));
    expect(problemsOf(specWith((spec) => (spec.prometheus = { scrapeInterval: '1ms' }))))
      .toEqual([`${file}: prometheus.scrapeInterval: expected an interval from 1s to 5m`]);
  });

  it('rejects any duration above 30d and durations too long to be numbers', () => {
    const long = ['31d', '5w', '1y', '99999999999999999999d', `${'1'.repeat(40)}s`];
    expectRejected(long, 'pipelines[1].zeroItemsWindow', (spec, value) => (spec.pipelines[1].zeroItemsWindow = value));
  });
});

describe('profiles', () => {
  it('validates every profile, selected or not', () => {
    const lines = problemsOf(
      specWith((spec) => {
        spec.profiles = { e2e: { services: { apii: { scrapeInterval: '1s' } } }, other: { prometheus: { scrapeInterval: '1ms' } } };
      }),
    );
    expect(lines).toEqual([
      `${file}: profiles.other.prometheus.scrapeInterval: expected an interval from 1s to 5m`,
    ]);
    expect(problemsOf(specWith((spec) => (spec.profiles = { e2e: { services: { apii: { scrapeInterval: '1s' } } } })))).toEqual([
      `${file}: profiles.e2e.services.apii: no service named "apii"`,
    ]);
  });
});

describe('messages are short and printable', () => {
  const hostile = ['\u0000', '\u001b[31mred\u001b[0m', 'a\r\nb', '\u2028', '\u202e', 'x'.repeat(10_000), '\u0007bell', '\ud800'];
  it('escapes control characters and cuts long values in every field and key', () => {
    for (const text of hostile) {
      for (const set of [
        (spec: Record<string, any>) => (spec.services[0].name = text),
        (spec: Record<string, any>) => (spec[text] = 1),
        (spec: Record<string, any>) => (spec.services[0][text] = text),
        (spec: Record<string, any>) => (spec.services = text),
        (spec: Record<string, any>) => (spec.receivers[1].url = text),
      ]) {
        for (const line of problemsOf(specWith(set))) {
          expectPrintable(line);
          expect(line.startsWith(`${file}: `)).toBe(true);
        }
      }
    }
  });
});

describe('spec modules that fail to load (through the CLI)', () => {
  const repoRoot = findRepoRoot();
  const launcher = join(repoRoot, 'packages', 'generator', 'bin', 'generate.mjs');
  let directory: string;
  let shown: string;
  beforeAll(async () => {
    // Inside the repository (in .vigil-tmp/, ignored by git) so that a spec loads as it would from monitoring/.
    await mkdir(join(repoRoot, '.vigil-tmp'), { recursive: true });
    directory = await mkdtemp(join(repoRoot, '.vigil-tmp', 'spec-'));
    shown = relative(repoRoot, directory);
  });
  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  async function stderrOf(name: string, text: string | Buffer): Promise<string> {
    const path = join(directory, name);
    await writeFile(path, text);
    const result = await promisify(execFile)(process.execPath, [launcher, '--config', path, '--out', join(directory, 'out')], { timeout: 60_000 }).then(
      () => ({ stderr: '', code: 0 }),
      (error: { stderr: string; code: number }) => ({ stderr: error.stderr, code: error.code }),
    );
    expect(result.code).toBe(1);
    for (const line of result.stderr.trimEnd().split('\n')) expectPrintable(line);
    return result.stderr.trimEnd();
  }

  it("reports the spec's own error with its line: a throw, a syntax error, a wrong export, binary input", async () => {
    expect(await stderrOf('throws.ts', 'const x = 1;\nthrow new Error("boom in spec");\nexport default x;\n')).toBe(`${shown}/throws.ts: line 2: the spec threw Error: boom in spec`);
    expect(await stderrOf('syntax.ts', 'const x = {;\nexport default x;\n')).toMatch(new RegExp(`^${shown}/syntax\\.ts: line 1, column 11: syntax error: `));
    expect(await stderrOf('wrong.ts', 'export const spec = {};\n')).toBe(`${shown}/wrong.ts: expected a default export: export default defineMonitoring({ ... }); it exports spec`);
    expect(await stderrOf('binary.yaml', Buffer.from(Array.from({ length: 3000 }, (_, index) => (index * 7919) % 256)))).toBe(
      `${shown}/binary.yaml: the spec is not UTF-8 text (is it a binary file?)`,
    );
    expect(await stderrOf('dup.yaml', 'services:\n  - name: api\n    name: api2\n')).toMatch(new RegExp(`^${shown}/dup\\.yaml: services\\[0\\]\\.name: invalid YAML: line 3, column 5: `));
  });
});

describe('bounded parsing of hostile files', () => {
  it('rejects deep nesting and alias chains before expanding them, in YAML and JSON', async () => {
    const { parseYamlSpec, parseJsonSpec } = await import('../src/spec/load.js');
    for (const depth of [65, 1000, 100_000]) {
      await expect(parseYamlSpec(`a: ${'['.repeat(depth)}${']'.repeat(depth)}`, 'deep.yaml')).rejects.toThrow('deep.yaml: nested deeper than 64 levels of "[" or "{"');
      expect(() => parseJsonSpec(`${'['.repeat(depth)}${']'.repeat(depth)}`, 'deep.json')).toThrow('deep.json: nested deeper than 64 levels of "[" or "{"');
    }
    for (const levels of [3, 10, 30]) {
      const bomb = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]', ...Array.from({ length: levels }, (_, index) => `a${index + 1}: &a${index + 1} [${Array(10).fill(`*a${index}`).join(', ')}]`)].join('\n');
      await expect(parseYamlSpec(bomb, 'bomb.yaml')).rejects.toThrow(/^bomb\.yaml: (more than 100 YAML aliases \(\*name\)|invalid YAML: Excessive alias count)/);
    }
    await expect(parseYamlSpec('a: &x [1]\nb: *x\n', 'ok.yaml')).resolves.toEqual({ a: [1], b: [1] });
  });
});
