import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { buildDashboards } from '../src/dashboards/index.js';
import { loadModel } from '../src/generate.js';
import type { Model } from '../src/model/types.js';

/** The model of the repository's own spec, monitoring/vigil.config.ts. */
export function specModel(): Promise<Model> {
  return loadModel('monitoring/vigil.config.ts');
}

/** A deep copy a test may mutate without touching the builders' objects. */
export function copyOf<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

export function dashboardByUid(model: Model, uid: string): Dashboard {
  const found = buildDashboards(model).find(({ dashboard }) => dashboard.uid === uid);
  if (!found) throw new Error(`no dashboard with uid ${uid}`);
  return copyOf(found.dashboard);
}
