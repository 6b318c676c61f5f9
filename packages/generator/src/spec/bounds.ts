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
  // One path, pushed and popped: a copy per node cost a fleet spec a quarter of a second.
  const path: PropertyKey[] = [];
  const visit = (value: unknown): void => {
    if (problems.length >= 10 || value === null || typeof value !== 'object') return;
    if (Array.isArray(value)) {
      for (let index = 0; index < value.length; index++) {
        path.push(index);
        visit(value[index]);
        path.pop();
      }
      return;
    }
    const keys = Object.keys(value);
    if (keys.length > maxFieldsPerObject) {
      problems.push({ file, path: formatSpecPath(path), message: fieldCountMessage(keys.length) });
      return;
    }
    for (const key of keys) {
      path.push(key);
      visit((value as Record<string, unknown>)[key]);
      path.pop();
    }
  };
  visit(spec);
  return problems;
}

const fieldCountMessage = (count: number): string => `has ${count} fields; at most ${maxFieldsPerObject} are allowed in one object`;

/**
 * fieldCountProblems on JSON text, before it is parsed: building an object of 250,000 fields
 * only to refuse it cost half a second. Outside strings every `:` is a field of the innermost
 * open `{` (fields are counted as written, duplicates included); paths are tracked along the way.
 */
export function jsonFieldCountProblems(text: string, file: string): SpecProblem[] {
  const problems: SpecProblem[] = [];
  // Per open bracket: its field (object) or element (array) count, and the path segment it sits at.
  const levels: { readonly object: boolean; count: number; key: PropertyKey | undefined }[] = [];
  let lastString = '';
  for (let index = 0; index < text.length && problems.length < 10; index++) {
    const c = text.charCodeAt(index);
    if (c === 34) {
      const start = index;
      for (index++; index < text.length && text.charCodeAt(index) !== 34; index++) if (text.charCodeAt(index) === 92) index++;
      lastString = text.slice(start, index + 1);
    } else if (c === 123 || c === 91) {
      levels.push({ object: c === 123, count: 0, key: undefined });
    } else if (c === 58) {
      const level = levels[levels.length - 1];
      if (level?.object === true) {
        level.count++;
        try {
          level.key = JSON.parse(lastString) as string;
        } catch {
          level.key = '?';
        }
      }
    } else if (c === 44) {
      const level = levels[levels.length - 1];
      if (level?.object === false) level.count++;
    } else if (c === 125 || c === 93) {
      const level = levels.pop();
      if (level?.object === true && level.count > maxFieldsPerObject) {
        const path = levels.map((outer) => (outer.object ? outer.key ?? '?' : outer.count));
        problems.push({ file, path: formatSpecPath(path), message: fieldCountMessage(level.count) });
      }
    }
  }
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
  const path: PropertyKey[] = [];
  const visit = (value: unknown, intervalMs: number): void => {
    if (problems.length >= 10 || value === null || typeof value !== 'object') return;
    if (Array.isArray(value)) {
      for (let index = 0; index < value.length; index++) {
        path.push(index);
        visit(value[index], intervalMs);
        path.pop();
      }
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
      } else {
        path.push(key);
        visit(child, interval);
        path.pop();
      }
    }
  };
  visit(spec, globalMs);
  return problems;
}
