/**
 * Loads a spec file: `.ts`/`.mts`/`.js`/`.mjs` by bundling and importing it (default export;
 * see bundle.ts), `.yaml`/`.yml` and `.json` by parsing. Returns the raw value; `buildModel`
 * validates it. Read failures are SpecErrors naming the file.
 */
import { readFile, stat } from 'node:fs/promises';
import { extname } from 'node:path';
import { pathToFileURL } from 'node:url';
import { importBundledSpec } from './bundle.js';
import { jsonFieldCountProblems } from './bounds.js';
import { formatSpecPath, SpecError } from './errors.js';

export async function loadSpec(path: string, displayName: string = path): Promise<unknown> {
  const extension = extname(path).toLowerCase();
  if (['.ts', '.mts', '.js', '.mjs'].includes(extension)) return importSpec(path, displayName);
  if (extension === '.yaml' || extension === '.yml') return parseYamlSpec(await readSpecText(path, displayName), displayName);
  if (extension === '.json') return parseJsonSpec(await readSpecText(path, displayName), displayName);
  throw new SpecError([
    { file: displayName, path: '', message: `expected a .ts, .yaml, .yml or .json spec file, got "${extension || 'no extension'}"` },
  ]);
}

/**
 * The largest spec file read. A spec describing thousands of services is a few hundred kB;
 * the cap bounds the time and memory parsing can take.
 */
export const maxSpecBytes = 5 * 1024 * 1024;

async function readSpecText(path: string, displayName: string): Promise<string> {
  let bytes: Buffer;
  try {
    const info = await stat(path);
    if (info.isFile() && info.size > maxSpecBytes) {
      throw new SpecError([{ file: displayName, path: '', message: `the spec is ${info.size} bytes; at most ${maxSpecBytes} are read` }]);
    }
    bytes = await readFile(path);
  } catch (error) {
    if (error instanceof SpecError) throw error;
    throw new SpecError([{ file: displayName, path: '', message: `cannot read the spec: ${systemReason(error)}` }]);
  }
  try {
    if (bytes.includes(0)) throw new Error('NUL byte');
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new SpecError([{ file: displayName, path: '', message: 'the spec is not UTF-8 text (is it a binary file?)' }]);
  }
}

/** "ENOENT: no such file or directory, open '/abs/x'" -> "ENOENT (no such file or directory)": the file is already named. */
function systemReason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const match = /^([A-Z]+): ([^,]+)/.exec(message);
  return match === null ? message : `${match[1]} (${match[2]})`;
}

async function importSpec(path: string, displayName: string): Promise<unknown> {
  let module: Record<string, unknown>;
  try {
    module = await importBundledSpec(path);
  } catch (error) {
    throw new SpecError([{ file: displayName, path: '', message: moduleErrorMessage(error, path) }]);
  }
  if (module.default === undefined) {
    const names = Object.keys(module).sort();
    const found = names.length === 0 ? 'it exports nothing' : `it exports ${names.slice(0, 5).join(', ')}${names.length > 5 ? ', ...' : ''}`;
    throw new SpecError([
      { file: displayName, path: '', message: `expected a default export: export default defineMonitoring({ ... }); ${found}` },
    ]);
  }
  return module.default;
}

/**
 * What went wrong loading a spec module, in the spec's own terms: a syntax error with its line
 * and column (esbuild's "file:line:col: ERROR: ..." under tsx), or what the spec threw with the
 * line of the spec it came from, never the loader's own wrapping.
 */
export function moduleErrorMessage(error: unknown, path: string): string {
  const message = error instanceof Error ? error.message : String(error);
  const syntax = /:(\d+):(\d+): ERROR: (.+)/.exec(message);
  if (syntax !== null) return `line ${syntax[1]}, column ${syntax[2]}: syntax error: ${syntax[3]}`;
  if (error instanceof SyntaxError) {
    const where = stackLine(error, path);
    return `${where === undefined ? '' : `line ${where}: `}syntax error: ${message.split('\n')[0]}`;
  }
  const where = stackLine(error, path);
  const name = error instanceof Error ? error.name : 'a value';
  return `${where === undefined ? '' : `line ${where}: `}the spec threw ${name}: ${message.split('\n')[0]}`;
}

