/**
 * The `slos` section: cross-checks (names unique, services and pipelines exist, a latency
 * threshold is one of the histogram's bucket bounds) and resolution into `SloModel`s.
 * Called by build.ts; kept here so the SLO rules live in one place.
 */
import type { z } from 'zod';
import { catalog, latencyBucketsSeconds } from '@vigil/metrics/catalog';
import { durationSeconds, normaliseDuration } from '../spec/duration.js';
import type { SpecProblem } from '../spec/errors.js';
import type { monitoringSpecSchema } from '../spec/schema.js';
import { sloDefaults } from './defaults.js';
import type { PipelineModel, ServiceModel, SloModel } from './types.js';

type ParsedSpec = z.output<typeof monitoringSpecSchema>;

/** The `le` label value of a bucket bound, as `@vigil/metrics` exposes it (`String(bound)`). */
export function bucketLabel(bound: number): string {
  return String(bound);
}

const longestAlertWindow = '3d';
const minimumMaxAgeSeconds = 60;

export function sloProblems(spec: ParsedSpec, file: string): SpecProblem[] {
  const problems: SpecProblem[] = [];
  const services = new Set(spec.services.map((service) => service.name));
  const pipelines = new Set((spec.pipelines ?? []).map((pipeline) => pipeline.name));
  const firstIndex = new Map<string, number>();
  const list = (names: Set<string>): string => ([...names].sort().join(', ') || 'none');
  (spec.slos ?? []).forEach((slo, index) => {
    const path = `slos[${index}]`;
    const first = firstIndex.get(slo.name);
    if (first === undefined) firstIndex.set(slo.name, index);
    else problems.push({ file, path: `${path}.name`, message: `duplicate SLO name "${slo.name}" (first at slos[${first}])` });
    if (slo.period !== undefined && durationSeconds(slo.period) < durationSeconds(longestAlertWindow)) {
      problems.push({ file, path: `${path}.period`, message: `expected at least ${longestAlertWindow} (the longest burn-rate window)` });
    }
    if (slo.sli === 'freshness') {
      if (durationSeconds(slo.maxAge) < minimumMaxAgeSeconds) {
        problems.push({ file, path: `${path}.maxAge`, message: 'expected at least 1m (items are seen through scrapes)' });
      }
      if (!pipelines.has(slo.pipeline)) {
        problems.push({ file, path: `${path}.pipeline`, message: `no pipeline named "${slo.pipeline}" (pipelines: ${list(pipelines)})` });
      }
      return;
    }
    if (!services.has(slo.service)) {
      problems.push({ file, path: `${path}.service`, message: `no service named "${slo.service}" (services: ${list(services)})` });
    }
    if (slo.sli === 'latency' && !(latencyBucketsSeconds as readonly number[]).includes(slo.thresholdSeconds)) {
      problems.push({
        file,
        path: `${path}.thresholdSeconds`,
        message: `expected one of the bucket bounds of ${catalog.httpRequestDuration.name} (${latencyBucketsSeconds.join(', ')}), got ${slo.thresholdSeconds}`,
      });
    }
  });
  return problems;
}

/** A period as people write it: whole days as "30d" (normaliseDuration would say "4w2d"). */
function periodText(period: string): string {
  const seconds = durationSeconds(period);
  return seconds % 86_400 === 0 ? `${seconds / 86_400}d` : normaliseDuration(period);
}

/** Resolves every SLO; cross-references were checked by `sloProblems`. */
export function resolveSlos(spec: ParsedSpec, services: readonly ServiceModel[], pipelines: readonly PipelineModel[]): SloModel[] {
  return (spec.slos ?? [])
    .map((slo): SloModel => {
      const common = {
        name: slo.name,
        objective: slo.objective,
        period: periodText(slo.period ?? sloDefaults.period),
        minEvents: slo.minEvents ?? sloDefaults.minEvents,
      };
      if (slo.sli === 'freshness') {
        const pipeline = pipelines.find((candidate) => candidate.name === slo.pipeline)!;
        return {
          ...common,
          sli: 'freshness',
          team: pipeline.team,
          job: pipeline.job,
          service: pipeline.service,
          pipeline: pipeline.name,
          maxAgeSeconds: durationSeconds(slo.maxAge),
        };
      }
      const service = services.find((candidate) => candidate.name === slo.service)!;
      const target = { team: service.team, job: service.job, service: service.name };
      return slo.sli === 'latency'
        ? { ...common, ...target, sli: 'latency', thresholdSeconds: slo.thresholdSeconds, le: bucketLabel(slo.thresholdSeconds) }
        : { ...common, ...target, sli: 'availability' };
    })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
