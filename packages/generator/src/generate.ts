/**
 * One generation run: load the spec, build the model, run every generator, hand the files to
 * the writer. Used by the CLI and by tests (with a temp `outDir`).
 */
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { generators } from './generators/index.js';
import { buildModel, type BuildModelOptions } from './model/build.js';
import type { GeneratedFile, Generator, Model } from './model/types.js';
import { loadSpec } from './spec/load.js';
import { SpecError } from './spec/errors.js';
import { withSuggestions } from './spec/suggest.js';
import { findRepoRoot } from './repo-root.js';
import { writeGeneratedFiles, type WriteResult } from './writer.js';
import { formatRuleLintProblem, lintRuleGroups } from './lint/rule-groups/index.js';

/** Refuses rule groups that would fail the rule lint (alerts that cannot fire, windows that miss data). */
export function assertRulesPassLint(model: Model, files: readonly GeneratedFile[]): void {
  const problems = lintRuleGroups(model, files);
  if (problems.length > 0) {
    throw new SpecError(problems.map((problem) => ({ file: model.source, path: '', message: `rendered rules fail the rule lint: ${formatRuleLintProblem(problem)}` })));
  }
}

export const defaultConfigPath = 'monitoring/vigil.config.ts';

/** Every file the generators render for a model, sorted by path. */
export function renderModel(model: Model, using: readonly Generator[] = generators): GeneratedFile[] {
  return using.flatMap((generator) => generator(model)).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** How a spec path is named in headers and errors: repository-relative when inside the repository. */
export function specDisplayName(absolutePath: string, repoRoot: string): string {
  const fromRoot = relative(repoRoot, absolutePath);
  if (fromRoot === '' || fromRoot.startsWith('..') || isAbsolute(fromRoot)) return absolutePath;
  return fromRoot.split(sep).join('/');
}

export interface LoadModelOptions extends BuildModelOptions {
  /** Directory relative paths are resolved from. Default: the repository root. */
  readonly baseDir?: string;
  /** Directory the spec is named relative to in headers and errors. Default: `baseDir`. */
  readonly displayBase?: string;
}

/** Loads and validates a spec file into a model. Relative paths are resolved from `baseDir` (default the repository root). */
export async function loadModel(configPath: string = defaultConfigPath, options: LoadModelOptions = {}): Promise<Model> {
  const { baseDir = findRepoRoot(), displayBase = baseDir, ...buildOptions } = options;
  const absolute = resolve(baseDir, configPath);
  const source = specDisplayName(absolute, displayBase);
  const spec = await loadSpec(absolute, source);
  try {
    return buildModel(spec, source, buildOptions);
  } catch (error) {
    throw error instanceof SpecError ? withSuggestions(error) : error;
  }
}

export interface GenerateOptions extends LoadModelOptions {
  /** Spec path (default monitoring/vigil.config.ts), relative to `baseDir` unless absolute. */
  readonly configPath?: string;
  /** Output directory (default `baseDir`), relative to `baseDir` unless absolute. */
  readonly outDir?: string;
  readonly check?: boolean;
}

export interface GenerateResult extends WriteResult {
  readonly model: Model;
  readonly outDir: string;
}

export async function generate(options: GenerateOptions = {}): Promise<GenerateResult> {
  const baseDir = options.baseDir ?? findRepoRoot();
  const model = await loadModel(options.configPath ?? defaultConfigPath, { ...options, baseDir });
  const outDir = resolve(baseDir, options.outDir ?? '.');
  const files = renderModel(model);
  assertRulesPassLint(model, files);
  const result = await writeGeneratedFiles(files, {
    outDir,
    source: model.source,
    ...(options.check === undefined ? {} : { check: options.check }),
  });
  return { ...result, model, outDir };
}
