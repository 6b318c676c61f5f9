/**
 * The PromQL behind a deploy verdict, shared by `vigil gate` and the Argo Rollouts
 * AnalysisTemplate so that both judge a deploy by the same numbers.
 */
import { catalog } from '@vigil/metrics/catalog';
import type { ServiceModel } from '../model/types.js';
import { quote } from '../rules/common.js';

const requestCount = `${catalog.httpRequestDuration.name}_count`;

/** Requests the service answered over `window`. */
export function requestsQuery(service: ServiceModel, window: string): string {
  return `sum(increase(${requestCount}{job=${quote(service.job)}}[${window}]))`;
}

/** Share of requests answered 5xx over `window`; 0 when there was no 5xx at all. */
export function errorRatioQuery(service: ServiceModel, window: string): string {
  const errors = `sum(increase(${requestCount}{job=${quote(service.job)},status_code=~"5.."}[${window}]))`;
  return `(${errors} or vector(0)) / ${requestsQuery(service, window)}`;
}

/** The service's P1 alerts firing now (its pipelines' included: they carry its `service` label). */
export function firingPagesQuery(service: ServiceModel): string {
  return `ALERTS{alertstate="firing",priority="P1",service=${quote(service.name)}}`;
}