/** The line of the first stack frame inside the spec file. */
function stackLine(error: unknown, path: string): string | undefined {
  const stack = error instanceof Error ? (error.stack ?? '') : '';
  const url = pathToFileURL(path).href;
  for (const line of stack.split('\n')) {
    const index = line.includes(url) ? line.indexOf(url) + url.length : line.includes(path) ? line.indexOf(path) + path.length : -1;
    if (index < 0) continue;
    const position = /^:(\d+):\d+/.exec(line.slice(index));
    if (position !== null) return position[1];
  }
  return undefined;
}

/** Deepest `[`/`{` nesting read; a real spec nests under 10 levels, a hostile one can overflow the parser's stack. */
export const maxNesting = 64;
/** Most YAML aliases (`*name`) read; expanding a chain of aliases can grow a kilobyte into gigabytes. */
export const maxAliases = 100;

function assertShallow(text: string, displayName: string): void {
  let depth = 0;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code === 91 || code === 123) {
      depth += 1;
      if (depth > maxNesting) {
        throw new SpecError([{ file: displayName, path: '', message: `nested deeper than ${maxNesting} levels of "[" or "{"` }]);
      }
    } else if ((code === 93 || code === 125) && depth > 0) depth -= 1;
  }
}

export async function parseYamlSpec(text: string, displayName: string): Promise<unknown> {
  assertShallow(text, displayName);
  // Loaded on demand: most specs are TypeScript or JSON, and the parser costs ~100 ms to import.
  const { parseDocument, isMap, isSeq, isScalar, visit } = await import('yaml');
  const document = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  let aliases = 0;
  visit(document, { Alias: () => (++aliases > maxAliases ? visit.BREAK : undefined) });
  if (aliases > maxAliases) throw new SpecError([{ file: displayName, path: '', message: `more than ${maxAliases} YAML aliases (*name)` }]);
  /** The spec path of the innermost node around an offset, so a YAML error names the field too. */
  const pathAt = (offset: number): (string | number)[] => {
    const path: (string | number)[] = [];
    let node: unknown = document.contents;
    for (let depth = 0; depth < 64; depth += 1) {
      let next: unknown;
      if (isMap(node)) {
        for (const pair of node.items) {
          const key = pair.key as { range?: [number, number, number] } | null;
          const value = pair.value as { range?: [number, number, number] } | null;
          const end = value?.range?.[2] ?? key?.range?.[2];
          if (key?.range !== undefined && end !== undefined && offset >= key.range[0] && offset <= end) {
            path.push(isScalar(pair.key) ? String(pair.key.value) : '?');
            next = pair.value;
            break;
          }
        }
      } else if (isSeq(node)) {
        node.items.forEach((item, index) => {
          const range = (item as { range?: [number, number, number] } | null)?.range;
          if (next === undefined && range !== undefined && offset >= range[0] && offset <= range[2]) {
            path.push(index);
            next = item;
          }
        });
      }
      if (next === undefined) break;
      node = next;
    }
    return path;
  };
  if (document.errors.length > 0) {
    throw new SpecError(
      document.errors.slice(0, 20).map((error) => {
        const position = error.linePos?.[0];
        const where = position ? `line ${position.line}, column ${position.col}: ` : '';
        const reason = (error.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '');
        return { file: displayName, path: formatSpecPath(pathAt(error.pos[0])), message: `invalid YAML: ${where}${reason}` };
      }),
    );
  }
  try {
    return document.toJS({ maxAliasCount: 100 });
  } catch (error) {
    throw new SpecError([{ file: displayName, path: '', message: `invalid YAML: ${(error as Error).message.split('\n')[0]}` }]);
  }
}

export function parseJsonSpec(text: string, displayName: string): unknown {
  assertShallow(text, displayName);
  const tooManyFields = jsonFieldCountProblems(text, displayName);
  if (tooManyFields.length > 0) throw new SpecError(tooManyFields);
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new SpecError([{ file: displayName, path: '', message: `invalid JSON: ${(error as Error).message}` }]);
  }
}
