/**
 * `pnpm docs:check [FILE.md ...]`: checks every code block of the hand-written Markdown (or of
 * the files given) and prints one line per problem, `README:line: message`. Exit 0 clean, 1
 * problems. Runs as its own process because type-checking the blocks is one long synchronous
 * compile.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkJsonBlock, checkShellBlock, checkTypeScriptBlocks, checkYamlBlock, formatBlockProblem, type BlockProblem } from './check-blocks.js';
import { readmeBlocks } from './readme-blocks.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Every Markdown file a person writes; generated ones (alert list, runbooks, API reference) come from their generators. */
export function handWrittenMarkdown(): string[] {
  const tracked = execFileSync('git', ['ls-files', '*.md'], { cwd: repoRoot, encoding: 'utf8' }).split('\n').filter(Boolean);
  return tracked.filter((file) => !/^(alerts|dashboards|monitoring)\//.test(file) && !file.includes('/docs/api/'));
}

const files = process.argv.slice(2).map((file) => path.relative(repoRoot, path.resolve(file)));
const blocks = (files.length > 0 ? files : handWrittenMarkdown()).flatMap((readme) => readmeBlocks(repoRoot, readme));
const problems: BlockProblem[] = [
  ...checkTypeScriptBlocks(repoRoot, blocks.filter((block) => block.language === 'ts')),
  ...blocks.flatMap((block) => (block.language === 'yaml' ? checkYamlBlock(block) : block.language === 'json' ? checkJsonBlock(block) : block.language === 'sh' ? checkShellBlock(block) : [])),
];
const counts = ['ts', 'yaml', 'json', 'sh', 'text'].map((language) => `${blocks.filter((block) => block.language === language).length} ${language}`).join(', ');
for (const problem of problems) console.log(formatBlockProblem(problem));
console.log(`docs: ${blocks.length} code blocks (${counts}) in ${new Set(blocks.map((block) => block.readme)).size} files; ${problems.length} problem(s)`);
process.exitCode = problems.length === 0 ? 0 : 1;
