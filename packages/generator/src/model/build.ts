/**
 * spec -> model: validate (zod), layer a profile or overrides, check cross-references, resolve
 * defaults, sort everything by name. Every problem found is collected, then thrown together
 * as one SpecError so a user fixes a spec in one pass.
 */
import type { z } from 'zod';
import { catalog, latencyBucketsSeconds } from '@vigil/metrics/catalog';
import { monitoringSpecSchema, overridesSchema, type SpecOverrides } from '../spec/schema.js';
import { SpecError, problemsFromIssues, specErrorMap, type SpecProblem } from '../spec/errors.js';
import { normaliseDuration } from '../spec/duration.js';
import { fieldCountProblems, windowProblems } from '../spec/bounds.js';
import { rulerOutputDefaults, alertmanagerDefaults, grafanaDefaults, kubernetesDefaults, pipelineDefaults, prometheusDefaults, rulerLimitDefaults, serviceDefaults, stackDefaults } from './defaults.js';
import { metaProblems, resolveExporterAlerts, resolveHosts, resolveSelfMonitoring, resolveWatchdog, alertmanagerPeerTargets } from './meta.js';
import { applyOverrides, overrideProblems } from './overrides.js';
import { resolveSlos, sloProblems } from './slo.js';
import { withExtraRules } from '../rules/extra-rules.js';
import type {
  DependencyModel,
  Model,
  PipelineModel,
  ReceiverModel,
  ServiceAlertParameters,
  ServiceModel,
  SiteModel,
  TeamModel,
} from './types.js';

/** Label names generated rules match, group or route on; selectorLabels may not use them. */
export const reservedSelectorLabels: ReadonlySet<string> = new Set([
  '__name__',
  'job',
  'instance',
  'le',
  'alertname',
  'severity',
  'priority',
  'team',
  'service',
  'pipeline',
  'slo',
]);

type ParsedSpec = z.output<typeof monitoringSpecSchema>;

export interface BuildModelOptions {
  /** Name of a profile in the spec's `profiles` to layer over it (e.g. "e2e"). */
  readonly profile?: string;
  /** Overrides layered after the profile (e.g. scrape targets known only at run time). */
  readonly overrides?: SpecOverrides;
}

const byName = <T extends { readonly name: string }>(a: T, b: T): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

export function buildModel(spec: unknown, source: string, options: BuildModelOptions = {}): Model {
  // Before validation: reporting 250,000 unknown fields one by one is itself the unbounded work.
  const tooManyFields = fieldCountProblems(spec, source);
  if (tooManyFields.length > 0) throw new SpecError(tooManyFields);
  const parsed = monitoringSpecSchema.safeParse(spec, { error: specErrorMap });
  if (!parsed.success) throw new SpecError(problemsFromIssues(source, parsed.error.issues));
  let resolved: ParsedSpec = parsed.data;
  const tooLong = windowProblems(resolved, source, prometheusDefaults.scrapeInterval);
  if (tooLong.length > 0) throw new SpecError(tooLong);

  // Every profile is checked against the spec, selected or not, so a typo in one is found the
  // day it is written rather than the day that profile is first used.
  const baseProblems = new Set(crossReferenceProblems(resolved, source).map((problem) => `${problem.path}: ${problem.message}`));
  const profileProblems = Object.entries(resolved.profiles ?? {}).flatMap(([name, profile]) => {
    const problems = overrideProblems(resolved, profile, source, `profiles.${name}`);
    if (problems.length > 0) return problems;
    const withProfile = crossReferenceProblems(applyOverrides(resolved, profile), source);
    return withProfile.filter((problem) => !baseProblems.has(`${problem.path}: ${problem.message}`)).map((problem) => ({
      ...problem,
      message: `${problem.message} (with profile "${name}")`,
    }));
  });
  if (profileProblems.length > 0) throw new SpecError(profileProblems);

  const layers: { readonly overrides: z.output<typeof overridesSchema>; readonly path: string }[] = [];
  if (options.profile !== undefined) {
    const profile = resolved.profiles?.[options.profile];
    if (profile === undefined) {
      const known = Object.keys(resolved.profiles ?? {}).sort();
      throw new SpecError([
        {
          file: source,
          path: 'profiles',
          message: `no profile named "${options.profile}" (profiles: ${known.length > 0 ? known.join(', ') : 'none'})`,
        },
      ]);
    }
    layers.push({ overrides: profile, path: `profiles.${options.profile}` });
  }
  if (options.overrides !== undefined) {
    const overrides = overridesSchema.safeParse(options.overrides, { error: specErrorMap });
    if (!overrides.success) {
      throw new SpecError(
        problemsFromIssues(source, overrides.error.issues).map((problem) => ({
          ...problem,
          path: problem.path === '' ? 'overrides' : `overrides.${problem.path}`,
        })),
      );
    }
    layers.push({ overrides: overrides.data, path: 'overrides' });
  }
  for (const layer of layers) {
    const problems = overrideProblems(resolved, layer.overrides, source, layer.path);
    if (problems.length > 0) throw new SpecError(problems);
    resolved = applyOverrides(resolved, layer.overrides);
  }

  const problems = [...crossReferenceProblems(resolved, source), ...sloProblems(resolved, source)];
  if (problems.length > 0) throw new SpecError(problems);
  const durationOverrides = layers.reduce<{ for?: string; window?: string }>(
    (all, layer) => ({ ...all, ...layer.overrides.durations }),
    {},
  );
  return withExtraRules(resolveModel(resolved, source, durationOverrides), resolved.extraRules);
}

