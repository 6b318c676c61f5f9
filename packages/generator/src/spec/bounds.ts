/**
 * Bounds on how much work a spec can ask for, checked before any of that work starts, so an
 * absurd spec fails at once with the field and the limit named instead of running for minutes.
 */
import { parseDuration } from './duration.js';
import { formatSpecPath, type SpecProblem } from './errors.js';

/**
 * The most fields one object may have. The largest legitimate maps (labels, profiles) hold tens;
 * 250,000 misspelt fields took 6.9 s to report one by one.
 */
export const maxFieldsPerObject = 1000;

/**
 * The most scrape intervals a look-back window or `for` may span: 30d at the default 15s scrape
 * interval. Generated rule tests and range queries grow with it; 30d at 1s never finished.
 */
export const maxSamplesPerWindow = 172_800;

/** Objects with more than {@link maxFieldsPerObject} fields, anywhere in the raw (unvalidated) spec. */
export function fieldCountProblems(spec: unknown, file: string): SpecProblem[] {
  const problems: SpecProblem[] = [];
  const visit = (value: unknown, path: PropertyKey[]): void => {
    if (problems.length >= 10 || value === null || typeof value !== 'object') return;
    if (Array.isArray(value)) {
      value.forEach((item, index) => visit(item, [...path, index]));
      return;
    }
    const keys = Object.keys(value);
    if (keys.length > maxFieldsPerObject) {
      problems.push({ file, path: formatSpecPath(path), message: `has ${keys.length} fields; at most ${maxFieldsPerObject} are allowed in one object` });
      return;
    }
    for (const key of keys) visit((value as Record<string, unknown>)[key], [...path, key]);
  };
  visit(spec, []);
  return problems;
}

const windowKey = (key: string): boolean => key === 'for' || key === 'maxAge' || /window$/i.test(key);

/**
 * Windows and `for`s longer than {@link maxSamplesPerWindow} scrape intervals. The interval is
 * the service's own where it has one, else the spec's (default 15s).
 */
export function windowProblems(spec: unknown, file: string, defaultScrapeInterval: string): SpecProblem[] {
  const root = spec as { prometheus?: { scrapeInterval?: string } };
  const globalMs = parseDuration(root.prometheus?.scrapeInterval ?? defaultScrapeInterval);
  if (globalMs === undefined) return [];
  const problems: SpecProblem[] = [];
  const visit = (value: unknown, path: PropertyKey[], intervalMs: number): void => {
    if (problems.length >= 10 || value === null || typeof value !== 'object') return;
    if (Array.isArray(value)) {
      value.forEach((item, index) => visit(item, [...path, index], intervalMs));
      return;
    }
    const own = (value as { scrapeInterval?: unknown }).scrapeInterval;
    const ownMs = typeof own === 'string' ? parseDuration(own) : undefined;
    const interval = ownMs ?? intervalMs;
    for (const [key, child] of Object.entries(value)) {
      if (typeof child === 'string' && windowKey(key)) {
        const ms = parseDuration(child);
        if (ms !== undefined && ms / interval > maxSamplesPerWindow) {
          problems.push({
            file,
            path: formatSpecPath([...path, key]),
            message: `${child} spans ${Math.round(ms / interval)} scrape intervals of ${interval / 1000}s; at most ${maxSamplesPerWindow} (e.g. 30d at 15s, 2d at 1s): lengthen the scrape interval or shorten the window`,
          });
        }
      } else visit(child, [...path, key], interval);
    }
  };
  visit(spec, [], globalMs);
  return problems;
}
