/**
 * `vigil gate --service NAME --since 10m --prometheus URL [--config SPEC] [--min-requests N]`:
 * the deploy verdict of ../gate/evaluate.ts as one line and an exit code for any CI/CD:
 * 0 promote, 1 roll back, 2 bad command line or spec, 3 Prometheus could not be asked (no
 * verdict; a pipeline should treat it as a failure).
 */
import { isAbsolute, resolve } from 'node:path';
import { evaluateGate, findService, GateQueryError, gateDefaults } from '../gate/evaluate.js';
import { loadModel } from '../generate.js';
import { isDuration } from '../spec/duration.js';
import { SpecError } from '../spec/errors.js';
import { exitCode, parseCommandLine, UsageError, type CliContext, type Subcommand } from './command.js';
import { findSpec, noSpecMessage } from './find-spec.js';

const help = (program: string): string =>
  [
    `usage: ${program} gate --service NAME --since DURATION --prometheus URL [--config SPEC] [--min-requests N]`,
    '',
    'Should the deploy of NAME made DURATION ago be rolled back? Asks the Prometheus at URL and',
    'prints one line. Roll back when a P1 of the service fires, or when its 5xx ratio since the',
    "deploy is above the service's HighErrorRate ratio with at least N requests (default",
    `${gateDefaults.minRequests}) behind it.`,
    '',
    'exit codes: 0 promote, 1 roll back, 2 bad command line or spec, 3 no verdict (Prometheus',
    'could not be asked: treat it as a failure)',
  ].join('\n');

export const gateCommand: Subcommand = {
  name: 'gate',
  summary: 'deploy gate: promote or roll back a service from what Prometheus sees since the deploy',
  help,
  async run(argv: readonly string[], context: CliContext): Promise<number> {
    const { values } = parseCommandLine(argv, {
      service: { type: 'string' },
      since: { type: 'string' },
      prometheus: { type: 'string' },
      config: { type: 'string' },
      'min-requests': { type: 'string' },
    });
    if (values.help) {
      context.stdout(`${help(context.program)}\n`);
      return exitCode.ok;
    }
    const missing = (['service', 'since', 'prometheus'] as const).filter((name) => values[name] === undefined);
    if (missing.length > 0) throw new UsageError(`missing ${missing.map((name) => `--${name}`).join(', ')}`);
    const since = values.since!;
    if (!isDuration(since)) throw new UsageError(`--since: expected a duration like "10m", got ${JSON.stringify(since)}`);
    const minRequests = values['min-requests'] === undefined ? gateDefaults.minRequests : Number(values['min-requests']);
    if (!Number.isInteger(minRequests) || minRequests < 1) {
      throw new UsageError(`--min-requests: expected a whole number of at least 1, got ${JSON.stringify(values['min-requests'])}`);
    }
    const configPath = values.config === undefined ? findSpec(context.cwd) : isAbsolute(values.config) ? values.config : resolve(context.cwd, values.config);
    if (configPath === undefined) {
      context.stderr(`${noSpecMessage(context.cwd)}\n`);
      return exitCode.usage;
    }
    try {
      const model = await loadModel(configPath);
      if (findService(model, values.service!) === undefined) {
        throw new UsageError(`--service: no service named "${values.service}" in ${model.source} (services: ${model.services.map((s) => s.name).join(', ')})`);
      }
      const verdict = await evaluateGate(model, { prometheusUrl: values.prometheus!, service: values.service!, since, minRequests });
      context.stdout(`${verdict.reason}\n`);
      return verdict.rollback ? exitCode.failed : exitCode.ok;
    } catch (error) {
      if (error instanceof SpecError) {
        context.stderr(`${error.message}\n`);
        return exitCode.usage;
      }
      if (error instanceof GateQueryError) {
        context.stderr(`vigil gate: no verdict: ${error.message}\n`);
        return exitCode.missingTool;
      }
      throw error;
    }
  },
};