function duplicateProblems(
  entries: readonly { readonly name: string }[],
  listPath: string,
  what: string,
  file: string,
): SpecProblem[] {
  const firstIndex = new Map<string, number>();
  const problems: SpecProblem[] = [];
  entries.forEach((entry, index) => {
    const first = firstIndex.get(entry.name);
    if (first === undefined) firstIndex.set(entry.name, index);
    else
      problems.push({
        file,
        path: `${listPath}[${index}].name`,
        message: `duplicate ${what} name "${entry.name}" (first at ${listPath}[${first}])`,
      });
  });
  return problems;
}

function listNames(names: Iterable<string>): string {
  const sorted = [...names].sort();
  return sorted.length > 0 ? sorted.join(', ') : 'none';
}

function crossReferenceProblems(spec: ParsedSpec, file: string): SpecProblem[] {
  const pipelines = spec.pipelines ?? [];
  const dependencies = spec.dependencies ?? [];
  const problems: SpecProblem[] = [
    ...duplicateProblems(spec.services, 'services', 'service', file),
    ...duplicateProblems(pipelines, 'pipelines', 'pipeline', file),
    ...duplicateProblems(dependencies, 'dependencies', 'dependency', file),
    ...duplicateProblems(spec.teams, 'teams', 'team', file),
    ...duplicateProblems(spec.receivers, 'receivers', 'receiver', file),
  ];
  const serviceNames = new Set(spec.services.map((service) => service.name));
  const teamNames = new Set(spec.teams.map((team) => team.name));
  const receiverNames = new Set(spec.receivers.map((receiver) => receiver.name));

  // A job name must be unique in prometheus.yml; services and exporters share that namespace.
  dependencies.forEach((dependency, index) => {
    if (dependency.kind !== 'healthCheck' && serviceNames.has(dependency.name)) {
      problems.push({
        file,
        path: `dependencies[${index}].name`,
        message: `"${dependency.name}" is also a service name; scrape job names must be unique`,
      });
    }
  });

  // p95 is interpolated from the latency histogram: above its largest finite bucket it cannot be measured.
  const largestBucket = latencyBucketsSeconds[latencyBucketsSeconds.length - 1]!;
  spec.services.forEach((service, index) => {
    const seconds = settingsOf(service.alerts?.highLatencyP95)?.seconds;
    if (seconds !== undefined && seconds >= largestBucket) {
      problems.push({
        file,
        path: `services[${index}].alerts.highLatencyP95.seconds`,
        message: `expected less than ${largestBucket} (the largest latency bucket of ${catalog.httpRequestDuration.name})`,
      });
    }
  });

  // Labels Vigil's own selectors, groupings and alert routing use: a selector label with one of
  // these names would contradict or overwrite them (promql/scope.ts refuses such selectors too).
  for (const name of Object.keys(spec.selectorLabels ?? {})) {
    if (reservedSelectorLabels.has(name)) {
      problems.push({
        file,
        path: `selectorLabels.${name}`,
        message: `expected a label Vigil does not use itself (not one of ${[...reservedSelectorLabels].join(', ')}); name the environment or cluster, e.g. environment or cluster`,
      });
    }
  }

  const siteOf = new Map<string, string>();
  (spec.sites ?? []).forEach((site, index) => {
    if (site.externalLabels?.['site'] !== undefined) {
      problems.push({ file, path: `sites[${index}].externalLabels.site`, message: 'expected no "site" label: the site name is the site label' });
    }
    site.services.forEach((service, serviceIndex) => {
      const path = `sites[${index}].services[${serviceIndex}]`;
      if (!serviceNames.has(service)) {
        problems.push({ file, path, message: `no service named "${service}" (services: ${listNames(serviceNames)})` });
        return;
      }
      const other = siteOf.get(service);
      if (other !== undefined) problems.push({ file, path, message: `"${service}" is already scraped at site "${other}"; a service belongs to one site` });
      else siteOf.set(service, site.name);
    });
  });
  problems.push(...duplicateProblems(spec.sites ?? [], 'sites', 'site', file));

  const checkTeam = (team: string | undefined, path: string): void => {
    if (team !== undefined && !teamNames.has(team)) {
      problems.push({ file, path, message: `no team named "${team}" (teams: ${listNames(teamNames)})` });
    }
  };
  checkTeam(spec.defaultTeam, 'defaultTeam');
  spec.services.forEach((service, index) => checkTeam(service.team, `services[${index}].team`));
  pipelines.forEach((pipeline, index) => {
    checkTeam(pipeline.team, `pipelines[${index}].team`);
    if (!serviceNames.has(pipeline.service)) {
      problems.push({
        file,
        path: `pipelines[${index}].service`,
        message: `no service named "${pipeline.service}" runs this pipeline (services: ${listNames(serviceNames)})`,
      });
    }
    const fields = pipeline.requiredFields ?? [];
    fields.forEach((field, fieldIndex) => {
      if (fields.indexOf(field) !== fieldIndex) {
        problems.push({ file, path: `pipelines[${index}].requiredFields[${fieldIndex}]`, message: `duplicate field "${field}"` });
      }
    });
    if (pipeline.coverageFloor !== undefined && fields.length === 0) {
      problems.push({
        file,
        path: `pipelines[${index}].coverageFloor`,
        message: 'has no effect without requiredFields; list the fields or remove it',
      });
    }
    if (pipeline.rateFloorRatio !== undefined && pipeline.expectedItemsPerDay === undefined) {
      problems.push({
        file,
        path: `pipelines[${index}].rateFloorRatio`,
        message: 'has no effect without expectedItemsPerDay; set it or remove this field',
      });
    }
  });
  dependencies.forEach((dependency, index) => {
    checkTeam(dependency.team, `dependencies[${index}].team`);
    if (dependency.kind === 'healthCheck') {
      dependency.services.forEach((service, serviceIndex) => {
        if (!serviceNames.has(service)) {
          problems.push({
            file,
            path: `dependencies[${index}].services[${serviceIndex}]`,
            message: `no service named "${service}" (services: ${listNames(serviceNames)})`,
          });
        }
      });
    }
  });
  spec.teams.forEach((team, index) => {
    for (const key of ['pageReceivers', 'ticketReceivers'] as const) {
      team[key].forEach((receiver, receiverIndex) => {
        if (!receiverNames.has(receiver)) {
          problems.push({
            file,
            path: `teams[${index}].${key}[${receiverIndex}]`,
            message: `no receiver named "${receiver}" (receivers: ${listNames(receiverNames)})`,
          });
        }
      });
    }
  });
  problems.push(...metaProblems(spec, file));
  const defaultReceiver = spec.alertmanager?.defaultReceiver;
  if (defaultReceiver !== undefined && !receiverNames.has(defaultReceiver)) {
    problems.push({
      file,
      path: 'alertmanager.defaultReceiver',
      message: `no receiver named "${defaultReceiver}" (receivers: ${listNames(receiverNames)})`,
    });
  }
  return problems;
}

