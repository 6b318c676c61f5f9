/**
 * What a `vigil` subcommand is. The CLI (src/cli.ts) holds a table of these; a new command is
 * one module exporting a `Subcommand` plus one entry in that table.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';

/** Exit codes every subcommand uses (documented in `vigil --help` and the README). */
export const exitCode = {
  /** Done; for checks: nothing wrong. */
  ok: 0,
  /** The spec, the generated output or a check failed; the message says which. */
  failed: 1,
  /** Bad command line. */
  usage: 2,
  /** A required external tool (promtool, amtool) is not installed. */
  missingTool: 3,
} as const;

export interface CliContext {
  /** Directory relative paths on the command line are resolved from. */
  readonly cwd: string;
  /** Name shown in usage lines: `vigil`, or `pnpm` inside this repository. */
  readonly program: string;
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

export interface Subcommand {
  readonly name: string;
  /** One line for `vigil --help`. */
  readonly summary: string;
  /** Full `vigil <name> --help` text, without the trailing newline. */
  readonly help: (program: string) => string;
  readonly run: (argv: readonly string[], context: CliContext) => Promise<number>;
}

/** A command-line problem: printed with the command's help, exit code 2. */
export class UsageError extends Error {}

type Options = NonNullable<ParseArgsConfig['options']>;
type HelpOption = { help: { type: 'boolean'; short: 'h'; default: false } };
export type ParsedCommandLine<T extends Options> = ReturnType<typeof parseArgs<{ args: string[]; options: T & HelpOption; strict: true; allowPositionals: false }>>;

/** node:util parseArgs with `--help` added and its errors turned into UsageErrors. */
export function parseCommandLine<T extends Options>(argv: readonly string[], options: T): ParsedCommandLine<T> {
  const help: HelpOption = { help: { type: 'boolean', short: 'h', default: false } };
  try {
    return parseArgs({ args: [...argv], options: { ...options, ...help }, strict: true, allowPositionals: false });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}
