/**
 * An Argo Rollouts `AnalysisTemplate` per API service: the deploy gate of `vigil gate`, for
 * Kubernetes users, judged by the same queries (../gate/queries.ts). A rollout step fails, and
 * Argo rolls back, when a P1 of the service fires or its 5xx ratio passes the HighErrorRate
 * ratio with enough requests behind it.
 */
import { AnalysisTemplate } from '@kubernetes-models/argo-rollouts/argoproj.io/v1alpha1/AnalysisTemplate';
import { gateDefaults } from '../gate/evaluate.js';
import { errorRatioQuery, firingPagesQuery, requestsQuery } from '../gate/queries.js';
import { scopeExpression } from '../promql/scope.js';
import type { ServiceModel } from '../model/types.js';
import type { KubernetesSettings } from './settings.js';

/** Each measurement looks back this far; Argo repeats it every `interval`, `count` times. */
export const analysisDefaults = { window: '5m', interval: '1m', count: 10, failureLimit: 1 } as const;

/** `selectorLabels` (the spec's) scope both queries to one environment, as the gate's are. */
export function analysisTemplateResource(service: ServiceModel, settings: KubernetesSettings, selectorLabels: Readonly<Record<string, string>> = {}): Record<string, unknown> {
  const { window, interval, count, failureLimit } = analysisDefaults;
  const provider = { prometheus: { address: '{{args.prometheus-address}}' } };
  // Too few requests to judge reads as a ratio of 0, as the gate promotes on too little evidence.
  const judgedRatio = scopeExpression(
    `(${errorRatioQuery(service, window)} and on() (${requestsQuery(service, window)} >= ${gateDefaults.minRequests})) or on() vector(0)`,
    selectorLabels,
  );
  const resource = new AnalysisTemplate({
    metadata: { name: `${service.name}-vigil-gate`, namespace: settings.namespace, labels: { ...settings.labels } },
    spec: {
      args: [{ name: 'prometheus-address' }],
      metrics: [
        {
          name: 'p1-firing',
          interval,
          count,
          failureLimit,
          successCondition: 'result[0] == 0',
          provider: { ...provider, prometheus: { ...provider.prometheus, query: scopeExpression(`count(${firingPagesQuery(service)}) or on() vector(0)`, selectorLabels) } },
        },
        {
          name: 'error-ratio',
          interval,
          count,
          failureLimit,
          successCondition: `result[0] <= ${service.alerts.highErrorRate.ratio}`,
          provider: { ...provider, prometheus: { ...provider.prometheus, query: judgedRatio } },
        },
      ],
    },
  });
  resource.validate();
  return resource.toJSON() as Record<string, unknown>;
}
