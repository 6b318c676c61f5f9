/**
 * Runbooks: `alerts/README.md` (index of every alert and recording rule) and one page per
 * alert in `alerts/runbooks/<AlertName>.md`, the page its runbook_url points to.
 */
import type { GeneratedFile, Model } from '../model/types.js';
import { serviceDefaults, pipelineDefaults } from '../model/defaults.js';
import { allAlertDefinitions, alertRules, alertTestPath, ruleFiles } from './generator.js';
import { sloParameterDocs, sloRecordingIndex } from '../slo/runbook.js';
import { recordingRuleExpressions, type RecordingRuleName } from './recording.js';
import { scopeRule } from './scope.js';
import type { AlertDefinition } from './types.js';

export const runbookPath = (alertName: string): string => `alerts/runbooks/${alertName}.md`;

interface ParameterDoc {
  readonly specPath: string;
  readonly defaultValue: string;
  readonly meaning: string;
}

const d = serviceDefaults.alerts;
const p = pipelineDefaults;

/** Every threshold and duration an alert reads, where the spec sets it, and its default. */
const parameterDocs: Readonly<Record<string, readonly ParameterDoc[]>> = {
  ServiceDown: [
    {
      specPath: 'services[].alerts.serviceDown.for',
      defaultValue: d.serviceDown.for,
      meaning: `how long a target must stay down; never less than ${d.serviceDown.toleratedFailedScrapes} scrape intervals, so ${d.serviceDown.toleratedFailedScrapes} failed scrapes in a row never page`,
    },
  ],
  ServiceRestarting: [
    { specPath: 'services[].alerts.serviceRestarting.restarts', defaultValue: String(d.serviceRestarting.restarts), meaning: `restarts of one instance, or of one cluster worker slot, within ${d.serviceRestarting.window} (fleet-wide window) from which it fires` },
    { specPath: 'services[].alerts.serviceRestarting.for', defaultValue: d.serviceRestarting.for, meaning: 'how long the count must stay at or above it' },
  ],
  ServiceRestartingPersistently: [
    {
      specPath: 'services[].alerts.serviceRestarting.persistentRestarts',
      defaultValue: String(d.serviceRestarting.persistentRestarts),
      meaning: `restarts of one instance, or of one cluster worker slot, within ${d.serviceRestarting.persistentWindow} (fleet-wide window) from which it pages`,
    },
    { specPath: 'services[].alerts.serviceRestarting.for', defaultValue: d.serviceRestarting.for, meaning: 'how long the count must stay at or above it' },
  ],
  PipelineNoItemsCreated: [
    { specPath: 'pipelines[].zeroItemsWindow', defaultValue: p.zeroItemsWindow, meaning: 'how long without any item before it fires' },
  ],
  PipelineValidationErrorsHigh: [
    { specPath: 'pipelines[].validationErrorCeiling', defaultValue: String(p.validationErrorCeiling), meaning: 'validation errors per created item (5m rates) above which it fires' },
    { specPath: 'pipelines[].alerts.validationErrorsHigh.for', defaultValue: p.validationErrorsHighFor, meaning: 'how long the ratio must stay above the ceiling' },
  ],
  HighErrorRate: [
    { specPath: 'services[].alerts.highErrorRate.ratio', defaultValue: String(d.highErrorRate.ratio), meaning: 'share of requests answered 5xx (5m) above which it fires' },
    { specPath: 'services[].alerts.highErrorRate.for', defaultValue: d.highErrorRate.for, meaning: 'how long the share must stay above the threshold' },
  ],
  UnhandledErrorsBurst: [
    { specPath: 'services[].alerts.unhandledErrorsBurst.count', defaultValue: String(d.unhandledErrorsBurst.count), meaning: 'unhandled errors per window above which the burst counts' },
    { specPath: 'services[].alerts.unhandledErrorsBurst.window', defaultValue: d.unhandledErrorsBurst.window, meaning: 'the window errors are counted over' },
    { specPath: 'services[].alerts.unhandledErrorsBurst.for', defaultValue: d.unhandledErrorsBurst.for, meaning: 'how long the burst must keep up' },
  ],
  DependencyDown: [{ specPath: 'services[].alerts.dependencyDown.for', defaultValue: d.dependencyDown.for, meaning: 'how long a critical check must keep failing' }],
  PipelineItemRateLow: [
    { specPath: 'pipelines[].expectedItemsPerDay', defaultValue: 'none (no alert)', meaning: 'expected volume; bursty pipelines leave it out and get no rate alert' },
    { specPath: 'pipelines[].rateFloorRatio', defaultValue: String(p.rateFloorRatio), meaning: 'share of the expected rate (1h) under which it fires' },
    { specPath: 'pipelines[].alerts.itemRateLow.for', defaultValue: p.itemRateLowFor, meaning: 'how long the rate must stay under the floor' },
  ],
  PipelineFieldCoverageDrop: [
    { specPath: 'pipelines[].requiredFields', defaultValue: 'none (no alert)', meaning: 'fields every item should carry' },
    { specPath: 'pipelines[].coverageFloor', defaultValue: String(p.coverageFloor), meaning: 'share of items (1h) carrying the field under which it fires' },
    { specPath: 'pipelines[].alerts.fieldCoverageDrop.for', defaultValue: p.fieldCoverageDropFor, meaning: 'how long coverage must stay under the floor' },
  ],
  HighLatencyP95: [
    { specPath: 'services[].alerts.highLatencyP95.seconds', defaultValue: String(d.highLatencyP95.seconds), meaning: 'p95 latency (5m) in seconds above which it fires; below the largest bucket (10s)' },
    { specPath: 'services[].alerts.highLatencyP95.for', defaultValue: d.highLatencyP95.for, meaning: 'how long p95 must stay above the threshold' },
  ],
  MemoryHigh: [
    { specPath: 'services[].alerts.memoryHigh.ratio', defaultValue: String(d.memoryHigh.ratio), meaning: 'share of the container memory limit above which it fires' },
    { specPath: 'services[].alerts.memoryHigh.for', defaultValue: d.memoryHigh.for, meaning: 'how long memory must stay above the threshold' },
  ],
  CPUHigh: [
    { specPath: 'services[].alerts.cpuHigh.ratio', defaultValue: String(d.cpuHigh.ratio), meaning: 'share of the CPU quota (or one core) above which it fires' },
    { specPath: 'services[].alerts.cpuHigh.for', defaultValue: d.cpuHigh.for, meaning: 'how long CPU must stay above the threshold' },
  ],
  EventLoopLagHigh: [
    { specPath: 'services[].alerts.eventLoopLagHigh.seconds', defaultValue: String(d.eventLoopLagHigh.seconds), meaning: 'event-loop lag p99 in seconds above which it fires' },
    { specPath: 'services[].alerts.eventLoopLagHigh.for', defaultValue: d.eventLoopLagHigh.for, meaning: 'how long the lag must stay above the threshold' },
  ],
};

