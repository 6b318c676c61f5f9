/**
 * The `vigil` command line: a table of subcommands. Adding a command is one module exporting a
 * `Subcommand` (src/cli/command.ts) and one entry in `subcommands` below.
 *
 *   vigil init      scaffold a spec and a README
 *   vigil generate  render the monitoring files (--check: verify them)
 *   vigil test      promtool/amtool checks on the output
 *   vigil gate      deploy gate: promote or roll back from what Prometheus sees
 *   vigil backtest  judge the alerts on simulated weeks of realistic traffic
 *
 * Exit codes (all commands): 0 ok, 1 failed (bad spec, failed check, stale output), 2 bad
 * command line, 3 a required tool (promtool, amtool) is missing.
 *
 * `pnpm generate` in this repository runs `generate` with repository-root defaults
 * (`pnpmGenerate`); `vigil generate` resolves paths from the working directory.
 */
import { exitCode, UsageError, type CliContext, type Subcommand } from './cli/command.js';
import { backtestSubcommand } from './cli/backtest-command.js';
import { gateCommand } from './cli/gate-command.js';
import { generateCommand } from './cli/generate-command.js';
import { initCommand } from './cli/init-command.js';
import { testCommand } from './cli/test-command.js';
import { defaultConfigPath } from './generate.js';
import { findRepoRoot } from './repo-root.js';

export { exitCode, type CliContext, type Subcommand } from './cli/command.js';

export const subcommands: readonly Subcommand[] = [initCommand, generateCommand(), testCommand, gateCommand, backtestSubcommand];

function processContext(program: string): CliContext {
  return {
    cwd: process.cwd(),
    program,
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
  };
}

export function mainHelp(program: string, commands: readonly Subcommand[] = subcommands): string {
  const width = Math.max(...commands.map((command) => command.name.length));
  return [
    `usage: ${program} <command> [options]    (${program} <command> --help for its options)`,
    '',
    ...commands.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`),
    '',
    'Exit codes: 0 ok, 1 failed (bad spec, failed check, out-of-date output), 2 bad command line,',
    '3 a required tool (promtool, amtool) is not installed.',
  ].join('\n');
}

async function runSubcommand(command: Subcommand, argv: readonly string[], context: CliContext): Promise<number> {
  try {
    return await command.run(argv, context);
  } catch (error) {
    if (error instanceof UsageError) {
      context.stderr(`${error.message}\n${command.help(context.program)}\n`);
      return exitCode.usage;
    }
    throw error;
  }
}

/** `vigil <command> ...`; returns the exit code. */
export async function main(argv: readonly string[], context: CliContext = processContext('vigil'), commands: readonly Subcommand[] = subcommands): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    (name === undefined ? context.stderr : context.stdout)(`${mainHelp(context.program, commands)}\n`);
    return name === undefined ? exitCode.usage : exitCode.ok;
  }
  const command = commands.find((candidate) => candidate.name === name);
  if (command === undefined) {
    context.stderr(`${context.program}: unknown command "${name}"\n${mainHelp(context.program, commands)}\n`);
    return exitCode.usage;
  }
  return runSubcommand(command, rest, context);
}

/** This repository's `pnpm generate`: the generate command with paths from the repository root. */
export async function pnpmGenerate(argv: readonly string[]): Promise<number> {
  const command = generateCommand({ baseDir: findRepoRoot(), config: defaultConfigPath, out: '.' });
  return runSubcommand(command, argv, processContext('pnpm'));
}
