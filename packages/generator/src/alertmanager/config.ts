import type { AlertmanagerModel, Model, Priority, TeamModel } from '../model/types.js';
import { escapeRegex } from '../promql/regex.js';
import { alertmanagerScopes, exporterScopes, hostScopes, prometheusScopes } from '../rules/meta-alert.js';
import { renderReceiver } from './receivers.js';
import { watchdogReceiver, watchdogRoute } from './watchdog.js';

/** Alerts are grouped per alert and per service or pipeline: one page per broken thing, not per instance. */
export const groupBy = ['alertname', 'service', 'pipeline'] as const;

type Timing = AlertmanagerModel['page'];

function timings(timing: Timing): Record<string, string> {
  return { group_wait: timing.groupWait, group_interval: timing.groupInterval, repeat_interval: timing.repeatInterval };
}

/**
 * A team's route under one priority. Alertmanager routes have one receiver each, so a team
 * with several receivers gets one child per receiver; every child but the last sets
 * `continue` so the alert reaches all of them.
 */
function teamRoute(team: TeamModel, receivers: readonly string[]): Record<string, unknown> | undefined {
  const [first] = receivers;
  if (first === undefined) return undefined;
  const route: Record<string, unknown> = { matchers: [`team="${team.name}"`], receiver: first };
  if (receivers.length > 1) {
    route.routes = receivers.map((receiver, index) => ({
      receiver,
      ...(index < receivers.length - 1 ? { continue: true } : {}),
    }));
  }
  return route;
}

function priorityRoute(model: Model, priority: Priority): Record<string, unknown> {
  const timing = priority === 'P1' ? model.alertmanager.page : model.alertmanager.ticket;
  const pick = (team: TeamModel): readonly string[] => (priority === 'P1' ? team.pageReceivers : team.ticketReceivers);
  const routes = model.teams.flatMap((team) => teamRoute(team, pick(team)) ?? []);
  const defaultTeam = model.teams.find((team) => team.name === model.defaultTeam);
  // An alert whose team has no route of its own goes to the default team's receivers of that priority.
  const fallback = defaultTeam ? pick(defaultTeam)[0] : undefined;
  return {
    matchers: [`priority="${priority}"`],
    receiver: fallback ?? model.alertmanager.defaultReceiver,
    ...timings(timing),
    ...(routes.length > 0 ? { routes } : {}),
  };
}

/**
 * Inhibitions. A pipeline's P1 silences only that pipeline's P2s (pipeline alerts also carry
 * the owning service's label, and one stuck pipeline says nothing about its siblings).
 * Alertmanager treats a label missing on both sides as equal, so every rule that
 * compares `service` or `pipeline` requires it to be set on both alerts: otherwise a pipeline's
 * P1 would silence every other pipeline's P2.
 */
function inhibitRules(model: Model): Record<string, unknown>[] {
  const machines = machineServices(model);
  const machinesPattern = machines.map(escapeRegex).join('|');
  const rules: Record<string, unknown>[] = [
    {
      // A service-level P1 (no pipeline label): the whole service is in trouble.
      source_matchers: ['priority="P1"', 'service=~".+"', 'pipeline=""', ...(machines.length > 0 ? [`service!~"${machinesPattern}"`] : [])],
      target_matchers: ['priority="P2"', 'service=~".+"'],
      equal: ['service'],
    },
    // Hosts, exporters and the stack's own servers share one `service` label per kind, but each
    // instance is its own machine: one host's filling disk (P1) must not hide another host's
    // memory or CPU tickets, so their P1s silence only P2s of the same instance.
    ...(machines.length > 0
      ? [
          {
            source_matchers: ['priority="P1"', `service=~"${machinesPattern}"`, 'instance=~".+"'],
            target_matchers: ['priority="P2"', `service=~"${machinesPattern}"`, 'instance=~".+"'],
            equal: ['service', 'instance'],
          },
        ]
      : []),
    {
      source_matchers: ['priority="P1"', 'pipeline=~".+"'],
      target_matchers: ['priority="P2"', 'pipeline=~".+"'],
      equal: ['pipeline'],
    },
    {
      source_matchers: ['alertname="ServiceDown"', 'service=~".+"'],
      target_matchers: ['alertname!="ServiceDown"', 'service=~".+"'],
      equal: ['service'],
    },
  ];
  // A service that is down silences the alerts of the pipelines it runs, whose labels name the pipeline only.
  // Grouped once: a per-service filter over every pipeline is quadratic in the fleet.
  const pipelinesByService = new Map<string, string[]>();
  for (const pipeline of model.pipelines) {
    const names = pipelinesByService.get(pipeline.service);
    if (names === undefined) pipelinesByService.set(pipeline.service, [pipeline.name]);
    else names.push(pipeline.name);
  }
  for (const service of model.services) {
    const pipelines = pipelinesByService.get(service.name);
    if (pipelines === undefined) continue;
    rules.push({
      source_matchers: ['alertname="ServiceDown"', `service="${service.name}"`],
      target_matchers: [`pipeline=~"${pipelines.join('|')}"`],
    });
  }
  return rules;
}

/** The `service` labels of meta, host and exporter alerts: fleets of independent instances. */
function machineServices(model: Model): string[] {
  const scopes = [...prometheusScopes(model), ...alertmanagerScopes(model), ...hostScopes(model), ...exporterScopes('postgres')(model), ...exporterScopes('redis')(model)];
  return [...new Set(scopes.map((scope) => scope.service))].sort();
}

/** The whole alertmanager.yml as a plain object. */
export function renderAlertmanagerConfig(model: Model): Record<string, unknown> {
  return {
    route: {
      receiver: model.alertmanager.defaultReceiver,
      group_by: [...groupBy],
      ...timings(model.alertmanager.ticket),
      // The Watchdog carries no priority, so it matches only its own route.
      routes: [priorityRoute(model, 'P1'), priorityRoute(model, 'P2'), ...(model.watchdog ? [watchdogRoute(model.watchdog)] : [])],
    },
    inhibit_rules: inhibitRules(model),
    receivers: [...model.receivers.map(renderReceiver), ...(model.watchdog ? [watchdogReceiver(model.watchdog)] : [])],
  };
}
