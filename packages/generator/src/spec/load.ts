/**
 * Loads a spec file: `.ts`/`.mts`/`.js`/`.mjs` by bundling and importing it (default export;
 * see bundle.ts), `.yaml`/`.yml` and `.json` by parsing. Returns the raw value; `buildModel`
 * validates it. Read failures are SpecErrors naming the file.
 */
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { importBundledSpec } from './bundle.js';
import { SpecError } from './errors.js';

export async function loadSpec(path: string, displayName: string = path): Promise<unknown> {
  const extension = extname(path).toLowerCase();
  if (['.ts', '.mts', '.js', '.mjs'].includes(extension)) return importSpec(path, displayName);
  if (extension === '.yaml' || extension === '.yml') return parseYamlSpec(await readSpecText(path, displayName), displayName);
  if (extension === '.json') return parseJsonSpec(await readSpecText(path, displayName), displayName);
  throw new SpecError([
    { file: displayName, path: '', message: `expected a .ts, .yaml, .yml or .json spec file, got "${extension || 'no extension'}"` },
  ]);
}

async function readSpecText(path: string, displayName: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new SpecError([{ file: displayName, path: '', message: `cannot read the spec: ${(error as Error).message}` }]);
  }
}

async function importSpec(path: string, displayName: string): Promise<unknown> {
  let module: Record<string, unknown>;
  try {
    module = await importBundledSpec(path);
  } catch (error) {
    throw new SpecError([{ file: displayName, path: '', message: `cannot load the spec: ${(error as Error).message}` }]);
  }
  if (module.default === undefined) {
    throw new SpecError([
      { file: displayName, path: '', message: 'expected a default export: export default defineMonitoring({ ... })' },
    ]);
  }
  return module.default;
}

export async function parseYamlSpec(text: string, displayName: string): Promise<unknown> {
  // Loaded on demand: most specs are TypeScript or JSON, and the parser costs ~100 ms to import.
  const { parseDocument } = await import('yaml');
  const document = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (document.errors.length > 0) {
    throw new SpecError(
      document.errors.map((error) => {
        const position = error.linePos?.[0];
        const where = position ? `line ${position.line}, column ${position.col}: ` : '';
        const reason = (error.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '');
        return { file: displayName, path: '', message: `invalid YAML: ${where}${reason}` };
      }),
    );
  }
  return document.toJS();
}

export function parseJsonSpec(text: string, displayName: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new SpecError([{ file: displayName, path: '', message: `invalid JSON: ${(error as Error).message}` }]);
  }
}
