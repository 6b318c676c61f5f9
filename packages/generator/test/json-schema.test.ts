import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { loadModel } from '../src/index.js';
import { jsonSchemaFile, specJsonSchema, specJsonSchemaText } from '../src/spec/json-schema.js';

const packageDir = join(import.meta.dirname, '..');
const examplePath = join(packageDir, 'examples', 'vigil.yaml');
const exampleText = readFileSync(examplePath, 'utf8');

function validator() {
  return new Ajv2020({ allErrors: true, strict: false }).compile(specJsonSchema());
}

describe('the JSON Schema of the spec', () => {
  it('is committed as generated from the zod schema (pnpm --filter @vigil/generator run schema)', () => {
    expect(readFileSync(join(packageDir, jsonSchemaFile), 'utf8')).toBe(specJsonSchemaText());
  });

  it('the YAML example names the shipped schema and validates against it, and the generator accepts it', async () => {
    expect(exampleText.split('\n')[0]).toBe(`# yaml-language-server: $schema=../${jsonSchemaFile}`);
    const validate = validator();
    expect(validate(parse(exampleText)), JSON.stringify(validate.errors)).toBe(true);
    const model = await loadModel(examplePath, { baseDir: packageDir });
    expect(model.services.map((service) => service.name)).toEqual(['api', 'ingest']);
  });

  it('rejects what the zod schema rejects: an unknown field, a missing required field, a bad name', () => {
    const validate = validator();
    const spec = parse(exampleText) as Record<string, unknown> & { services: Record<string, unknown>[] };
    expect(validate({ ...spec, servics: [] })).toBe(false);
    const { runbookUrl: _dropped, ...withoutRunbook } = spec;
    expect(validate(withoutRunbook)).toBe(false);
    expect(validate({ ...spec, services: [{ ...spec.services[0], name: 'Bad Name' }] })).toBe(false);
  });
});
