import type { Model } from '../model/types.js';

/** Stable dashboard uids: links, bookmarks and provisioning depend on them. */
export const dashboardUids = {
  overview: 'vigil-overview',
  pipeline: 'vigil-pipeline',
  service: 'vigil-service',
  runtime: 'vigil-runtime',
  hosts: 'vigil-hosts',
  dependencies: 'vigil-dependencies',
} as const;

/** Jobs of the exporter dependencies of `kind` (postgres, redis). */
export function exporterJobs(model: Model, kind: 'postgres' | 'redis'): string[] {
  return model.dependencies.flatMap((dependency) => (dependency.kind === kind ? [dependency.job] : []));
}
