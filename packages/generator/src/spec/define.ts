import type { MonitoringSpec } from './schema.js';

/** Types a spec written in TypeScript; returns it unchanged (buildModel validates it). */
export function defineMonitoring(spec: MonitoringSpec): MonitoringSpec {
  return spec;
}
