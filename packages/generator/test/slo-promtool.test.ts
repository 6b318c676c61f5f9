/**
 * The burn-rate alerts' generated tests can fail: with the evidence floor (minEvents) removed
 * from ErrorBudgetBurnFast, its low-traffic test pages and the real promtool reports it.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { loadModel, renderModel, writeGeneratedFiles } from '../src/index.js';
import { rulesGenerator } from '../src/rules/generator.js';

const run = promisify(execFile);
let directory: string | undefined;

afterAll(async () => {
  if (directory !== undefined) await rm(directory, { recursive: true, force: true });
});

describe('ErrorBudgetBurnFast tests', () => {
  it('fail on the low-traffic case when the rule drops its minEvents guard', async () => {
    const model = await loadModel();
    directory = await mkdtemp(join(tmpdir(), 'vigil-slo-promtool-'));
    await writeGeneratedFiles(renderModel(model, [rulesGenerator]), { outDir: directory, source: model.source });
    const p1 = join(directory, 'alerts', 'p1-page.yml');
    const text = await readFile(p1, 'utf8');
    const unguarded = text.replace(/ and vigil:slo_events:increase\w+ >= vigil:slo_min_events/g, '');
    expect(unguarded).not.toBe(text);
    await writeFile(p1, unguarded);
    const failure = await run('/usr/bin/promtool', ['test', 'rules', join('alerts', 'tests', 'ErrorBudgetBurnFast.yml')], {
      cwd: directory,
      timeout: 400_000,
    }).then(
      () => undefined,
      (error: { code?: number; stdout?: string; stderr?: string }) => error,
    );
    expect(failure?.code).toBe(1);
    const output = `${failure?.stdout ?? ''}${failure?.stderr ?? ''}`;
    expect(output).toContain('FAILED');
    expect(output).toContain('under minEvents, never pages');
    // Only the low-traffic case breaks: the others do not depend on the guard.
    expect(output).not.toContain('burns its budget at');
  }, 420_000);
});
