import type { Model } from '@vigil/generator';

/**
 * Every receiver of the spec becomes a webhook on the test's receiver server, at /<receiver name>;
 * `unreachable` names receivers sent to `unreachableUrl` instead (a closed loopback port).
 */
export function withWebhookReceivers(base: Model, webhookUrl: string, unreachable: { readonly names: readonly string[]; readonly url: string } = { names: [], url: '' }): Model {
  return {
    ...base,
    receivers: base.receivers.map((entry) => ({
      name: entry.name,
      type: 'webhook' as const,
      url: unreachable.names.includes(entry.name) ? unreachable.url : `${webhookUrl}/${entry.name}`,
    })),
  };
}

/** The webhook paths the spec routes a team's `priority` alerts to. */
export function receiverPaths(model: Model, priority: 'P1' | 'P2', team: string): string[] {
  const owner = model.teams.find((candidate) => candidate.name === team);
  if (!owner) throw new Error(`no team named ${team} in the spec`);
  return (priority === 'P1' ? owner.pageReceivers : owner.ticketReceivers).map((name) => `/${name}`);
}