/** `alerts.<name>` settings, or undefined when absent or switched off (`false`). */
function settingsOf<T extends object>(value: T | false | undefined): T | undefined {
  return value === false ? undefined : value;
}

/** Spec keys of the alerts the spec switches off (`alerts.<name>: false`). */
function disabledKeys(alerts: object | undefined): string[] {
  return Object.entries(alerts ?? {})
    .filter(([, value]) => value === false)
    .map(([key]) => key)
    .sort();
}

function resolveServiceAlerts(
  alerts: NonNullable<ParsedSpec['services'][number]['alerts']> | undefined,
  durations: { for?: string; window?: string },
): ServiceAlertParameters {
  const d = serviceDefaults.alerts;
  const forOf = (value: string | undefined, fallback: string): string => normaliseDuration(durations.for ?? value ?? fallback);
  const errorRate = settingsOf(alerts?.highErrorRate);
  const latency = settingsOf(alerts?.highLatencyP95);
  const unhandled = settingsOf(alerts?.unhandledErrorsBurst);
  const memory = settingsOf(alerts?.memoryHigh);
  const cpu = settingsOf(alerts?.cpuHigh);
  const lag = settingsOf(alerts?.eventLoopLagHigh);
  const restarting = settingsOf(alerts?.serviceRestarting);
  return {
    serviceDown: { for: forOf(settingsOf(alerts?.serviceDown)?.for, d.serviceDown.for) },
    highErrorRate: {
      ratio: errorRate?.ratio ?? d.highErrorRate.ratio,
      minEvents: errorRate?.minEvents ?? d.highErrorRate.minEvents,
      for: forOf(errorRate?.for, d.highErrorRate.for),
    },
    highLatencyP95: { seconds: latency?.seconds ?? d.highLatencyP95.seconds, for: forOf(latency?.for, d.highLatencyP95.for) },
    unhandledErrorsBurst: {
      count: unhandled?.count ?? d.unhandledErrorsBurst.count,
      window: normaliseDuration(durations.window ?? unhandled?.window ?? d.unhandledErrorsBurst.window),
      for: forOf(unhandled?.for, d.unhandledErrorsBurst.for),
    },
    memoryHigh: { ratio: memory?.ratio ?? d.memoryHigh.ratio, for: forOf(memory?.for, d.memoryHigh.for) },
    cpuHigh: { ratio: cpu?.ratio ?? d.cpuHigh.ratio, for: forOf(cpu?.for, d.cpuHigh.for) },
    eventLoopLagHigh: { seconds: lag?.seconds ?? d.eventLoopLagHigh.seconds, for: forOf(lag?.for, d.eventLoopLagHigh.for) },
    dependencyDown: { for: forOf(settingsOf(alerts?.dependencyDown)?.for, d.dependencyDown.for) },
    serviceRestarting: {
      for: forOf(restarting?.for, d.serviceRestarting.for),
      restarts: restarting?.restarts ?? d.serviceRestarting.restarts,
      persistentRestarts: restarting?.persistentRestarts ?? d.serviceRestarting.persistentRestarts,
    },
  };
}

