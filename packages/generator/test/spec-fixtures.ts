import { expect } from 'vitest';
import { buildModel, SpecError, type MonitoringSpec } from '../src/index.js';

/** A small valid spec; tests copy it and break one thing. */
export function minimalSpec(): MonitoringSpec {
  return {
    runbookUrl: 'https://example.com/runbooks/{alert}.md',
    teams: [{ name: 'platform', pageReceivers: ['pager'], ticketReceivers: ['chat'] }],
    receivers: [
      { name: 'pager', type: 'pagerduty', routingKeyFile: '/etc/alertmanager/secrets/pagerduty' },
      { name: 'chat', type: 'webhook', url: 'http://chat-bridge:8080/hook' },
    ],
    services: [
      { name: 'api', targets: ['api:9464'] },
      { name: 'ingest', kind: 'pipeline', targets: ['ingest:9464'] },
    ],
    pipelines: [
      { name: 'orders', service: 'ingest', expectedItemsPerDay: 15000, requiredFields: ['id', 'price'] },
      { name: 'events', service: 'ingest' },
    ],
    dependencies: [
      { name: 'postgres', kind: 'postgres', targets: ['postgres-exporter:9187'], address: 'postgres:5432' },
      { name: 'primary-db', kind: 'healthCheck', check: 'postgres', services: ['api', 'ingest'] },
    ],
  };
}

/** Deep copy, so a test can mutate freely. */
export function specWith(mutate: (spec: Record<string, any>) => void): unknown {
  const spec = structuredClone(minimalSpec()) as Record<string, any>;
  mutate(spec);
  return spec;
}

/** The lines a SpecError prints for a spec (the CLI prints exactly these); fails when the spec is accepted. */
export function problemsOf(spec: unknown, file = 'monitoring/vigil.config.ts'): string[] {
  try {
    buildModel(spec, file);
  } catch (error) {
    expect(error).toBeInstanceOf(SpecError);
    return (error as SpecError).message.split('\n');
  }
  throw new Error(`expected the spec to be rejected: ${JSON.stringify(spec).slice(0, 200)}`);
}