const recordedNamePattern = /\b[a-z_]+:[a-z0-9_]+:[a-z0-9_]+\b/g;

function recordedSeriesUsed(expressions: readonly string[]): RecordingRuleName[] {
  const used = new Set<RecordingRuleName>();
  const pending = expressions.flatMap((expr) => expr.match(recordedNamePattern) ?? []);
  while (pending.length > 0) {
    const name = pending.pop()! as RecordingRuleName;
    if (used.has(name) || !(name in recordingRuleExpressions)) continue;
    used.add(name);
    pending.push(...(recordingRuleExpressions[name].match(recordedNamePattern) ?? []));
  }
  return [...used].sort();
}

function runbookPage(model: Model, definition: AlertDefinition): string {
  // The page shows the rule as Prometheus loads it: scoped to the spec's selectorLabels.
  const rules = alertRules(model, definition).map((rule) => scopeRule(rule, model.selectorLabels ?? {}));
  const example = rules[0];
  const tierFile = ruleFiles[definition.priority];
  const lines = [
    `# ${definition.name}`,
    '',
    // An alert rendered without a priority label (the Watchdog) reaches no team route.
    example !== undefined && example.labels.priority === undefined
      ? 'No priority · reaches no team: Alertmanager sends it only to its own receiver'
      : `**${definition.priority}** · severity \`${definition.severity}\` · ${definition.priority === 'P1' ? 'pages the owning team' : 'opens a ticket for the owning team'}`,
    '',
    '## What it means',
    '',
    definition.runbook.meaning,
    '',
    '## The PromQL',
    '',
  ];
  if (example === undefined) {
    lines.push('The current spec renders no rule for this alert.', '');
  } else {
    const instances = rules.length === 1 ? 'one rule' : `${rules.length} rules`;
    const target = example.labels.pipeline ?? example.labels.service;
    lines.push(
      target === undefined
        ? `One rule for the whole fleet, in \`${tierFile}\` (group \`${definition.name}\`); the series it reads carry each target's labels:`
        : `Rendered per ${example.labels.pipeline !== undefined ? 'pipeline' : 'service'} into \`${tierFile}\` (group \`${definition.name}\`, ${instances}). For \`${example.labels.pipeline ?? example.labels.service}\`:`,
      '',
      '```promql',
      example.expr,
      '```',
      '',
      example.for === undefined ? 'It fires as soon as the expression returns a series (the window is in the expression).' : `It fires after the expression has returned the series for \`${example.for}\`.`,
      '',
    );
    const recorded = recordedSeriesUsed(rules.slice(0, 2).map((rule) => rule.expr));
    if (recorded.length > 0) {
      lines.push('Recorded series it reads (`alerts/recording-rules.yml`):', '');
      for (const name of recorded) lines.push(`- \`${name}\` = \`${recordingRuleExpressions[name]}\``);
      lines.push('');
    }
  }
  const parameters = parameterDocs[definition.name] ?? sloParameterDocs[definition.name] ?? [];
  if (parameters.length > 0) {
    lines.push('## Parameters', '', '| Spec field | Default | Meaning |', '| --- | --- | --- |');
    for (const parameter of parameters) lines.push(`| \`${parameter.specPath}\` | \`${parameter.defaultValue}\` | ${parameter.meaning} |`);
    lines.push('');
  }
  lines.push('## Likely causes', '');
  for (const cause of definition.runbook.causes) lines.push(`- ${cause}`);
  lines.push('', '## First three things to check', '');
  definition.runbook.firstChecks.forEach((check, index) => lines.push(`${index + 1}. ${check}`));
  lines.push(
    '',
    '## Tests',
    '',
    `\`${alertTestPath(definition.name)}\` (run by \`promtool test rules\`) shows a series that must fire it at an exact time and a healthy one, with a restart and a scrape gap, that must not.`,
  );
  return `${lines.join('\n')}\n`;
}

