/**
 * `vigil gate --service NAME --since 10m --prometheus URL [--config SPEC] [--min-requests N]`
 *
 * Prints one line and exits 0 (promote), 1 (roll back), 2 (bad command line or spec) or
 * 3 (Prometheus could not be asked: no verdict; a pipeline should treat it as a failure).
 */
import { parseArgs } from 'node:util';
import { defaultConfigPath, loadModel } from '../generate.js';
import { isDuration } from '../spec/duration.js';
import { SpecError } from '../spec/errors.js';
import { evaluateGate, findService, GateQueryError, gateDefaults } from './evaluate.js';

export const gateUsage =
  'usage: vigil gate --service NAME --since DURATION --prometheus URL [--config SPEC] [--min-requests N]';

export interface GateIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

const processIo: GateIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

export async function runGate(argv: readonly string[], io: GateIo = processIo): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        service: { type: 'string' },
        since: { type: 'string' },
        prometheus: { type: 'string' },
        config: { type: 'string' },
        'min-requests': { type: 'string' },
        help: { type: 'boolean', default: false },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    io.err(`vigil gate: ${(error as Error).message}\n${gateUsage}`);
    return 2;
  }
  if (values.help) {
    io.out(gateUsage);
    return 0;
  }
  const missing = (['service', 'since', 'prometheus'] as const).filter((name) => values[name] === undefined);
  if (missing.length > 0) {
    io.err(`vigil gate: missing ${missing.map((name) => `--${name}`).join(', ')}\n${gateUsage}`);
    return 2;
  }
  const since = values.since!;
  if (!isDuration(since)) {
    io.err(`vigil gate: --since: expected a duration like "10m", got ${JSON.stringify(since)}`);
    return 2;
  }
  const minRequests = values['min-requests'] === undefined ? gateDefaults.minRequests : Number(values['min-requests']);
  if (!Number.isInteger(minRequests) || minRequests < 1) {
    io.err(`vigil gate: --min-requests: expected a whole number of at least 1, got ${JSON.stringify(values['min-requests'])}`);
    return 2;
  }
  try {
    const model = await loadModel(values.config ?? defaultConfigPath);
    if (findService(model, values.service!) === undefined) {
      io.err(`vigil gate: --service: no service named "${values.service}" in ${model.source} (services: ${model.services.map((s) => s.name).join(', ')})`);
      return 2;
    }
    const verdict = await evaluateGate(model, { prometheusUrl: values.prometheus!, service: values.service!, since, minRequests });
    io.out(verdict.reason);
    return verdict.rollback ? 1 : 0;
  } catch (error) {
    if (error instanceof SpecError) {
      io.err(error.message);
      return 2;
    }
    if (error instanceof GateQueryError) {
      io.err(`vigil gate: no verdict: ${error.message}`);
      return 3;
    }
    throw error;
  }
}
