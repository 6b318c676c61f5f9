import type { Duration, Priority, Severity } from '../model/types.js';

export interface RecordingRule {
  readonly record: string;
  readonly expr: string;
  /** Labels added to the recorded series (constant parameter and info series). */
  readonly labels?: Readonly<Record<string, string>>;
}

export interface AlertingRule {
  readonly alert: string;
  readonly expr: string;
  readonly for?: Duration;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: { readonly summary: string; readonly description: string; readonly runbook_url: string };
}

export interface RuleGroup {
  readonly name: string;
  /** Evaluation interval when it differs from the global one (slow groups for long windows). */
  readonly interval?: Duration;
  readonly rules: readonly (RecordingRule | AlertingRule)[];
}

/** One promtool unit test (a `tests[]` entry of a promtool test file). */
export interface PromtoolTest {
  readonly name: string;
  readonly interval: Duration;
  readonly input_series: readonly { readonly series: string; readonly values: string }[];
  readonly alert_rule_test: readonly {
    readonly eval_time: Duration;
    readonly alertname: string;
    readonly exp_alerts: readonly {
      readonly exp_labels: Readonly<Record<string, string>>;
      readonly exp_annotations: Readonly<Record<string, string>>;
    }[];
  }[];
}

/** What a runbook page says about an alert besides its PromQL. */
export interface RunbookText {
  readonly meaning: string;
  readonly causes: readonly string[];
  /** The first three things to check, in order. */
  readonly firstChecks: readonly [string, string, string];
}

/** An alert: its rules for the whole model, its promtool tests and its runbook text. */
export interface AlertDefinition {
  readonly name: string;
  readonly priority: Priority;
  readonly severity: Severity;
  /** One line for the runbook index. */
  readonly title: string;
  readonly runbook: RunbookText;
  readonly rules: (model: import('../model/types.js').Model) => AlertingRule[];
  /** Tests for one representative instance (a service or pipeline) of the alert; empty when the model has none. */
  readonly tests: (model: import('../model/types.js').Model) => PromtoolTest[];
  /**
   * Per-target parameters the rules read as `vigil:alert_threshold` series (rules/parameters.ts).
   * Their overrides are recorded once in the parameter groups; alerts without any leave it out.
   */
  readonly parameters?: (model: import('../model/types.js').Model) => import('./parameters.js').ParameterValues[];
  /** Recording rules this alert's condition reads that depend on the model; rendered in a group `vigil-<alert>`. */
  readonly recordingRules?: (model: import('../model/types.js').Model) => RecordingRule[];
}
