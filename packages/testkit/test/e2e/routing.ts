/**
 * How the e2e suites stand in for the spec's receivers and read its routing: every receiver a
 * webhook at /<receiver name> on one test receiver, and the receivers a team's P1/P2 go to.
 */
import type { Model } from '@vigil/generator';

/** Every receiver of the spec becomes a webhook on the receiver server, at /<receiver name>. */
export function withWebhookReceivers(base: Model, webhookUrl: string): Model {
  return {
    ...base,
    receivers: base.receivers.map((entry) => ({ name: entry.name, type: 'webhook' as const, url: `${webhookUrl}/${entry.name}` })),
  };
}

/** The webhook paths the spec routes a team's `priority` alerts to. */
export function receiverPaths(model: Model, priority: 'P1' | 'P2', team: string): string[] {
  const owner = model.teams.find((candidate) => candidate.name === team);
  if (!owner) throw new Error(`no team named ${team} in the spec`);
  return (priority === 'P1' ? owner.pageReceivers : owner.ticketReceivers).map((name) => `/${name}`);
}
