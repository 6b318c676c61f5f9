/**
 * Layering a profile or run-time overrides over a spec. Settings objects merge key by key;
 * services, pipelines and dependencies are matched by name; lists (targets, fields, sites) replace.
 * `durations` is not merged here: buildModel applies it while resolving defaults.
 */
import type { MonitoringSpec, SpecOverrides } from '../spec/schema.js';
import type { SpecProblem } from '../spec/errors.js';

type PlainObject = Record<string, unknown>;

const isPlainObject = (value: unknown): value is PlainObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function merge<T>(base: T, changes: unknown): T {
  if (!isPlainObject(base) || !isPlainObject(changes)) return (changes === undefined ? base : changes) as T;
  const result: PlainObject = { ...base };
  for (const [key, value] of Object.entries(changes)) {
    if (value === undefined) continue;
    result[key] = isPlainObject(value) && isPlainObject(result[key]) ? merge(result[key], value) : value;
  }
  return result as T;
}

function mergeByName<T extends { readonly name: string }>(entries: readonly T[] | undefined, changes: Record<string, unknown> | undefined): T[] | undefined {
  if (entries === undefined || changes === undefined) return entries === undefined ? undefined : [...entries];
  return entries.map((entry) => (changes[entry.name] === undefined ? entry : merge(entry, changes[entry.name])));
}

/** The spec with `overrides` layered on; the input is not modified. */
export function applyOverrides<S extends MonitoringSpec>(spec: S, overrides: SpecOverrides): S {
  const result: S = { ...spec };
  if (overrides.runbookUrl !== undefined) result.runbookUrl = overrides.runbookUrl;
  if (overrides.prometheus !== undefined) result.prometheus = merge(spec.prometheus ?? {}, overrides.prometheus);
  if (overrides.alertmanager !== undefined) result.alertmanager = merge(spec.alertmanager ?? {}, overrides.alertmanager);
  if (overrides.stack !== undefined) result.stack = merge(spec.stack ?? {}, overrides.stack);
  if (overrides.sites !== undefined) result.sites = overrides.sites;
  if (overrides.selfMonitoring !== undefined) result.selfMonitoring = merge(spec.selfMonitoring ?? {}, overrides.selfMonitoring);
  if (overrides.hosts !== undefined && spec.hosts !== undefined) result.hosts = merge(spec.hosts, overrides.hosts);
  // Replaced whole: url and urlFile exclude each other, so merging could end with both.
  if (overrides.watchdog !== undefined) result.watchdog = overrides.watchdog;
  result.services = mergeByName(spec.services, overrides.services) ?? [];
  const pipelines = mergeByName(spec.pipelines, overrides.pipelines);
  if (pipelines !== undefined) result.pipelines = pipelines;
  const dependencies = mergeByName(spec.dependencies, overrides.dependencies);
  if (dependencies !== undefined) result.dependencies = dependencies;
  return result;
}

/** Overrides naming a service, pipeline or dependency the spec does not have. */
export function overrideProblems(spec: MonitoringSpec, overrides: SpecOverrides, file: string, path: string): SpecProblem[] {
  const problems: SpecProblem[] = [];
  const check = (key: 'services' | 'pipelines' | 'dependencies', entries: readonly { readonly name: string }[] | undefined): void => {
    const names = new Set((entries ?? []).map((entry) => entry.name));
    for (const name of Object.keys(overrides[key] ?? {})) {
      if (!names.has(name)) problems.push({ file, path: `${path}.${key}.${name}`, message: `no ${key.slice(0, -1).replace('dependencie', 'dependency')} named "${name}"` });
    }
  };
  check('services', spec.services);
  check('pipelines', spec.pipelines);
  check('dependencies', spec.dependencies);
  const dependencyKinds = new Map((spec.dependencies ?? []).map((dependency) => [dependency.name, dependency.kind]));
  for (const name of Object.keys(overrides.dependencies ?? {})) {
    if (dependencyKinds.get(name) === 'healthCheck') {
      problems.push({ file, path: `${path}.dependencies.${name}`, message: 'health-check dependencies have no targets or address to override' });
    }
  }
  if (overrides.hosts !== undefined && spec.hosts === undefined) {
    problems.push({ file, path: `${path}.hosts`, message: 'the spec has no hosts section to override' });
  }
  return problems;
}
