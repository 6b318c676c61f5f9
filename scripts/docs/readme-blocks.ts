/**
 * The fenced code blocks of the repository's READMEs, so a test can prove every example in the
 * docs is real: TypeScript blocks type-check against the packages, YAML and JSON blocks parse,
 * shell blocks pass `bash -n`. A block's language is its fence's info string; a fence with no
 * language is prose output (error messages, diagrams) and is listed but not checked.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

export type BlockLanguage = 'ts' | 'yaml' | 'json' | 'sh' | 'text';

export interface ReadmeBlock {
  /** The README, relative to the repository root. */
  readonly readme: string;
  /** 1-based line of the opening fence, so a failure points at the block. */
  readonly line: number;
  readonly language: BlockLanguage;
  readonly code: string;
}

const languageAliases: Readonly<Record<string, BlockLanguage>> = {
  ts: 'ts',
  typescript: 'ts',
  yaml: 'yaml',
  yml: 'yaml',
  json: 'json',
  sh: 'sh',
  bash: 'sh',
  shell: 'sh',
  '': 'text',
  text: 'text',
  dockerfile: 'text',
};

export function readmeBlocks(repoRoot: string, readme: string): ReadmeBlock[] {
  const lines = readFileSync(path.join(repoRoot, readme), 'utf8').split('\n');
  const blocks: ReadmeBlock[] = [];
  let open: { line: number; language: BlockLanguage; body: string[] } | undefined;
  lines.forEach((text, index) => {
    const fence = /^```\s*([A-Za-z]*)\s*$/.exec(text);
    if (open === undefined) {
      if (fence === null) return;
      const info = (fence[1] ?? '').toLowerCase();
      const language = languageAliases[info];
      if (language === undefined) throw new Error(`${readme}:${index + 1}: unknown code block language "${info}" (known: ${Object.keys(languageAliases).filter(Boolean).join(', ')})`);
      open = { line: index + 1, language, body: [] };
    } else if (text.trimEnd() === '```') {
      blocks.push({ readme, line: open.line, language: open.language, code: `${open.body.join('\n')}\n` });
      open = undefined;
    } else {
      open.body.push(text);
    }
  });
  if (open !== undefined) throw new Error(`${readme}:${open.line}: code block is never closed`);
  return blocks;
}
