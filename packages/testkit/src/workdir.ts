import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';

/**
 * A temporary directory holding a component's config, rules and data. World-writable because
 * the container images run as `nobody` and write their data here through a bind mount.
 */
export function makeWorkDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `vigil-${prefix}-`));
  chmodSync(dir, 0o777);
  const dataDir = join(dir, 'data');
  mkdirSync(dataDir);
  chmodSync(dataDir, 0o777);
  return dir;
}

export function removeWorkDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/**
 * Expands a `rule_files` entry the way Prometheus does for the common case: a glob in the
 * last path segment (`rules/*.yml`), relative to the config file's directory.
 */
export function expandRulePattern(pattern: string, baseDir: string): string[] {
  const absolute = isAbsolute(pattern) ? pattern : resolve(baseDir, pattern);
  const name = basename(absolute);
  if (!/[*?]/.test(name)) return [absolute];
  const matcher = new RegExp(
    `^${name.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]')}$`,
  );
  const directory = dirname(absolute);
  return readdirSync(directory)
    .filter((entry) => matcher.test(entry))
    .sort()
    .map((entry) => join(directory, entry));
}

/**
 * Copies rule files into `<workDir>/rules/` and returns their paths relative to the work
 * directory, which Prometheus resolves against the config file's directory (the work dir).
 */
export function copyRuleFiles(workDir: string, ruleFiles: readonly string[]): string[] {
  const rulesDir = join(workDir, 'rules');
  mkdirSync(rulesDir, { recursive: true });
  return ruleFiles.map((file, index) => {
    const target = `${String(index).padStart(3, '0')}-${basename(file)}`;
    copyFileSync(file, join(rulesDir, target));
    return `rules/${target}`;
  });
}
