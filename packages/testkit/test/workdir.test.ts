import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { asGrafanaWouldSend } from '@vigil/generator/testing';
import { expandRecordingRules, panelExpressions, recordingRules } from './e2e/dashboards.js';
import { copyRuleFiles, expandRulePattern, makeWorkDir, removeWorkDir } from '../src/workdir.js';

const base = mkdtempSync(join(tmpdir(), 'vigil-workdir-test-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

describe('rule file handling', () => {
  mkdirSync(join(base, 'alerts'));
  for (const name of ['b.rules.yml', 'a.rules.yml', 'notes.md']) writeFileSync(join(base, 'alerts', name), `# ${name}\n`);
  mkdirSync(join(base, 'monitoring'));

  it('expands a glob in the last segment relative to the config directory, sorted', () => {
    expect(expandRulePattern('../alerts/*.rules.yml', join(base, 'monitoring'))).toEqual([
      join(base, 'alerts', 'a.rules.yml'),
      join(base, 'alerts', 'b.rules.yml'),
    ]);
    expect(expandRulePattern(join(base, 'alerts', 'notes.md'), '/elsewhere')).toEqual([join(base, 'alerts', 'notes.md')]);
  });

  it('copies rule files into the work directory under unique relative names', () => {
    const workDir = makeWorkDir('test');
    try {
      const copied = copyRuleFiles(workDir, [join(base, 'alerts', 'a.rules.yml'), join(base, 'alerts', 'a.rules.yml')]);
      expect(copied).toEqual(['rules/000-a.rules.yml', 'rules/001-a.rules.yml']);
      expect(readFileSync(join(workDir, copied[1] ?? ''), 'utf8')).toBe('# a.rules.yml\n');
    } finally {
      removeWorkDir(workDir);
    }
  });
});

describe('dashboard expressions for the end-to-end check', () => {
  it('finds targets in nested rows and substitutes Grafana variables', () => {
    const dashboard = {
      panels: [
        { title: 'A', targets: [{ expr: 'rate(x_total{job=~"$job"}[$__rate_interval])' }] },
        { title: 'Row', panels: [{ title: 'B', targets: [{ expr: 'y{instance=~"${instance}", p=~"[[pipeline]]"}' }, { expr: ' ' }] }] },
      ],
    };
    expect(panelExpressions(dashboard).map((entry) => [entry.panel, asGrafanaWouldSend(entry.expr, { scrapeSeconds: 15 })])).toEqual([
      ['A', 'rate(x_total{job=~".*"}[61s])'],
      ['B', 'y{instance=~".*", p=~".*"}'],
    ]);
  });
});

describe('recording rule expansion', () => {
  it('reads recording rules from rule files and expands them recursively', () => {
    const file = join(base, 'recording.yml');
    writeFileSync(
      file,
      [
        'groups:',
        '  - name: g',
        '    rules:',
        '      - record: instance:mem:ratio',
        '        expr: process_resident_memory_bytes / on (job, instance) job:limit:max',
        '      - record: job:limit:max',
        '        expr: max by (job, instance) (container_memory_limit_bytes)',
        '      - alert: Ignored',
        '        expr: vector(1)',
      ].join('\n'),
    );
    const rules = recordingRules([file]);
    expect([...rules.keys()]).toEqual(['instance:mem:ratio', 'job:limit:max']);
    expect(expandRecordingRules('max(instance:mem:ratio{job=~".*"})', rules)).toContain('container_memory_limit_bytes');
    expect(expandRecordingRules('up', rules)).toBe('up');
  });
});