const secondsPerDay = 86_400;

function resolveModel(spec: ParsedSpec, source: string, durations: { for?: string; window?: string }): Model {
  const defaultTeam = spec.defaultTeam ?? spec.teams[0]!.name;
  const prometheusSettings = spec.prometheus ?? {};
  const scrapeInterval = normaliseDuration(prometheusSettings.scrapeInterval ?? prometheusDefaults.scrapeInterval);
  const dependencySpecs = spec.dependencies ?? [];

  const criticalChecksByService = new Map<string, Set<string>>();
  for (const dependency of dependencySpecs) {
    if (dependency.kind !== 'healthCheck' || dependency.critical === false) continue;
    for (const service of dependency.services) {
      const checks = criticalChecksByService.get(service) ?? new Set<string>();
      checks.add(dependency.check ?? dependency.name);
      criticalChecksByService.set(service, checks);
    }
  }

  const services: ServiceModel[] = spec.services
    .map((service) => ({
      name: service.name,
      kind: service.kind ?? serviceDefaults.kind,
      team: service.team ?? defaultTeam,
      job: service.job ?? service.name,
      targets: [...service.targets],
      metricsPath: service.metricsPath ?? serviceDefaults.metricsPath,
      scrapeInterval: service.scrapeInterval === undefined ? scrapeInterval : normaliseDuration(service.scrapeInterval),
      healthChecks: [...(criticalChecksByService.get(service.name) ?? [])].sort(),
      runtime: { cluster: service.runtime?.cluster ?? false },
      alerts: resolveServiceAlerts(service.alerts, durations),
      disabledAlerts: disabledKeys(service.alerts),
    }))
    .sort(byName);
  const serviceTeam = new Map(services.map((service) => [service.name, service.team]));
  const serviceJob = new Map(services.map((service) => [service.name, service.job]));

  const pipelines: PipelineModel[] = (spec.pipelines ?? [])
    .map((pipeline): PipelineModel => {
      const forOf = (value: string | undefined, fallback: string): string =>
        normaliseDuration(durations.for ?? value ?? fallback);
      const requiredFields = [...(pipeline.requiredFields ?? [])].sort();
      const rateFloorRatio = pipeline.rateFloorRatio ?? pipelineDefaults.rateFloorRatio;
      return {
        name: pipeline.name,
        service: pipeline.service,
        team: pipeline.team ?? serviceTeam.get(pipeline.service) ?? defaultTeam,
        job: serviceJob.get(pipeline.service) ?? pipeline.service,
        disabledAlerts: disabledKeys(pipeline.alerts),
        ...(pipeline.expectedItemsPerDay === undefined ? {} : { expectedItemsPerDay: pipeline.expectedItemsPerDay }),
        alerts: {
          noItemsCreated: {
            window: normaliseDuration(durations.window ?? pipeline.zeroItemsWindow ?? pipelineDefaults.zeroItemsWindow),
            minSilence: pipelineDefaults.minSilence,
          },
          ...(pipeline.expectedItemsPerDay === undefined
            ? {}
            : {
                itemRateLow: {
                  floorRatio: rateFloorRatio,
                  floorPerSecond: (pipeline.expectedItemsPerDay * rateFloorRatio) / secondsPerDay,
                  for: forOf(settingsOf(pipeline.alerts?.itemRateLow)?.for, pipelineDefaults.itemRateLowFor),
                },
              }),
          ...(requiredFields.length === 0
            ? {}
            : {
                fieldCoverageDrop: {
                  requiredFields,
                  floor: pipeline.coverageFloor ?? pipelineDefaults.coverageFloor,
                  for: forOf(settingsOf(pipeline.alerts?.fieldCoverageDrop)?.for, pipelineDefaults.fieldCoverageDropFor),
                },
              }),
          validationErrorsHigh: {
            ratio: pipeline.validationErrorCeiling ?? pipelineDefaults.validationErrorCeiling,
            minEvents: settingsOf(pipeline.alerts?.validationErrorsHigh)?.minEvents ?? pipelineDefaults.validationErrorsMinEvents,
            for: forOf(settingsOf(pipeline.alerts?.validationErrorsHigh)?.for, pipelineDefaults.validationErrorsHighFor),
          },
        },
      };
    })
    .sort(byName);

  const dependencies: DependencyModel[] = dependencySpecs
    .map((dependency): DependencyModel => {
      if (dependency.kind === 'healthCheck') {
        return {
          name: dependency.name,
          kind: 'healthCheck',
          team: dependency.team ?? defaultTeam,
          services: [...dependency.services].sort(),
          check: dependency.check ?? dependency.name,
          critical: dependency.critical ?? true,
        };
      }
      return {
        name: dependency.name,
        kind: dependency.kind,
        team: dependency.team ?? defaultTeam,
        job: dependency.name,
        targets: [...dependency.targets],
        ...(dependency.address === undefined ? {} : { address: dependency.address }),
        ...(dependency.replicas === undefined ? {} : { replicas: [...dependency.replicas] }),
        ...(dependency.kind === 'node' ? {} : { alerts: resolveExporterAlerts(dependency.alerts, durations) }),
      };
    })
    .sort(byName);

  const teams: TeamModel[] = spec.teams
    .map((team) => ({ name: team.name, pageReceivers: [...team.pageReceivers], ticketReceivers: [...team.ticketReceivers] }))
    .sort(byName);
  const receivers: ReceiverModel[] = spec.receivers.map((receiver) => ({ ...receiver }) as ReceiverModel).sort(byName);
  const defaultTeamModel = teams.find((team) => team.name === defaultTeam)!;

  const timing = (
    settings: { groupWait?: string; groupInterval?: string; repeatInterval?: string } | undefined,
    fallback: { readonly groupWait: string; readonly groupInterval: string; readonly repeatInterval: string },
  ) => ({
    groupWait: normaliseDuration(settings?.groupWait ?? fallback.groupWait),
    groupInterval: normaliseDuration(settings?.groupInterval ?? fallback.groupInterval),
    repeatInterval: normaliseDuration(settings?.repeatInterval ?? fallback.repeatInterval),
  });

  const alertmanagers = [
    ...(prometheusSettings.alertmanagers ?? alertmanagerPeerTargets(spec.alertmanager?.replicas ?? 1, prometheusDefaults.alertmanagers)),
  ];
  return {
    source,
    runbookUrlTemplate: spec.runbookUrl,
    defaultTeam,
    services,
    pipelines,
    dependencies,
    slos: resolveSlos(spec, services, pipelines),
    teams,
    receivers,
    prometheus: {
      scrapeInterval,
      evaluationInterval: normaliseDuration(prometheusSettings.evaluationInterval ?? prometheusDefaults.evaluationInterval),
      alertmanagers,
      externalLabels: sortRecord(prometheusSettings.externalLabels ?? prometheusDefaults.externalLabels),
    },
    alertmanager: {
      page: timing(spec.alertmanager?.page, alertmanagerDefaults.page),
      ticket: timing(spec.alertmanager?.ticket, alertmanagerDefaults.ticket),
      defaultReceiver: spec.alertmanager?.defaultReceiver ?? defaultTeamModel.ticketReceivers[0]!,
      replicas: spec.alertmanager?.replicas ?? 1,
    },
    selectorLabels: sortRecord(spec.selectorLabels ?? {}),
    rulerLimits: {
      rulesPerGroup: spec.rulerLimits?.rulesPerGroup ?? rulerLimitDefaults.rulesPerGroup,
      groupsPerTenant: spec.rulerLimits?.groupsPerTenant ?? rulerLimitDefaults.groupsPerTenant,
      enforced: spec.rulerLimits !== undefined,
    },
    ...(spec.ruler === undefined ? {} : { ruler: { namespacePrefix: spec.ruler.namespacePrefix ?? rulerOutputDefaults.namespacePrefix } }),
    grafana: { datasourceUid: spec.grafana?.datasourceUid ?? grafanaDefaults.datasourceUid },
    sites: resolveSites(spec, sortRecord(prometheusSettings.externalLabels ?? prometheusDefaults.externalLabels)),
    ...(spec.kubernetes === undefined
      ? {}
      : {
          kubernetes: {
            namespace: spec.kubernetes.namespace,
            labels: sortRecord(spec.kubernetes.labels ?? {}),
            metricsPort: spec.kubernetes.metricsPort ?? kubernetesDefaults.metricsPort,
            serviceSelectorLabel: spec.kubernetes.serviceSelectorLabel ?? kubernetesDefaults.serviceSelectorLabel,
            secretName: spec.kubernetes.secretName ?? kubernetesDefaults.secretName,
            dashboardLabel: { ...(spec.kubernetes.dashboardLabel ?? kubernetesDefaults.dashboardLabel) },
          },
        }),
    stack: {
      bindAddress: spec.stack?.bindAddress ?? stackDefaults.bindAddress,
      ports: { ...stackDefaults.ports, ...stripUndefined(spec.stack?.ports ?? {}) },
      images: { ...stackDefaults.images, ...stripUndefined(spec.stack?.images ?? {}) },
    },
    selfMonitoring: resolveSelfMonitoring(spec, defaultTeam, alertmanagers, durations),
    ...(spec.hosts === undefined ? {} : { hosts: resolveHosts(spec.hosts, defaultTeam, durations) }),
    ...(spec.watchdog === undefined ? {} : { watchdog: resolveWatchdog(spec.watchdog, spec.selfMonitoring?.team ?? defaultTeam) }),
  };
}

function resolveSites(spec: ParsedSpec, centralLabels: Readonly<Record<string, string>>): SiteModel[] {
  return (spec.sites ?? [])
    .map((site): SiteModel => {
      const { url, bearerTokenFile, basicAuth } = site.remoteWrite;
      return {
        name: site.name,
        services: [...site.services].sort(),
        remoteWrite: {
          url,
          ...(bearerTokenFile === undefined ? {} : { bearerTokenFile }),
          ...(basicAuth === undefined ? {} : { basicAuth: { username: basicAuth.username, passwordFile: basicAuth.passwordFile } }),
        },
        externalLabels: sortRecord({ ...centralLabels, ...(site.externalLabels ?? {}), site: site.name }),
      };
    })
    .sort(byName);
}

function sortRecord(record: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function stripUndefined<T extends object>(value: T): { [K in keyof T]-?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as {
    [K in keyof T]-?: Exclude<T[K], undefined>;
  };
}
