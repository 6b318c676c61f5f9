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
    super(problems.map(formatProblem).join('\n'));
    this.name = 'SpecError';
    this.problems = problems;
  }
}

export function formatProblem(problem: SpecProblem): string {
  return problem.path === '' ? `${problem.file}: ${problem.message}` : `${problem.file}: ${problem.path}: ${problem.message}`;
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
