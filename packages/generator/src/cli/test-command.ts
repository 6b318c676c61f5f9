/**
 * `vigil test [--dir DIR]`: checks generated output with the real tools, as CI would:
 * `promtool check config` (which also checks every rule file it loads), `promtool check rules`,
 * `promtool test rules` on every alert test, `amtool check-config`, and each row of the
 * routing table through `amtool config routes test`.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { delimiter, dirname, join, relative, resolve } from 'node:path';
import { parse } from 'yaml';
import { alertmanagerConfigPath, routingTablePath } from '../alertmanager/index.js';
import { prometheusConfigPath } from '../prometheus/config.js';
import { exitCode, parseCommandLine, type CliContext, type Subcommand } from './command.js';
import { findSpec } from './find-spec.js';

/** How to get each tool, printed when it is missing. */
export const toolInstallHints: Readonly<Record<string, string>> = {
  promtool:
    'promtool ships with Prometheus: Debian/Ubuntu `sudo apt-get install prometheus`, macOS `brew install prometheus`, or the release tarball from https://prometheus.io/download/',
  amtool:
    'amtool ships with Alertmanager: Debian/Ubuntu `sudo apt-get install prometheus-alertmanager`, macOS `brew install alertmanager`, or the release tarball from https://prometheus.io/download/',
};

function onPath(tool: string, path: string | undefined): boolean {
  return (path ?? '').split(delimiter).some((directory) => directory !== '' && existsSync(join(directory, tool)));
}

interface ToolRun {
  readonly ok: boolean;
  readonly output: string;
}

function runTool(tool: string, args: readonly string[], cwd: string): Promise<ToolRun> {
  return new Promise((resolvePromise) => {
    execFile(tool, [...args], { cwd, timeout: 600_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolvePromise({ ok: error === null, output: `${stdout}${stderr}`.trim() });
    });
  });
}

async function yamlFiles(directory: string): Promise<string[]> {
  try {
    return (await readdir(directory)).filter((name) => /\.ya?ml$/.test(name)).sort().map((name) => join(directory, name));
  } catch {
    return [];
  }
}

interface RoutingRow {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly receivers: readonly string[];
}

/** The working directory when it holds generated output, else the found spec's directory. */
function defaultOutputDir(cwd: string): string {
  if (existsSync(join(cwd, prometheusConfigPath))) return cwd;
  const spec = findSpec(cwd);
  return spec === undefined ? cwd : dirname(spec);
}

const help = (program: string): string =>
  [
    `usage: ${program} test [--dir DIR]`,
    '',
    'Checks generated output with the local promtool and amtool: promtool check config and check',
    'rules, promtool test rules on alerts/tests/*.yml, amtool check-config, and every row of',
    'monitoring/alertmanager/routing-tests.yml with amtool config routes test.',
    '',
    '  --dir DIR   the generated output; default: the working directory when it holds',
    `              ${prometheusConfigPath}, else the directory of the spec found there`,
    '',
    'Exit codes: 0 all checks pass, 1 a check failed or output is missing, 2 bad command line,',
    '3 promtool or amtool is not installed (the message says how to install it).',
  ].join('\n');

export const testCommand: Subcommand = {
  name: 'test',
  summary: 'check the generated output with promtool and amtool (rules, rule tests, routing)',
  help,
  async run(argv: readonly string[], context: CliContext): Promise<number> {
    const { values } = parseCommandLine(argv, { dir: { type: 'string' } });
    if (values.help) {
      context.stdout(`${help(context.program)}\n`);
      return exitCode.ok;
    }
    const dir = values.dir === undefined ? defaultOutputDir(context.cwd) : resolve(context.cwd, values.dir);
    const missing = ['promtool', 'amtool'].filter((tool) => !onPath(tool, process.env.PATH));
    if (missing.length > 0) {
      for (const tool of missing) context.stderr(`vigil: ${tool} not found on PATH. ${toolInstallHints[tool]}\n`);
      return exitCode.missingTool;
    }
    const prometheusConfig = join(dir, prometheusConfigPath);
    const alertmanagerConfig = join(dir, alertmanagerConfigPath);
    for (const required of [prometheusConfig, alertmanagerConfig]) {
      if (!existsSync(required)) {
        context.stderr(`vigil: ${required} does not exist; run ${context.program} generate first (or pass --dir)\n`);
        return exitCode.failed;
      }
    }
    const checks: { readonly name: string; readonly tool: string; readonly args: readonly string[] }[] = [
      { name: 'promtool check config', tool: 'promtool', args: ['check', 'config', prometheusConfig] },
    ];
    const ruleFiles = await yamlFiles(join(dir, 'alerts'));
    if (ruleFiles.length > 0) checks.push({ name: 'promtool check rules', tool: 'promtool', args: ['check', 'rules', ...ruleFiles] });
    const ruleTests = await yamlFiles(join(dir, 'alerts', 'tests'));
    for (const testFile of ruleTests) checks.push({ name: `promtool test rules ${relative(dir, testFile)}`, tool: 'promtool', args: ['test', 'rules', testFile] });
    checks.push({ name: 'amtool check-config', tool: 'amtool', args: ['check-config', alertmanagerConfig] });
    const routingFile = join(dir, routingTablePath);
    if (existsSync(routingFile)) {
      const table = parse(await readFile(routingFile, 'utf8')) as { cases?: RoutingRow[] } | null;
      for (const row of table?.cases ?? []) {
        checks.push({
          name: `routing: ${row.name} -> ${row.receivers.join(', ')}`,
          tool: 'amtool',
          args: [
            'config',
            'routes',
            'test',
            `--config.file=${alertmanagerConfig}`,
            `--verify.receivers=${row.receivers.join(',')}`,
            ...Object.entries(row.labels).map(([key, value]) => `${key}=${value}`),
          ],
        });
      }
    }
    // Two at a time (promtool test rules is CPU-bound); reported in order.
    const results: Promise<ToolRun>[] = [];
    let next = 0;
    const startNext = (): void => {
      const check = checks[next];
      if (check === undefined) return;
      next += 1;
      const started = runTool(check.tool, check.args, dir);
      results.push(started);
      void started.then(startNext);
    };
    startNext();
    startNext();
    let failed = 0;
    for (const [index, check] of checks.entries()) {
      while (results[index] === undefined) await Promise.race(results);
      const result = await results[index]!;
      context.stdout(`${result.ok ? 'ok  ' : 'FAIL'} ${check.name}\n`);
      if (!result.ok) {
        failed += 1;
        context.stdout(`${result.output.replace(/^/gm, '     ')}\n`);
      }
    }
    context.stdout(`vigil: ${checks.length - failed} of ${checks.length} checks passed in ${dir}\n`);
    return failed === 0 ? exitCode.ok : exitCode.failed;
  },
};
