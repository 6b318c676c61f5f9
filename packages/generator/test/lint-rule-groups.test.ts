/**
 * The rule lint (pint-style checks over the rendered rule groups): each check on hand-made
 * groups, then end to end: specs whose windows or `for`s cannot work are refused by generation.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildModel, renderModel } from '../src/index.js';
import { assertRulesPassLint } from '../src/generate.js';
import { alertsAbsentCheck } from '../src/lint/rule-groups/alerts-absent.js';
import { groupIntervalCheck } from '../src/lint/rule-groups/group-interval.js';
import { lintRuleGroups, type RenderedGroup, type RuleGroupCheck } from '../src/lint/rule-groups/index.js';
import { promqlRateCheck } from '../src/lint/rule-groups/promql-rate.js';
import { rangeWindowCheck } from '../src/lint/rule-groups/range-window.js';
import { ruleForCheck } from '../src/lint/rule-groups/rule-for.js';
import { minimalSpec, problemsOf, specWith } from './spec-fixtures.js';

/** The minimal spec scrapes every 15s and evaluates every 15s; api is scraped every 30s here. */
const model = buildModel(specWith((spec) => (spec.services[0].scrapeInterval = '30s')), 'spec.ts');

function messages(check: RuleGroupCheck, group: RenderedGroup): string[] {
  return check.check({ model, file: 'alerts/x.yml', group }).map((problem) => problem.message);
}

const alert = (expr: string, waits?: string): RenderedGroup => ({ name: 'G', rules: [{ alert: 'A', expr, ...(waits === undefined ? {} : { for: waits }) }] });

describe('rule group checks', () => {
  it('promql/rate: counter windows under 4 scrape intervals of the job they select (or the longest)', () => {
    expect(messages(promqlRateCheck, alert('rate(x_total{job="api"}[1m]) > 0'))).toEqual([
      'rate() over [1m] is under 4 scrape intervals of 30s; use at least 2m or scrape more often',
    ]);
    expect(messages(promqlRateCheck, alert('increase(x_total{job="ingest"}[1m]) > 0'))).toEqual([]);
    expect(messages(promqlRateCheck, alert('sum(irate(x_total[90s])) > 0'))).toHaveLength(1);
    expect(messages(promqlRateCheck, alert('rate(x_total[2m]) > 0'))).toEqual([]);
  });

  it('promql/range: other look-backs hold 2 scrape intervals and one evaluation interval', () => {
    expect(messages(rangeWindowCheck, alert('max_over_time(up{job="api"}[45s]) == 0'))).toEqual([
      'max_over_time() over a window of [45s] is under 2 scrape intervals of 30s (or one evaluation interval of 15s); use at least 1m',
    ]);
    expect(messages(rangeWindowCheck, alert('changes(up{job="ingest"}[30s]) > 0'))).toEqual([]);
    expect(messages(rangeWindowCheck, alert('max_over_time(up{job="ingest"}[10s:5s]) == 0'))).toHaveLength(1);
  });

  it('alerts/absent: absent() alerts wait 2 scrape intervals', () => {
    expect(messages(alertsAbsentCheck, alert('absent(up{job="api"})'))).toEqual([
      'uses absent() with for: 0s, under 2 scrape intervals of 30s; one late scrape would fire it',
    ]);
    expect(messages(alertsAbsentCheck, alert('absent(up{job="api"})', '59s'))).toHaveLength(1);
    expect(messages(alertsAbsentCheck, alert('absent(up{job="api"})', '1m'))).toEqual([]);
    expect(messages(alertsAbsentCheck, alert('absent_over_time(up{job="api"}[5m])'))).toEqual([]);
  });

  it('rule/for: a for shorter than the evaluation interval', () => {
    expect(messages(ruleForCheck, alert('up == 0', '5s'))).toEqual(['for: 5s is shorter than the evaluation interval 15s; it would act as 15s']);
    expect(messages(ruleForCheck, alert('up == 0', '15s'))).toEqual([]);
    expect(messages(ruleForCheck, { name: 'G', rules: [{ record: 'r', expr: 'up' }] })).toEqual([]);
  });

  it('group/interval: groups evaluated within 1s to 5m', () => {
    expect(messages(groupIntervalCheck, { name: 'G', interval: '10m', rules: [] })).toEqual(['evaluated every 10m; expected 1s to 5m']);
    expect(messages(groupIntervalCheck, { name: 'G', interval: '500ms', rules: [] })).toHaveLength(1);
    expect(messages(groupIntervalCheck, { name: 'G', rules: [] })).toEqual([]);
  });

  it('finds nothing in what the example spec and its edge-of-bounds variants render', () => {
    for (const spec of [
      minimalSpec(),
      specWith((spec) => (spec.prometheus = { scrapeInterval: '1s', evaluationInterval: '1s' })),
      specWith((spec) => (spec.prometheus = { scrapeInterval: '1m', evaluationInterval: '1m' })),
    ]) {
      const built = buildModel(spec, 'spec.ts');
      expect(lintRuleGroups(built, renderModel(built))).toEqual([]);
    }
  });
});

describe('generation refuses rules the lint rejects', () => {
  // Generated corpus: every look-back window under 2 or 4 scrape intervals, per scrape interval.
  const scrapeIntervals = ['15s', '30s', '1m', '2m'];
  const corpus = scrapeIntervals.flatMap((scrape) =>
    [0.5, 1, 1.5, 3].map((factor) => ({ scrape, window: `${Math.round(factor * Number.parseInt(scrape, 10) * (scrape.endsWith('m') ? 60 : 1))}s` })),
  );

  it('an unhandled-errors window under 4 scrape intervals, for every scrape interval', () => {
    for (const { scrape, window } of corpus) {
      const built = buildModel(specWith((spec) => {
        spec.prometheus = { scrapeInterval: scrape };
        spec.services[0].alerts = { unhandledErrorsBurst: { window } };
      }), 'spec.ts');
      expect(() => assertRulesPassLint(built, renderModel(built)), `${scrape} ${window}`).toThrow(/spec\.ts: rendered rules fail the rule lint: \[promql\/rate\] alerts\/p1-page\.yml › UnhandledErrorsBurst › UnhandledErrorsBurst: increase\(\) over/);
    }
  });

  it('a for shorter than the evaluation interval (durations.for of a profile)', () => {
    const built = buildModel(specWith((spec) => {
      spec.prometheus = { evaluationInterval: '1m' };
      spec.profiles = { fast: { durations: { for: '5s' } } };
    }), 'spec.ts', { profile: 'fast' });
    expect(() => assertRulesPassLint(built, renderModel(built))).toThrow(/\[rule\/for\] .*for: 5s is shorter than the evaluation interval 1m/);
  });

  it('writes nothing when the lint fails', async () => {
    const out = await mkdtemp(join(tmpdir(), 'vigil-lint-'));
    try {
      const { generate } = await import('../src/generate.js');
      const { writeFile } = await import('node:fs/promises');
      const specPath = join(out, 'spec.json');
      await writeFile(specPath, JSON.stringify(specWith((spec) => (spec.services[0].alerts = { unhandledErrorsBurst: { window: '30s' } }))));
      await expect(generate({ configPath: specPath, outDir: join(out, 'out') })).rejects.toThrow(/\[promql\/rate\]/);
      expect(await readdir(out)).toEqual(['spec.json']);
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });

  it('the message of a refused spec names the file first', () => {
    expect(problemsOf(specWith((spec) => (spec.prometheus = { scrapeInterval: '0s' })))[0]).toMatch(/^monitoring\/vigil\.config\.ts: /);
  });
});
