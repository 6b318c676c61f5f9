/**
 * `pnpm generate [--config PATH] [--out DIR] [--profile NAME] [--check]`
 *
 * Exit codes: 0 done (or --check found nothing to change); 1 bad spec, or --check found
 * differences; 2 bad command line.
 */
import { parseArgs } from 'node:util';
import { defaultConfigPath, generate, type GenerateResult } from './generate.js';
import { SpecError } from './spec/errors.js';
import { summaryDirectory, WriteError } from './writer.js';

const usage = 'usage: pnpm generate [--config PATH] [--out DIR] [--profile NAME] [--check]';

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

/**
 * From the bundle bin/generate.mjs runs, plain Node cannot import a `.ts` spec, nor the
 * `@vigil/generator` sources a `.ts` or `.js` spec imports, so tsx is registered before a spec
 * module is imported (JSON and YAML specs skip it). Under tsx (this file runs as .ts) it is
 * already there.
 */
async function enableTypeScriptSpecs(configPath: string): Promise<void> {
  if (import.meta.url.endsWith('.ts') || !/\.[cm]?[jt]s$/i.test(configPath)) return;
  const { register } = await import('tsx/esm/api');
  register();
}

async function main(argv: readonly string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        config: { type: 'string' },
        out: { type: 'string' },
        profile: { type: 'string' },
        check: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${usage}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(`${usage}\n`);
    return 0;
  }
  try {
    await enableTypeScriptSpecs(values.config ?? defaultConfigPath);
    const result = await generate({
      ...(values.config === undefined ? {} : { configPath: values.config }),
      ...(values.out === undefined ? {} : { outDir: values.out }),
      ...(values.profile === undefined ? {} : { profile: values.profile }),
      check: values.check,
    });
    if (values.check) {
      if (result.differences.length === 0) {
        process.stdout.write(`vigil: ${result.unchanged.length} generated files match ${result.model.source}\n`);
        return 0;
      }
      process.stderr.write(`vigil: generated files differ from ${result.model.source}; run pnpm generate:\n`);
      for (const difference of result.differences) process.stderr.write(`  ${difference.path} (${difference.reason})\n`);
      return 1;
    }
    process.stdout.write(`${summarise(result).join('\n')}\n`);
    return 0;
  } catch (error) {
    if (error instanceof SpecError) {
      process.stderr.write(`${error.message}\n`);
      return 1;
    }
    // A WriteError says itself whether the rollback left every file as it was; any other error
    // comes before the writer touched a file.
    if (error instanceof WriteError) process.stderr.write(`vigil: generation failed: ${error.message}\n`);
    else process.stderr.write(`vigil: generation failed, no file was changed: ${(error as Error).message}\n`);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
