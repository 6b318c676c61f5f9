import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { parse } from 'yaml';
import { renderModel, writeGeneratedFiles, type GeneratedFile, type Model } from '@vigil/generator';
// The compose stack's mount table: where Prometheus finds the files its generated config names.
import { hostPathFor, stackMounts } from '../../../generator/src/compose/layout.js';

export interface RenderedStack {
  readonly dir: string;
  readonly files: readonly GeneratedFile[];
  readonly prometheusConfig: Record<string, unknown>;
  /** Absolute paths, in the rendered tree, of the rule files prometheus.yml loads. */
  readonly ruleFiles: readonly string[];
  readonly alertmanagerConfig: Record<string, unknown>;
  /** Every dashboard JSON rendered, parsed. */
  readonly dashboards: readonly { readonly path: string; readonly json: unknown }[];
}

const prometheusConfigHostPath = stackMounts.prometheus[0].host;
const prometheusConfigContainerPath = stackMounts.prometheus[0].container;
const alertmanagerConfigHostPath = stackMounts.alertmanager[0].host;

/**
 * A `rule_files` entry as the stack's Prometheus sees it (relative to its config file, glob in
 * the last segment), mapped back through the compose mounts to files in the rendered tree.
 */
function resolveRuleFiles(pattern: string, outDir: string): string[] {
  const inContainer = posix.isAbsolute(pattern) ? pattern : posix.join(posix.dirname(prometheusConfigContainerPath), pattern);
  const onHost = hostPathFor(inContainer, stackMounts.prometheus);
  if (onHost === undefined) {
    throw new Error(`${prometheusConfigHostPath}: rule file ${pattern} (${inContainer} in the container) is under no compose mount`);
  }
  const name = posix.basename(onHost);
  const directory = join(outDir, posix.dirname(onHost));
  if (!/[*?]/.test(name)) {
    const path = join(outDir, onHost);
    if (!existsSync(path)) throw new Error(`${prometheusConfigHostPath}: rule file ${pattern} was not rendered (${onHost})`);
    return [path];
  }
  const matcher = new RegExp(`^${name.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]')}$`);
  const entries = existsSync(directory) ? readdirSync(directory).sort() : [];
  return entries.filter((entry) => matcher.test(entry)).map((entry) => join(directory, entry));
}

/**
 * Renders the model with every generator into a temp directory (through the real writer) and
 * reads back what Prometheus and Alertmanager need.
 */
export async function renderStack(model: Model): Promise<RenderedStack> {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-e2e-render-'));
  const files = renderModel(model);
  await writeGeneratedFiles(files, { outDir: dir, source: model.source });
  const rendered = new Set(files.map((file) => file.path));
  for (const path of [prometheusConfigHostPath, alertmanagerConfigHostPath]) {
    if (!rendered.has(path)) throw new Error(`no generator renders ${path} (rendered: ${[...rendered].join(', ')})`);
  }
  const prometheusConfig = parse(readFileSync(join(dir, prometheusConfigHostPath), 'utf8')) as Record<string, unknown>;
  const patterns = Array.isArray(prometheusConfig.rule_files) ? (prometheusConfig.rule_files as string[]) : [];
  const ruleFiles = patterns.flatMap((pattern) => resolveRuleFiles(pattern, dir));
  if (ruleFiles.length === 0) throw new Error(`${prometheusConfigHostPath}: rule_files ${JSON.stringify(patterns)} match no rendered file`);
  const alertmanagerConfig = parse(readFileSync(join(dir, alertmanagerConfigHostPath), 'utf8')) as Record<string, unknown>;
  const dashboards = files
    .filter((file) => file.format === 'json' && file.path.startsWith('dashboards/'))
    .map((file) => ({ path: file.path, json: JSON.parse(readFileSync(join(dir, file.path), 'utf8')) as unknown }));
  return { dir, files, prometheusConfig, ruleFiles, alertmanagerConfig, dashboards };
}
