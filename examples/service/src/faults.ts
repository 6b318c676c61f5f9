/**
 * The failure switches of the example service: the raw material of real incidents. One object
 * holds the current state; the admin endpoint and the FAULT_* environment variables both set it,
 * and every input is checked with an error naming the field and what was expected.
 */
export interface Faults {
  /** Pipelines create nothing. */
  stopItems: boolean;
  /** Every item fails validation (counted as a validation error, not created). */
  failValidations: boolean;
  /** This required field is left out of created items; null keeps items complete. */
  dropField: string | null;
  /** Added to every API request. */
  latencyMs: number;
  /** Share (0..1) of API requests answered 500. */
  errorRate: number;
  /** Crash the process (uncaught exception) as soon as this is set. */
  crash: boolean;
}

export function healthyFaults(): Faults {
  return { stopItems: false, failValidations: false, dropField: null, latencyMs: 0, errorRate: 0, crash: false };
}

export class FaultInputError extends Error {
  override readonly name = 'FaultInputError';
}

const maxLatencyMs = 60_000;

function checkBoolean(value: unknown, where: string): boolean {
  if (typeof value !== 'boolean') throw new FaultInputError(`${where}: expected true or false, got ${JSON.stringify(value)}`);
  return value;
}

function checkLatency(value: unknown, where: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > maxLatencyMs) {
    throw new FaultInputError(`${where}: expected a number of milliseconds from 0 to ${maxLatencyMs}, got ${JSON.stringify(value)}`);
  }
  return value;
}

function checkErrorRate(value: unknown, where: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 1) {
    throw new FaultInputError(`${where}: expected a number from 0 to 1, got ${JSON.stringify(value)}`);
  }
  return value;
}

function checkField(value: unknown, where: string): string | null {
  if (value === null) return null;
  if (typeof value !== 'string' || value.length === 0 || value.length > 100) {
    throw new FaultInputError(`${where}: expected a field name (non-empty string) or null, got ${JSON.stringify(value)}`);
  }
  return value;
}

const fieldCheckers: { [K in keyof Faults]: (value: unknown, where: string) => Faults[K] } = {
  stopItems: checkBoolean,
  failValidations: checkBoolean,
  dropField: checkField,
  latencyMs: checkLatency,
  errorRate: checkErrorRate,
  crash: checkBoolean,
};

/** Validates a partial update (the admin endpoint's JSON body); unknown fields are errors. */
export function parseFaultUpdate(body: unknown): Partial<Faults> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new FaultInputError(`body: expected a JSON object with any of ${Object.keys(fieldCheckers).join(', ')}`);
  }
  const update: Partial<Faults> = {};
  for (const [key, value] of Object.entries(body)) {
    // Own keys only: `in` would accept constructor, toString and __proto__ from the prototype.
    if (!Object.hasOwn(fieldCheckers, key)) {
      throw new FaultInputError(`body.${JSON.stringify(key).slice(1, -1).slice(0, 80)}: unknown fault; expected one of ${Object.keys(fieldCheckers).join(', ')}`);
    }
    const field = key as keyof Faults;
    (update as Record<string, unknown>)[field] = fieldCheckers[field](value, `body.${key}`);
  }
  return update;
}

function envFlag(raw: string, name: string): boolean {
  if (raw === '1' || raw === 'true') return true;
  if (raw === '0' || raw === 'false' || raw === '') return false;
  throw new FaultInputError(`env ${name}=${JSON.stringify(raw)}: expected 1/true or 0/false`);
}

/** FAULT_STOP_ITEMS, FAULT_FAIL_VALIDATIONS, FAULT_DROP_FIELD, FAULT_LATENCY_MS, FAULT_ERROR_RATE, FAULT_CRASH. */
export function faultsFromEnv(env: NodeJS.ProcessEnv): Partial<Faults> {
  const faults: Partial<Faults> = {};
  const read = (name: string): string | undefined => env[name];
  const stop = read('FAULT_STOP_ITEMS');
  if (stop !== undefined) faults.stopItems = envFlag(stop, 'FAULT_STOP_ITEMS');
  const fail = read('FAULT_FAIL_VALIDATIONS');
  if (fail !== undefined) faults.failValidations = envFlag(fail, 'FAULT_FAIL_VALIDATIONS');
  const drop = read('FAULT_DROP_FIELD');
  if (drop !== undefined && drop !== '') faults.dropField = checkField(drop, 'env FAULT_DROP_FIELD');
  const latency = read('FAULT_LATENCY_MS');
  if (latency !== undefined && latency !== '') faults.latencyMs = checkLatency(Number(latency), `env FAULT_LATENCY_MS=${JSON.stringify(latency)}`);
  const rate = read('FAULT_ERROR_RATE');
  if (rate !== undefined && rate !== '') faults.errorRate = checkErrorRate(Number(rate), `env FAULT_ERROR_RATE=${JSON.stringify(rate)}`);
  const crash = read('FAULT_CRASH');
  if (crash !== undefined) faults.crash = envFlag(crash, 'FAULT_CRASH');
  return faults;
}

/**
 * Decides which requests fail for a given error rate. Deterministic (an accumulator, not a coin
 * toss), so a rate of 0.25 fails exactly every fourth request and tests can count on it.
 */
export class ErrorBudget {
  private accumulated = 0;

  shouldFail(rate: number): boolean {
    if (rate <= 0) {
      this.accumulated = 0;
      return false;
    }
    this.accumulated += rate;
    if (this.accumulated >= 1 - 1e-9) {
      this.accumulated -= 1;
      return true;
    }
    return false;
  }
}
