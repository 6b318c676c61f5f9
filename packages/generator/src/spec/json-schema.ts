/**
 * The spec as a JSON Schema (draft 2020-12), generated from the zod schema so the two cannot
 * disagree. Shipped as schema/vigil.schema.json for editors (`# yaml-language-server: $schema=`);
 * test/json-schema.test.ts keeps the committed file equal to this.
 */
import { z } from 'zod';
import { monitoringSpecSchema } from './schema.js';

export const jsonSchemaFile = 'schema/vigil.schema.json';

export function specJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(monitoringSpecSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return {
    ...schema,
    title: 'Vigil monitoring spec',
    description: 'One spec for Prometheus rules, Alertmanager routing, Grafana dashboards and the monitoring stack. See @vigil/generator.',
  };
}

/** The exact bytes of schema/vigil.schema.json. */
export function specJsonSchemaText(): string {
  return `${JSON.stringify(specJsonSchema(), null, 2)}\n`;
}
