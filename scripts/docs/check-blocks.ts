/**
 * Checks README code blocks with the real tools: TypeScript through the compiler (the same
 * strict settings the consumer test compiles a user's service with), YAML with the `yaml`
 * package, JSON with JSON.parse, shell with `bash -n`. Problems name README:line.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import ts from 'typescript';
import { parseAllDocuments } from 'yaml';
import type { ReadmeBlock } from './readme-blocks.js';

export interface BlockProblem {
  readonly readme: string;
  readonly line: number;
  readonly message: string;
}

/** Strict like scripts/consumer/tsconfig.json, plus the workspace's source condition. */
const compilerOptions: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  lib: ['lib.es2023.d.ts'],
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  customConditions: ['vigil-source'],
  strict: true,
  exactOptionalPropertyTypes: true,
  noPropertyAccessFromIndexSignature: true,
  noUncheckedIndexedAccess: true,
  noImplicitOverride: true,
  noImplicitReturns: true,
  verbatimModuleSyntax: true,
  esModuleInterop: true,
  skipLibCheck: true,
  noEmit: true,
  types: ['node'],
};

/** Where a block is compiled from: beside its README, so its imports resolve as a reader's would. */
function blockFile(repoRoot: string, block: ReadmeBlock): string {
  return path.join(repoRoot, path.dirname(block.readme), `readme-block-${path.basename(block.readme, '.md')}-${block.line}.ts`);
}

export function checkTypeScriptBlocks(repoRoot: string, blocks: readonly ReadmeBlock[]): BlockProblem[] {
  const virtual = new Map<string, ReadmeBlock>();
  for (const block of blocks) virtual.set(blockFile(repoRoot, block), block);
  const host = ts.createCompilerHost(compilerOptions);
  const fileExists = host.fileExists.bind(host);
  const readFile = host.readFile.bind(host);
  const getSourceFile = host.getSourceFile.bind(host);
  // Every block is its own module (`export {}`), so two blocks may both declare `vigil`.
  const sourceOf = (block: ReadmeBlock): string => `${block.code}\nexport {};\n`;
  host.fileExists = (file) => virtual.has(file) || fileExists(file);
  host.readFile = (file) => {
    const block = virtual.get(file);
    return block === undefined ? readFile(file) : sourceOf(block);
  };
  host.getSourceFile = (file, language, onError, create) => {
    const block = virtual.get(file);
    return block === undefined ? getSourceFile(file, language, onError, create) : ts.createSourceFile(file, sourceOf(block), language, true);
  };
  const program = ts.createProgram([...virtual.keys()], compilerOptions, host);
  const problems: BlockProblem[] = [];
  for (const diagnostic of ts.getPreEmitDiagnostics(program)) {
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
    const block = diagnostic.file === undefined ? undefined : virtual.get(diagnostic.file.fileName);
    // The packages' own sources are compiled by the workspace typecheck and, as a user sees
    // them (built .d.ts, skipLibCheck off), by the consumer test; only the blocks are judged here.
    if (diagnostic.file !== undefined && block === undefined) continue;
    if (block === undefined || diagnostic.file === undefined || diagnostic.start === undefined) {
      problems.push({ readme: '(compiler)', line: 0, message });
      continue;
    }
    const { line } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
    problems.push({ readme: block.readme, line: block.line + 1 + line, message });
  }
  return problems;
}

export function checkYamlBlock(block: ReadmeBlock): BlockProblem[] {
  return parseAllDocuments(block.code).flatMap((document) =>
    document.errors.map((error) => ({ readme: block.readme, line: block.line + 1 + (error.linePos?.[0].line ?? 1) - 1, message: error.message })),
  );
}

export function checkJsonBlock(block: ReadmeBlock): BlockProblem[] {
  try {
    JSON.parse(block.code);
    return [];
  } catch (error) {
    return [{ readme: block.readme, line: block.line, message: (error as Error).message }];
  }
}

export function checkShellBlock(block: ReadmeBlock): BlockProblem[] {
  const result = spawnSync('bash', ['-n'], { input: block.code, encoding: 'utf8' });
  if (result.status === 0) return [];
  // bash names the line as "bash: line N: ..."; keep the message, point at the block.
  return [{ readme: block.readme, line: block.line, message: (result.stderr || `bash -n exited ${result.status}`).trim() }];
}

export function formatBlockProblem(problem: BlockProblem): string {
  return `${problem.readme}:${problem.line}: ${problem.message}`;
}
