/**
 * `extraRules`: a team's own alerting and recording rules, rendered through the same pipeline as
 * Vigil's (labels, routing, runbook link, PromQL and metric-name checks, promtool tests).
 */
import { z } from 'zod';
import { isDuration } from './duration.js';

// Own copies of two field types of schema.ts, which imports this module (no import cycle).
const durationSchema = z.string({ error: 'expected a duration like "5m"' }).refine(isDuration, { error: 'expected a duration like "5m"' });
const nameSchema = z.string({ error: 'expected a name of lower-case letters, digits, "-" or "_"' }).regex(/^[a-z][a-z0-9_-]*$/, {
  error: 'expected a name of lower-case letters, digits, "-" or "_", starting with a letter',
});

const alertNameMessage = 'expected an alert name in PascalCase, e.g. "PaymentFailuresHigh"';
const recordNameMessage = 'expected a recording rule name like "level:metric:operation"';
const metricNameMessage = 'expected a Prometheus metric name';
const exprMessage = 'expected a PromQL expression';
const textMessage = 'expected a non-empty text';

const labelsSchema = z.record(z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, { error: 'expected a Prometheus label name' }), z.string());

export const extraAlertSchema = z.strictObject({
  alert: z.string({ error: alertNameMessage }).regex(/^[A-Z][A-Za-z0-9]*$/, { error: alertNameMessage }),
  expr: z.string({ error: exprMessage }).min(1, { error: exprMessage }),
  for: durationSchema.optional(),
  /** P1 pages (severity critical), P2 opens a ticket (severity warning). */
  priority: z.enum(['P1', 'P2'], { error: 'expected "P1" or "P2"' }),
  /** The service the alert is about; its team owns the alert unless `team` is given. */
  service: nameSchema,
  team: nameSchema.optional(),
  summary: z.string({ error: textMessage }).min(1, { error: textMessage }),
  description: z.string({ error: textMessage }).min(1, { error: textMessage }),
  /** More labels; `severity`, `priority`, `team` and `service` are Vigil's. */
  labels: labelsSchema.optional(),
});

export const extraRecordingSchema = z.strictObject({
  record: z.string({ error: recordNameMessage }).regex(/^[a-zA-Z_][a-zA-Z0-9_]*(:[a-zA-Z0-9_]+)+$/, { error: recordNameMessage }),
  expr: z.string({ error: exprMessage }).min(1, { error: exprMessage }),
  labels: labelsSchema.optional(),
});

/** One promtool unit test (promtool's own format, keys as promtool spells them). */
export const extraRuleTestSchema = z.strictObject({
  name: z.string().optional(),
  interval: durationSchema.optional(),
  input_series: z.array(z.strictObject({ series: z.string(), values: z.string() })).min(1, { error: 'expected at least one input series' }),
  alert_rule_test: z
    .array(
      z.strictObject({
        eval_time: durationSchema,
        alertname: z.string(),
        exp_alerts: z.array(z.strictObject({ exp_labels: labelsSchema.optional(), exp_annotations: labelsSchema.optional() })),
      }),
    )
    .optional(),
  promql_expr_test: z
    .array(
      z.strictObject({
        expr: z.string(),
        eval_time: durationSchema,
        exp_samples: z.array(z.strictObject({ labels: z.string().optional(), value: z.number() })),
      }),
    )
    .optional(),
});

export const extraRulesSchema = z.strictObject({
  /** Metric names of the team's own instrumentation that expressions may read (beyond Vigil's catalog and exporters). */
  metrics: z.array(z.string({ error: metricNameMessage }).regex(/^[a-zA-Z_:][a-zA-Z0-9_:]*$/, { error: metricNameMessage })).optional(),
  recording: z.array(extraRecordingSchema).optional(),
  alerts: z.array(extraAlertSchema).optional(),
  /** promtool unit tests run against Vigil's rules and these. */
  tests: z.array(extraRuleTestSchema).optional(),
});

export type ExtraRulesSpec = z.input<typeof extraRulesSchema>;
