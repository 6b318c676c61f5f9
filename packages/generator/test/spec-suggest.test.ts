import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { loadModel, SpecError } from '../src/index.js';
import { allowedFields, closest, parseSpecPath } from '../src/spec/suggest.js';
import { specWith } from './spec-fixtures.js';

async function problems(spec: unknown): Promise<string[]> {
  const directory = await mkdtemp(join(tmpdir(), 'vigil-suggest-'));
  try {
    await writeFile(join(directory, 'spec.yaml'), stringify(spec));
    await loadModel('spec.yaml', { baseDir: directory });
    return [];
  } catch (error) {
    if (error instanceof SpecError) return error.message.split('\n');
    throw error;
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}

describe('did you mean', () => {
  it('suggests the closest allowed field for a misspelt one, at any depth, and nothing when none is close', async () => {
    const lines = await problems(
      specWith((spec) => {
        spec.servics = [];
        spec.services[0].alerts = { highErrorRat: { ratio: 0.2 } };
        spec.pipelines[0].zeroItemWindow = '6h';
        spec.services[1].colour = 'blue';
      }),
    );
    expect(lines).toContain('spec.yaml: servics: unknown field (did you mean "services"?)');
    expect(lines).toContain('spec.yaml: services[0].alerts.highErrorRat: unknown field (did you mean "highErrorRate"?)');
    expect(lines).toContain('spec.yaml: pipelines[0].zeroItemWindow: unknown field (did you mean "zeroItemsWindow"?)');
    expect(lines).toContain('spec.yaml: services[1].colour: unknown field');
  });

  it('suggests the closest existing name for an unknown reference', async () => {
    const lines = await problems(specWith((spec) => (spec.pipelines[0].service = 'ingset')));
    expect(lines.some((line) => line.startsWith('spec.yaml: pipelines[0].service: ') && line.endsWith('did you mean "ingest"?'))).toBe(true);
  });

  it('pieces: edit distance threshold, path parsing, fields of a union member', () => {
    expect(closest('recievers', ['receivers', 'teams'])).toBe('receivers');
    expect(closest('xyz', ['receivers', 'teams'])).toBeUndefined();
    expect(parseSpecPath('services[0].alerts["a b"]')).toEqual(['services', 0, 'alerts', 'a b']);
    expect(allowedFields(['receivers', 0])).toEqual(expect.arrayContaining(['routingKeyFile', 'apiUrlFile', 'url']));
  });
});
