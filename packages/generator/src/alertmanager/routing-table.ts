import type { Model, Priority, TeamModel } from '../model/types.js';

/** One row of the routing table: an alert's labels and every receiver it must reach, in order. */
export interface RoutingCase {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly receivers: readonly string[];
}

const priorities: readonly Priority[] = ['P1', 'P2'];

/** A label set for a team's alert: one of its services (or pipelines) when it has any, so the row looks like a real alert. */
function sampleLabels(model: Model, team: TeamModel, priority: Priority): Record<string, string> {
  const service = model.services.find((candidate) => candidate.team === team.name);
  const pipeline = model.pipelines.find((candidate) => candidate.team === team.name);
  const owner: Record<string, string> = service ? { service: service.name } : pipeline ? { pipeline: pipeline.name } : {};
  return { alertname: 'RoutingTableProbe', priority, team: team.name, ...owner };
}

/**
 * For each route the config has, the labels of an alert that must reach it and the receivers
 * it must reach, derived from the model independently of how the route tree is laid out.
 */
export function routingTable(model: Model): RoutingCase[] {
  const rows: RoutingCase[] = [];
  const defaultTeam = model.teams.find((team) => team.name === model.defaultTeam);
  for (const priority of priorities) {
    for (const team of model.teams) {
      const receivers = priority === 'P1' ? team.pageReceivers : team.ticketReceivers;
      if (receivers.length === 0) continue;
      rows.push({ name: `${priority} alert of team ${team.name}`, labels: sampleLabels(model, team, priority), receivers });
    }
    const fallback = defaultTeam ? (priority === 'P1' ? defaultTeam.pageReceivers : defaultTeam.ticketReceivers)[0] : undefined;
    rows.push({
      name: `${priority} alert of a team without routes`,
      labels: { alertname: 'RoutingTableProbe', priority, team: 'no-such-team' },
      receivers: [fallback ?? model.alertmanager.defaultReceiver],
    });
  }
  if (model.watchdog !== undefined) {
    rows.push({ name: 'Watchdog heartbeat', labels: { alertname: 'Watchdog', severity: 'none', team: model.watchdog.team }, receivers: [model.watchdog.receiver] });
  }
  rows.push({
    name: 'alert without a priority',
    labels: { alertname: 'RoutingTableProbe' },
    receivers: [model.alertmanager.defaultReceiver],
  });
  return rows;
}
