/**
 * "Did you mean" hints for spec problems: an unknown field gets the closest field the schema
 * allows at that place, an unknown name (`no service named "ingest-v2" (services: api, ingest)`)
 * the closest listed name. Applied to SpecErrors by `loadModel`.
 */
import { monitoringSpecSchema } from './schema.js';
import { SpecError, type SpecProblem } from './errors.js';

/** Edit distance (insert, delete, substitute, each 1). */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      current.push(Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1)));
    }
    previous = current;
  }
  return previous[b.length]!;
}

/** The candidate closest to `input`, when close enough to be a likely typo (case ignored). */
export function closest(input: string, candidates: Iterable<string>): string | undefined {
  const limit = Math.max(1, Math.floor(input.length / 3));
  let best: { name: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = editDistance(input.toLowerCase(), candidate.toLowerCase());
    if (distance <= limit && (best === undefined || distance < best.distance)) best = { name: candidate, distance };
  }
  return best?.name;
}

interface SchemaNode {
  readonly _zod: { readonly def: Record<string, unknown> & { readonly type: string } };
}

/** The schemas a value at this node may be, looking through optional/default/pipe wrappers. */
function variants(node: SchemaNode): SchemaNode[] {
  const def = node._zod.def;
  switch (def.type) {
    case 'optional':
    case 'nullable':
    case 'default':
    case 'readonly':
      return variants(def['innerType'] as SchemaNode);
    case 'pipe':
      return variants(def['in'] as SchemaNode);
    case 'union':
      return (def['options'] as SchemaNode[]).flatMap(variants);
    default:
      return [node];
  }
}

function child(node: SchemaNode, segment: string | number): SchemaNode[] {
  return variants(node).flatMap((variant) => {
    const def = variant._zod.def;
    if (def.type === 'array' && typeof segment === 'number') return [def['element'] as SchemaNode];
    if (def.type === 'record') return [def['valueType'] as SchemaNode];
    if (def.type === 'object' && typeof segment === 'string') {
      const shape = def['shape'] as Record<string, SchemaNode>;
      return shape[segment] === undefined ? [] : [shape[segment]];
    }
    return [];
  });
}

/** Field names the schema allows at a formatted spec path's parent (`services[0].alerts`). */
export function allowedFields(specPath: readonly (string | number)[], root: SchemaNode = monitoringSpecSchema as unknown as SchemaNode): string[] {
  let nodes = [root];
  for (const segment of specPath) nodes = nodes.flatMap((node) => child(node, segment));
  const fields = new Set<string>();
  for (const node of nodes.flatMap(variants)) {
    if (node._zod.def.type === 'object') for (const key of Object.keys(node._zod.def['shape'] as object)) fields.add(key);
  }
  return [...fields].sort();
}

/** `services[0].alerts["x y"]` -> `['services', 0, 'alerts', 'x y']`. */
export function parseSpecPath(path: string): (string | number)[] {
  const segments: (string | number)[] = [];
  for (const match of path.matchAll(/([A-Za-z_$][A-Za-z0-9_$]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]/g)) {
    if (match[1] !== undefined) segments.push(match[1]);
    else if (match[2] !== undefined) segments.push(Number(match[2]));
    else segments.push(JSON.parse(match[3]!) as string);
  }
  return segments;
}

const unknownName = /^no (\S+) named "([^"]+)".*\((?:\S+): ([^)]+)\)$/;

function withHint(problem: SpecProblem): SpecProblem {
  if (problem.message === 'unknown field') {
    const segments = parseSpecPath(problem.path);
    const field = segments.at(-1);
    if (typeof field !== 'string') return problem;
    const suggestion = closest(field, allowedFields(segments.slice(0, -1)));
    return suggestion === undefined ? problem : { ...problem, message: `unknown field (did you mean "${suggestion}"?)` };
  }
  const name = unknownName.exec(problem.message);
  if (name !== null) {
    const suggestion = closest(name[2]!, name[3]!.split(',').map((candidate) => candidate.trim()));
    if (suggestion !== undefined) return { ...problem, message: `${problem.message}; did you mean "${suggestion}"?` };
  }
  return problem;
}

/** The same error with "did you mean" hints added where a close match exists. */
export function withSuggestions(error: SpecError): SpecError {
  return new SpecError(error.problems.map(withHint));
}
