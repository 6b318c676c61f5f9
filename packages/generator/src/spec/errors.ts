import type { z } from 'zod';

/** One thing wrong with a spec: where (file and spec path) and what was expected. */
export interface SpecProblem {
  /** Spec file, relative to the repository root when inside it. */
  readonly file: string;
  /** Path inside the spec, e.g. `pipelines[1].zeroItemsWindow`; empty for the whole document. */
  readonly path: string;
  readonly message: string;
}

/** A spec that cannot be turned into a model; `message` has one line per problem. */
export class SpecError extends Error {
  readonly problems: readonly SpecProblem[];

  constructor(problems: readonly SpecProblem[]) {
    // A broken spec can have thousands of problems; the first 50 are enough to start fixing it.
    const shown = problems.slice(0, 50).map(formatProblem);
    if (problems.length > 50) shown.push(`${printable(problems[0]!.file)}: and ${problems.length - 50} more problems`);
    super(shown.join('\n'));
    this.name = 'SpecError';
    this.problems = problems;
  }
}

/** A problem line is at most this long: enough for any real message, short enough for a terminal. */
export const maxProblemLength = 400;

/**
 * Makes text safe for one terminal line: control characters (and other invisible or
 * line-breaking code points) escaped as \\uXXXX, and cut to `limit` characters.
 */
export function printable(text: string, limit: number = maxProblemLength): string {
  const escaped = text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff\ufffd]/g, (character) =>
    character === '\ufffd' ? '?' : `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  return escaped.length <= limit ? escaped : `${escaped.slice(0, limit - 1)}…`;
}

export function formatProblem(problem: SpecProblem): string {
  return printable(problem.path === '' ? `${problem.file}: ${problem.message}` : `${problem.file}: ${problem.path}: ${problem.message}`);
}

const identifier = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** `['pipelines', 1, 'zeroItemsWindow']` -> `pipelines[1].zeroItemsWindow`. */
export function formatSpecPath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else {
      const key = String(segment);
      if (identifier.test(key)) text += text === '' ? key : `.${key}`;
      else text += `[${JSON.stringify(key)}]`;
    }
  }
  return text;
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string' && value.length > 40) return `a string of ${value.length} characters`;
  return `${typeof value} ${JSON.stringify(value)}`;
}

/** Turns zod issues into problems, one per unknown key so each line names a single field. */
export function problemsFromIssues(file: string, issues: readonly z.core.$ZodIssue[]): SpecProblem[] {
  const problems: SpecProblem[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        problems.push({ file, path: formatSpecPath([...issue.path, key]), message: 'unknown field' });
      }
      continue;
    }
    problems.push({ file, path: formatSpecPath(issue.path), message: issue.message });
  }
  return problems;
}

/** Error map for parsing: says what was expected and what was found, for the cases without a message. */
export function specErrorMap(issue: z.core.$ZodRawIssue): string | undefined {
  if (issue.code === 'invalid_type') {
    if (issue.input === undefined) return `required (expected ${issue.expected})`;
    return `expected ${issue.expected}, got ${describeValue(issue.input)}`;
  }
  return undefined;
}
