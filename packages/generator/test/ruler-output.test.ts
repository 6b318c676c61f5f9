/**
 * The Mimir/Cortex/Thanos ruler output (spec `ruler`): the same groups as the plain rule files,
 * one namespace per rule file, in mimirtool's layout and in Thanos' (checked by the real
 * promtool), within rulerLimits, also for a fleet of 1,000 services and 1,000 pipelines.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { buildModel, renderFile, type GeneratedFile } from '../src/index.js';
import { ruleFileOrder, rulesGenerator, RulerLimitError } from '../src/rules/generator.js';
import { rulerGenerator } from '../src/ruler/index.js';
import { largeSpec } from '../../../bench/generate.js';
import { specWith } from './spec-fixtures.js';

const run = promisify(execFile);
const promtool = '/usr/bin/promtool';

const withRuler = (ruler: Record<string, unknown>, rulerLimits?: Record<string, unknown>) =>
  buildModel(
    specWith((spec) => {
      spec.ruler = ruler;
      if (rulerLimits !== undefined) spec.rulerLimits = rulerLimits;
    }),
    'spec.yaml',
  );

const parsed = (file: GeneratedFile, source: string) => parse(renderFile(file, source)) as { namespace?: string; groups: { name: string; rules: unknown[] }[] };

describe('ruler output', () => {
  it('is rendered only when the spec asks for it', () => {
    expect(rulerGenerator(buildModel(specWith(() => undefined), 'spec.yaml'))).toEqual([]);
  });

  it('renders one namespace per rule file, mimirtool and Thanos layouts, with exactly the plain rule files\' groups', () => {
    const model = withRuler({ namespacePrefix: 'shop' });
    const files = rulerGenerator(model);
    expect(files.map((file) => file.path)).toEqual([
      'ruler/mimir/shop-recording-rules.yml',
      'ruler/thanos/shop-recording-rules.yml',
      'ruler/mimir/shop-p1-page.yml',
      'ruler/thanos/shop-p1-page.yml',
      'ruler/mimir/shop-p2-ticket.yml',
      'ruler/thanos/shop-p2-ticket.yml',
    ]);
    const plain = new Map(rulesGenerator(model).map((file) => [file.path, parsed(file, model.source)]));
    ruleFileOrder.forEach((path, index) => {
      const mimir = parsed(files[2 * index]!, model.source);
      const thanos = parsed(files[2 * index + 1]!, model.source);
      expect(mimir.namespace).toBe(files[2 * index]!.path.replace(/^ruler\/mimir\/(.*)\.yml$/, '$1'));
      expect(mimir.groups).toEqual(plain.get(path)!.groups);
      expect(thanos).toEqual({ groups: plain.get(path)!.groups });
    });
  });

  it('passes promtool check rules (the Thanos files as written)', async () => {
    if (!existsSync(promtool)) throw new Error(`${promtool} not found: install it with: apt-get install -y prometheus`);
    const model = withRuler({});
    const directory = await mkdtemp(join(tmpdir(), 'vigil-ruler-'));
    try {
      const paths: string[] = [];
      for (const file of rulerGenerator(model).filter((entry) => entry.path.startsWith('ruler/thanos/'))) {
        const path = join(directory, file.path.slice('ruler/thanos/'.length));
        await writeFile(path, renderFile(file, model.source));
        paths.push(path);
      }
      const { stdout } = await run(promtool, ['check', 'rules', ...paths], { timeout: 120_000 });
      expect(stdout.match(/SUCCESS: \d+ rules found/g)).toHaveLength(3);
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  }, 180_000);

  it('keeps 1,000 services and 1,000 pipelines within Mimir\'s default limits (20 rules per group, 70 groups per tenant)', () => {
    const model = buildModel({ ...largeSpec(1000), ruler: {}, rulerLimits: {} }, 'fleet.json');
    const groups = rulerGenerator(model)
      .filter((file) => file.path.startsWith('ruler/mimir/'))
      .flatMap((file) => (file.data as { groups: { rules: unknown[] }[] }).groups);
    expect(groups.length).toBeLessThanOrEqual(70);
    for (const group of groups) expect(group.rules.length).toBeLessThanOrEqual(20);
  });

  it('refuses a tenant past rulerLimits, naming the spec field and the numbers', () => {
    const model = withRuler({}, { groupsPerTenant: 3 });
    expect(() => rulerGenerator(model)).toThrow(RulerLimitError);
    expect(() => rulerGenerator(model)).toThrow(/^spec\.yaml: rulerLimits\.groupsPerTenant: .*more than the limit of 3/);
  });
});
