/**
 * YAML text for the plain data generators return, serialised by the `yaml` package.
 *
 * Readers of the output are Prometheus, Alertmanager, promtool and amtool (go-yaml, YAML 1.1) as
 * well as YAML 1.2 tools, so a string stays plain only when both read it back as that string:
 * both schemas are checked (`compat`).
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { stringify, type ToStringOptions } from 'yaml';

const stringifyOptions = {
  // The 1.2 core schema writes the document; every 1.1 form (yes/on/y, 1:20, 2001-12-14, the
  // `<<` merge key) is quoted as well. With version 1.1 the string "<<" would be written as a
  // merge key.
  version: '1.2',
  compat: 'yaml-1.1',
  // Shared sub-objects (e.g. one labels object in many rules) are written out, never as anchors.
  aliasDuplicateObjects: false,
  lineWidth: 0,
  // No %YAML/%TAG lines are ever written; this skips a walk of the whole tree looking for tags.
  directives: false,
  blockQuote: 'literal',
  indentSeq: true,
} as const satisfies Parameters<typeof stringify>[2] & ToStringOptions;

class NotDataError extends TypeError {
  readonly path: (string | number)[] = [];
}

// go-yaml reads U+2028/U+2029 as line breaks even inside quotes, and `yaml` writes them raw.
const lineSeparator = /[\u2028\u2029]/;

/**
 * Throws NotDataError unless the value is JSON-like data YAML can hold exactly. Returns the
 * number of nodes, which is what serialising costs.
 */
function checkData(value: unknown): number {
  if (value === null) return 1;
  switch (typeof value) {
    case 'string':
      if (lineSeparator.test(value)) throw new NotDataError('U+2028/U+2029 are line breaks to YAML 1.1 readers; use \\n');
      return 1;
    case 'number':
    case 'boolean':
    case 'undefined':
      return 1;
    case 'object':
      break;
    default:
      throw new NotDataError(`${typeof value} values are not data`);
  }
  let nodes = 1;
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) {
      try {
        nodes += checkData(value[index]);
      } catch (error) {
        if (error instanceof NotDataError) error.path.unshift(index);
        throw error;
      }
    }
    return nodes;
  }
  const prototype = Object.getPrototypeOf(value) as unknown;
  if (prototype !== Object.prototype && prototype !== null) throw new NotDataError('not a plain object');
  for (const key in value) {
    try {
      if (lineSeparator.test(key)) throw new NotDataError('U+2028/U+2029 are line breaks to YAML 1.1 readers');
      nodes += 1 + checkData((value as Record<string, unknown>)[key]);
    } catch (error) {
      if (error instanceof NotDataError) error.path.unshift(key);
      throw error;
    }
  }
  return nodes;
}

function checkedNodeCount(value: unknown, name: string): number {
  try {
    return checkData(value);
  } catch (error) {
    if (!(error instanceof NotDataError)) throw error;
    const where = error.path.map((part) => (typeof part === 'number' ? `[${part}]` : `.${part}`)).join('') || 'the document';
    throw new TypeError(`cannot write ${where} of ${name} as YAML: ${error.message}`);
  }
}

/** YAML text for plain data (objects, arrays, strings, numbers, booleans, null), ending with a newline. */
export function yamlText(value: unknown, name = 'the document'): string {
  checkedNodeCount(value, name);
  return stringify(value, stringifyOptions);
}

/**
 * Below this many nodes in all, starting a worker (~60 ms) costs more than it saves. The rule
 * files of a 1,000-service spec hold ~1.5 million.
 */
const parallelThreshold = 200_000;

// A plain CommonJS script: the worker must not depend on a TypeScript loader or the bundle.
const workerSource = `
const { parentPort, workerData } = require('node:worker_threads');
const { stringify } = require(workerData.yamlEntry);
parentPort.once('message', (values) => parentPort.postMessage(values.map((value) => stringify(value, workerData.options))));
`;

function stringifyInWorker(values: readonly unknown[]): Promise<string[]> {
  const yamlEntry = createRequire(import.meta.url).resolve('yaml');
  // execArgv: [] so a worker started under tsx does not load tsx (~0.3 s) for a plain script.
  const worker = new Worker(workerSource, { eval: true, execArgv: [], workerData: { yamlEntry, options: stringifyOptions } });
  return new Promise<string[]>((resolve, reject) => {
    worker.once('message', (texts: string[]) => {
      resolve(texts);
      void worker.terminate();
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the YAML worker exited (code ${code}) before answering`)));
    worker.postMessage(values);
  });
}

/**
 * YAML text for many documents (same bytes as yamlText). Large batches are split by size
 * between this thread and one worker thread, which serialise in parallel.
 */
export async function yamlTexts(documents: readonly { readonly name: string; readonly value: unknown }[]): Promise<string[]> {
  const weights = documents.map(({ name, value }) => checkedNodeCount(value, name));
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  if (total < parallelThreshold) return documents.map(({ value }) => stringify(value, stringifyOptions));
  // Heaviest first, each to the lighter side.
  const order = weights.map((_, index) => index).sort((a, b) => weights[b]! - weights[a]! || a - b);
  const offloaded: number[] = [];
  let here = 0;
  let there = 0;
  for (const index of order) {
    if (there < here) {
      offloaded.push(index);
      there += weights[index]!;
    } else here += weights[index]!;
  }
  const offloadedSet = new Set(offloaded);
  const fromWorker = stringifyInWorker(offloaded.map((index) => documents[index]!.value));
  const texts = documents.map(({ value }, index) => (offloadedSet.has(index) ? '' : stringify(value, stringifyOptions)));
  const workerTexts = await fromWorker;
  offloaded.forEach((index, position) => (texts[index] = workerTexts[position]!));
  return texts;
}
