/**
 * `vigil generate [--config PATH] [--out DIR] [--profile NAME] [--check]`, and the repository's
 * own `pnpm generate` (same command, repository-root defaults).
 */
import { dirname, relative, resolve, isAbsolute } from 'node:path';
import { generate, type GenerateResult } from '../generate.js';
import { SpecError } from '../spec/errors.js';
import { summaryDirectory, WriteError } from '../writer.js';
import { exitCode, parseCommandLine, type CliContext, type Subcommand } from './command.js';
import { findSpec, noSpecMessage } from './find-spec.js';

/** Where paths resolve when `--config`/`--out` are absent or relative. */
export interface GenerateDefaults {
  /** Relative paths resolve from here; default the working directory. */
  readonly baseDir?: string;
  /** Spec path; default: found by findSpec in the working directory. */
  readonly config?: string;
  /** Output directory; default: the spec's directory. */
  readonly out?: string;
}

function summarise(result: GenerateResult): string[] {
  const perDirectory = new Map<string, { written: number; unchanged: number; deleted: number }>();
  const count = (paths: readonly string[], key: 'written' | 'unchanged' | 'deleted'): void => {
    for (const path of paths) {
      const directory = summaryDirectory(path);
      const entry = perDirectory.get(directory) ?? { written: 0, unchanged: 0, deleted: 0 };
      entry[key] += 1;
      perDirectory.set(directory, entry);
    }
  };
  count(result.written, 'written');
  count(result.unchanged, 'unchanged');
  count(result.deleted, 'deleted');
  const lines = [...perDirectory.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([directory, c]) => `  ${directory}/: ${c.written} written, ${c.unchanged} unchanged${c.deleted > 0 ? `, ${c.deleted} deleted` : ''}`);
  return [
    `vigil: generated from ${result.model.source}: ${result.written.length} written, ${result.unchanged.length} unchanged, ${result.deleted.length} deleted`,
    ...lines,
  ];
}

function isInside(path: string, directory: string): boolean {
  const fromDirectory = relative(directory, path);
  return fromDirectory !== '' && !fromDirectory.startsWith('..') && !isAbsolute(fromDirectory);
}

export function generateCommand(defaults: GenerateDefaults = {}): Subcommand {
  const help = (program: string): string =>
    [
      `usage: ${program} generate [--config PATH] [--out DIR] [--profile NAME] [--check]`,
      '',
      'Renders rules, promtool tests, runbooks, dashboards, Alertmanager and Prometheus config and the',
      'compose stack from one spec. Every file is written or none is.',
      '',
      `  --config PATH   the spec (.ts, .js, .yaml, .yml, .json); default: ${defaults.config ?? 'vigil.config.ts, vigil.yaml, ... in the working directory or its monitoring/'}`,
      `  --out DIR       output directory; default: ${defaults.out ?? "the spec's directory"}`,
      '  --profile NAME  apply the spec\'s profiles.NAME overrides',
      '  --check         write nothing; exit 1 listing files that differ from what would be written',
      '',
      `Relative paths resolve from ${defaults.baseDir === undefined ? 'the working directory' : defaults.baseDir}.`,
      'Exit codes: 0 done (or nothing differs), 1 bad spec or files differ, 2 bad command line.',
    ].join('\n');

  return {
    name: 'generate',
    summary: 'render the monitoring files from the spec (--check: verify they are current)',
    help,
    async run(argv: readonly string[], context: CliContext): Promise<number> {
      const { values } = parseCommandLine(argv, {
        config: { type: 'string' },
        out: { type: 'string' },
        profile: { type: 'string' },
        check: { type: 'boolean', default: false },
      });
      if (values.help) {
        context.stdout(`${help(context.program)}\n`);
        return exitCode.ok;
      }
      const baseDir = defaults.baseDir ?? context.cwd;
      const configName = values.config ?? defaults.config ?? findSpec(baseDir);
      if (configName === undefined) {
        context.stderr(`${noSpecMessage(baseDir)}\n`);
        return exitCode.failed;
      }
      const configPath = resolve(baseDir, configName);
      const outName = values.out ?? defaults.out;
      const outDir = outName === undefined ? dirname(configPath) : resolve(baseDir, outName);
      // Headers name the spec relative to the output when it lies inside it, so the output does
      // not depend on where the command was run from.
      const displayBase = defaults.baseDir ?? (isInside(configPath, outDir) ? outDir : baseDir);
      try {
        const result = await generate({
          configPath,
          outDir,
          baseDir,
          displayBase,
          ...(values.profile === undefined ? {} : { profile: values.profile }),
          check: values.check,
        });
        if (values.check) {
          if (result.differences.length === 0) {
            context.stdout(`vigil: ${result.unchanged.length} generated files match ${result.model.source}\n`);
            return exitCode.ok;
          }
          context.stderr(`vigil: generated files differ from ${result.model.source}; run ${context.program} generate:\n`);
          for (const difference of result.differences) context.stderr(`  ${difference.path} (${difference.reason})\n`);
          return exitCode.failed;
        }
        context.stdout(`${summarise(result).join('\n')}\n`);
        return exitCode.ok;
      } catch (error) {
        if (error instanceof SpecError) {
          context.stderr(`${error.message}\n`);
          return exitCode.failed;
        }
        // A WriteError says itself whether the rollback left every file as it was; any other error
        // comes before the writer touched a file.
        if (error instanceof WriteError) context.stderr(`vigil: generation failed: ${error.message}\n`);
        else context.stderr(`vigil: generation failed, no file was changed: ${(error as Error).message}\n`);
        return exitCode.failed;
      }
    },
  };
}
