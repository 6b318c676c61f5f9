/**
 * What a scenario is: a stretch of simulated time (hours to days) for the services and
 * pipelines of a spec, the noise and faults it adds, and what a good set of alerts does then.
 */
import type { Model } from '../model/types.js';
import type { ExporterSim, Labels, PipelineSim, ServiceSim, World } from './simulation.js';
import { serviceRoles } from './simulation.js';

export type ScenarioKind = 'normal' | 'noise' | 'incident' | 'slo';

/** An alert (by name) on a target (label subset, usually `service` or `pipeline`). */
export interface AlertMatch {
  readonly alert: string;
  readonly labels?: Labels;
}

/** An alert that must fire within `withinSeconds` of the fault, and (if `sustained`) stay firing until the fault ends. */
export interface RequiredAlert extends AlertMatch {
  readonly withinSeconds: number;
  readonly sustained?: boolean;
}

export interface Expectation {
  /** Seconds at which the incident began; absent when the scenario has none. */
  readonly faultAt?: number;
  readonly faultEnd?: number;
  readonly fault?: string;
  readonly mustFire: readonly RequiredAlert[];
  /** Alerts that are right to fire here (not false), but not required. */
  readonly mayFire: readonly AlertMatch[];
}

/** The parts of the spec scenarios play with; a scenario needing one the spec lacks is not run. */
export interface Roles {
  /** The main API (first `api` service): ~5 requests/s on a weekday. */
  readonly main?: ServiceSim;
  /** A `worker` service with about two requests a minute. */
  readonly lowTraffic?: ServiceSim;
  /** A pipeline with `expectedItemsPerDay` (diurnal around it). */
  readonly steady?: PipelineSim;
  /** A pipeline without an expected rate: batches, long quiet hours. */
  readonly bursty?: PipelineSim;
  /** A critical health check, the services that run it, and the exporter of the same name. */
  readonly database?: { readonly check: string; readonly services: readonly ServiceSim[]; readonly exporter?: ExporterSim };
  /** Another critical check, to flap. */
  readonly cache?: { readonly check: string; readonly services: readonly ServiceSim[] };
}

export type RoleName = keyof Roles;

export interface Scenario {
  readonly name: string;
  readonly kind: ScenarioKind;
  /** One line: what happens, in a service's own terms. */
  readonly summary: string;
  /** Hour (from the epoch, a Thursday 00:00 UTC) at which monitoring starts. */
  readonly fromHour?: number;
  readonly hours: number;
  readonly seed: number;
  /** In the short set that `pnpm test` runs. */
  readonly short?: boolean;
  readonly needs: readonly RoleName[];
  /** Run only when the rendered rules contain these alerts for the role's target (SLO scenarios). */
  readonly needsAlerts?: readonly string[];
  setup(world: World, roles: Required<Roles>): Expectation;
}

export function resolveRoles(world: World, model: Model): Roles {
  const names = serviceRoles(model);
  const main = names.main === undefined ? undefined : world.service(names.main);
  const lowTraffic = names.lowTraffic === undefined ? undefined : world.service(names.lowTraffic);
  const steady = world.pipelines.find((pipeline) => pipeline.model.expectedItemsPerDay !== undefined);
  const bursty = world.pipelines.find((pipeline) => pipeline.model.expectedItemsPerDay === undefined);
  const checks = new Map<string, ServiceSim[]>();
  for (const service of world.services) for (const check of service.model.healthChecks) checks.set(check, [...(checks.get(check) ?? []), service]);
  const ordered = [...checks].sort(([a, aServices], [b, bServices]) => bServices.length - aServices.length || (a < b ? -1 : 1));
  const [databaseCheck, cacheCheck] = ordered;
  const database =
    databaseCheck === undefined
      ? undefined
      : {
          check: databaseCheck[0],
          services: databaseCheck[1],
          ...(() => {
            const exporter = world.exporters.find((candidate) => candidate.model.name === databaseCheck[0] || candidate.model.kind === databaseCheck[0]);
            return exporter === undefined ? {} : { exporter };
          })(),
        };
  return {
    ...(main === undefined ? {} : { main }),
    ...(lowTraffic === undefined ? {} : { lowTraffic }),
    ...(steady === undefined ? {} : { steady }),
    ...(bursty === undefined ? {} : { bursty }),
    ...(database === undefined ? {} : { database }),
    ...(cacheCheck === undefined ? {} : { cache: { check: cacheCheck[0], services: cacheCheck[1] } }),
  };
}
