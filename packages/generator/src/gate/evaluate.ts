/**
 * The deploy gate: should a deploy of this service since `since` be rolled back? It asks a
 * Prometheus three things, in this order, and stops at the first that says roll back:
 *  1. a P1 alert of the service is firing;
 *  2. the 5xx ratio since the deploy is over the service's HighErrorRate ratio, with at least
 *     `minRequests` requests behind it (fewer prove nothing, as for the alert itself).
 * The verdict is one line, for a CI/CD log.
 */
import type { Model, ServiceModel } from '../model/types.js';
import { errorRatioQuery, firingPagesQuery, requestsQuery } from './queries.js';
import { scopeExpression } from '../promql/scope.js';

export interface GateOptions {
  readonly prometheusUrl: string;
  readonly service: string;
  /** A Prometheus duration: how long ago the deploy happened. */
  readonly since: string;
  /** Requests needed before the error ratio counts. Default 20. */
  readonly minRequests?: number;
  /** Per-request timeout in ms. Default 10 s. */
  readonly timeoutMs?: number;
}

export interface GateVerdict {
  readonly rollback: boolean;
  /** One line: why. */
  readonly reason: string;
  readonly requests: number;
  readonly errorRatio: number | undefined;
  readonly firingPages: readonly string[];
}

/** Prometheus could not be asked or answered with an error: no verdict can be given. */
export class GateQueryError extends Error {
  override readonly name = 'GateQueryError';
}

export const gateDefaults = { minRequests: 20, timeoutMs: 10_000 } as const;

interface Sample {
  readonly metric: Readonly<Record<string, string>>;
  readonly value: readonly [number, string];
}

async function instantQuery(options: GateOptions, expr: string): Promise<Sample[]> {
  const url = `${options.prometheusUrl.replace(/\/+$/, '')}/api/v1/query?query=${encodeURIComponent(expr)}`;
  let body: { status?: string; error?: string; data?: { resultType?: string; result?: Sample[] } };
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(options.timeoutMs ?? gateDefaults.timeoutMs) });
    body = (await response.json()) as typeof body;
  } catch (error) {
    throw new GateQueryError(`cannot query Prometheus at ${options.prometheusUrl}: ${(error as Error).message}`);
  }
  if (body.status !== 'success' || body.data?.resultType !== 'vector') {
    throw new GateQueryError(`Prometheus at ${options.prometheusUrl} refused ${expr}: ${body.error ?? 'unexpected answer'}`);
  }
  return body.data.result ?? [];
}

const firstValue = (samples: readonly Sample[]): number | undefined => {
  const value = samples[0] === undefined ? undefined : Number(samples[0].value[1]);
  return value === undefined || Number.isNaN(value) ? undefined : value;
};

const percent = (ratio: number): string => `${(ratio * 100).toFixed(1)}%`;

export function findService(model: Model, name: string): ServiceModel | undefined {
  return model.services.find((service) => service.name === name);
}

export async function evaluateGate(model: Model, options: GateOptions): Promise<GateVerdict> {
  const service = findService(model, options.service);
  if (service === undefined) throw new Error(`no service named "${options.service}" in ${model.source}`);
  const minRequests = options.minRequests ?? gateDefaults.minRequests;
  // Scoped like the rules: one environment's verdict must not count another's requests or pages.
  const scoped = (query: string): string => scopeExpression(query, model.selectorLabels ?? {});
  const [pages, requestSamples, ratioSamples] = await Promise.all([
    instantQuery(options, scoped(firingPagesQuery(service))),
    instantQuery(options, scoped(requestsQuery(service, options.since))),
    instantQuery(options, scoped(errorRatioQuery(service, options.since))),
  ]);
  const firingPages = [...new Set(pages.map((sample) => sample.metric['alertname'] ?? 'unnamed'))].sort();
  const requests = Math.round(firstValue(requestSamples) ?? 0);
  const errorRatio = firstValue(ratioSamples);
  const threshold = service.alerts.highErrorRate.ratio;
  const base = { requests, errorRatio, firingPages };
  if (firingPages.length > 0) {
    return { ...base, rollback: true, reason: `roll back ${service.name}: P1 firing: ${firingPages.join(', ')}` };
  }
  if (requests < minRequests || errorRatio === undefined) {
    return {
      ...base,
      rollback: false,
      reason: `promote ${service.name}: no P1 firing; ${requests} requests in the last ${options.since}, under the ${minRequests} needed to judge the error ratio`,
    };
  }
  if (errorRatio > threshold) {
    return {
      ...base,
      rollback: true,
      reason: `roll back ${service.name}: 5xx ratio ${percent(errorRatio)} over the last ${options.since} (${requests} requests) is above ${percent(threshold)}`,
    };
  }
  return {
    ...base,
    rollback: false,
    reason: `promote ${service.name}: no P1 firing; 5xx ratio ${percent(errorRatio)} over the last ${options.since} (${requests} requests) is within ${percent(threshold)}`,
  };
}