function indexPage(model: Model, definitions: readonly AlertDefinition[]): string {
  const lines = [
    '# Alerts',
    '',
    `Rendered by \`pnpm generate\` from \`${model.source}\`. Alert names are a contract: routing, dashboards and runbook links depend on them.`,
    '',
    'Every alert carries the labels `severity`, `priority`, `team` and `service` (pipeline alerts also `pipeline`), and the annotations `summary`, `description` (with the current value) and `runbook_url`.',
    '',
    '| Alert | Priority | Severity | Meaning | Rules |',
    '| --- | --- | --- | --- | --- |',
  ];
  for (const definition of definitions) {
    lines.push(
      `| [${definition.name}](runbooks/${definition.name}.md) | ${definition.priority} | ${definition.severity} | ${definition.title} | ${alertRules(model, definition).length} |`,
    );
  }
  lines.push(
    '',
    '## Files',
    '',
    `- \`${ruleFiles.recording}\`: recording rules; every ratio and quantile is computed once there.`,
    `- \`${ruleFiles.P1}\`: P1 alerts (page), one group per alert.`,
    `- \`${ruleFiles.P2}\`: P2 alerts (ticket), one group per alert.`,
    '- `alerts/tests/<Alert>.yml`: promtool unit tests, one file per alert.',
    '- `alerts/runbooks/<Alert>.md`: one runbook per alert.',
    '',
    '## Recording rules',
    '',
    '| Series | Expression |',
    '| --- | --- |',
  );
  for (const [name, expr] of Object.entries(recordingRuleExpressions)) lines.push(`| \`${name}\` | \`${expr.replace(/\|/g, '\\|')}\` |`);
  lines.push(...sloRecordingIndex(model));
  return `${lines.join('\n')}\n`;
}

export function runbooksGenerator(model: Model, definitions: readonly AlertDefinition[] = allAlertDefinitions): GeneratedFile[] {
  return [
    { path: 'alerts/README.md', format: 'text', data: indexPage(model, definitions) },
    ...definitions.map((definition): GeneratedFile => ({ path: runbookPath(definition.name), format: 'text', data: runbookPage(model, definition) })),
  ];
}
