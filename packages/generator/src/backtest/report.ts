/**
 * The backtest report: one table row per scenario, the totals (false pages and tickets,
 * missed incidents, detection times per alert kind) and a text timeline per scenario.
 */
import { clock, firingSeconds, formatSpan, type ScenarioResult } from './evaluate.js';

export interface SkippedScenario {
  readonly name: string;
  readonly reason: string;
}

export interface DetectionStats {
  readonly alert: string;
  readonly count: number;
  readonly medianSeconds: number;
  readonly worstSeconds: number;
}

export interface BacktestTotals {
  readonly scenarios: number;
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
  readonly falsePages: number;
  readonly falseTickets: number;
  /** Required alerts that never fired. */
  readonly missed: number;
  /** Required alerts that fired after their deadline. */
  readonly late: number;
  /** Required alerts that stopped firing while the fault lasted. */
  readonly notSustained: number;
  readonly detection: readonly DetectionStats[];
}

export function totals(results: readonly ScenarioResult[], skipped: readonly SkippedScenario[]): BacktestTotals {
  const detections = new Map<string, number[]>();
  for (const result of results) {
    for (const required of result.required) {
      if (required.detectedAfter === undefined) continue;
      detections.set(required.alert, [...(detections.get(required.alert) ?? []), required.detectedAfter]);
    }
  }
  const count = (verdict: string): number => results.reduce((sum, result) => sum + result.required.filter((required) => required.verdict === verdict).length, 0);
  return {
    scenarios: results.length,
    passed: results.filter((result) => result.passed).length,
    failed: results.filter((result) => !result.passed).length,
    skipped: skipped.length,
    falsePages: results.reduce((sum, result) => sum + result.falsePages, 0),
    falseTickets: results.reduce((sum, result) => sum + result.falseTickets, 0),
    missed: count('missed'),
    late: count('late'),
    notSustained: count('not sustained'),
    detection: [...detections]
      .map(([alert, times]) => {
        const sorted = [...times].sort((a, b) => a - b);
        const middle = Math.floor(sorted.length / 2);
        const median = sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
        return { alert, count: sorted.length, medianSeconds: median, worstSeconds: sorted.at(-1)! };
      })
      .sort((a, b) => (a.alert < b.alert ? -1 : 1)),
  };
}

const cell = (text: string): string => text.replace(/\|/g, '\\|');

function firedCell(result: ScenarioResult, stepSeconds: number): string {
  if (result.fired.length === 0) return 'none';
  return result.fired
    .map((alert) => {
      const mark = alert.allowed ? '' : alert.priority === 'P1' ? ' **false page**' : ' **false ticket**';
      const faultAt = result.expectation.faultAt;
      const first = alert.episodes[0]!.from;
      const when = faultAt === undefined ? `at ${clock(first)}` : first >= faultAt ? `T+${formatSpan(first - faultAt)}` : `T-${formatSpan(faultAt - first)}`;
      return `${alert.alert} ${alert.priority} {${alert.target}}: ${when}, ${formatSpan(firingSeconds(alert, stepSeconds))}, ${alert.episodes.length} ep.${mark}`;
    })
    .join('<br>');
}

function requiredCell(result: ScenarioResult): string {
  if (result.required.length === 0) return '-';
  return result.required
    .map((required) => {
      const after = required.detectedAfter === undefined ? 'never' : formatSpan(required.detectedAfter);
      return `${required.alert}: ${after} (≤ ${formatSpan(required.withinSeconds)}) ${required.verdict === 'detected' ? 'ok' : `**${required.verdict}**`}`;
    })
    .join('<br>');
}

export function resultTable(results: readonly ScenarioResult[], stepSeconds: number): string {
  const lines = [
    '| scenario | class | length | fault | required: detection (deadline) | alerts fired: first fire, time firing, episodes | false P1 | false P2 | verdict |',
    '|---|---|---|---|---|---|---|---|---|',
  ];
  for (const result of results) {
    const expectation = result.expectation;
    const fault = expectation.faultAt === undefined ? '-' : `${expectation.fault ?? 'fault'} at ${clock(expectation.faultAt)}`;
    lines.push(
      `| ${result.scenario.name} | ${result.scenario.kind} | ${formatSpan(result.horizon - result.start)} | ${cell(fault)} | ${cell(requiredCell(result))} | ${cell(firedCell(result, stepSeconds))} | ${result.falsePages} | ${result.falseTickets} | ${result.passed ? 'pass' : '**FAIL**'} |`,
    );
  }
  return lines.join('\n');
}

export function totalsTable(summary: BacktestTotals): string {
  const lines = [
    `| scenarios run | passed | failed | skipped | false pages | false tickets | missed | late | not sustained |`,
    '|---|---|---|---|---|---|---|---|---|',
    `| ${summary.scenarios} | ${summary.passed} | ${summary.failed} | ${summary.skipped} | ${summary.falsePages} | ${summary.falseTickets} | ${summary.missed} | ${summary.late} | ${summary.notSustained} |`,
    '',
    '| alert kind | incidents detected | median detection | worst detection |',
    '|---|---|---|---|',
    ...summary.detection.map((stats) => `| ${stats.alert} | ${stats.count} | ${formatSpan(stats.medianSeconds)} | ${formatSpan(stats.worstSeconds)} |`),
  ];
  return lines.join('\n');
}

const timelineWidth = 96;

/** One row per fired alert: `█` while firing, `░` for the fault window, axis marks every 6 hours or day. */
export function timeline(result: ScenarioResult, stepSeconds: number): string {
  const span = result.horizon - result.start;
  const column = (t: number): number => Math.min(timelineWidth - 1, Math.max(0, Math.floor(((t - result.start) / span) * timelineWidth)));
  const rows: [string, string][] = [];
  const blank = (): string[] => new Array<string>(timelineWidth).fill('·');
  const { faultAt, faultEnd } = result.expectation;
  if (faultAt !== undefined) {
    const row = blank();
    for (let c = column(faultAt); c <= column(faultEnd ?? result.horizon); c++) row[c] = '░';
    rows.push([`fault: ${result.expectation.fault ?? ''}`, row.join('')]);
  }
  for (const alert of result.fired) {
    const row = blank();
    for (const episode of alert.episodes) for (let c = column(episode.from); c <= column(episode.to + stepSeconds - 1); c++) row[c] = '█';
    const mark = alert.allowed ? '' : ' ✗';
    rows.push([`${alert.alert} ${alert.priority} ${alert.target}${mark}`, row.join('')]);
  }
  if (rows.length === 0) rows.push(['(nothing fired)', blank().join('')]);
  const tick = span > 2 * 86_400 ? 86_400 : span > 12 * 3600 ? 6 * 3600 : 3600;
  const axis = new Array<string>(timelineWidth).fill(' ');
  const labels = new Array<string>(timelineWidth + 12).fill(' ');
  for (let t = Math.ceil(result.start / tick) * tick; t < result.horizon; t += tick) {
    const c = column(t);
    axis[c] = '|';
    const text = tick === 86_400 ? clock(t).slice(0, 3) : clock(t).slice(4);
    for (let i = 0; i < text.length && c + i < labels.length; i++) labels[c + i] = text[i]!;
  }
  const width = Math.max(...rows.map(([label]) => label.length));
  const pad = (text: string): string => text.padEnd(width);
  return [...rows.map(([label, row]) => `${pad(label)} ${row}`), `${pad('')} ${axis.join('')}`, `${pad('')} ${labels.join('').trimEnd()}`].join('\n');
}

export function markdownReport(input: {
  readonly source: string;
  readonly results: readonly ScenarioResult[];
  readonly skipped: readonly SkippedScenario[];
  readonly summary: BacktestTotals;
  readonly stepSeconds: number;
  readonly set: string;
}): string {
  const { results, skipped, summary, stepSeconds } = input;
  const out = [
    `# Vigil backtest: ${input.set} set on ${input.source}`,
    '',
    `Each scenario simulates its series (${stepSeconds}s samples, seeded), runs them through \`promtool test rules\` against the rules rendered from the spec, and reads \`ALERTS{alertstate="firing"}\` at every step. T is the fault time; "ep." counts firing episodes.`,
    '',
    '## Totals',
    '',
    totalsTable(summary),
    '',
    '## Scenarios',
    '',
    resultTable(results, stepSeconds),
    '',
  ];
  if (skipped.length > 0) {
    out.push('Not run:', '', ...skipped.map((entry) => `- ${entry.name}: ${entry.reason}`), '');
  }
  const failures = results.filter((result) => !result.passed);
  if (failures.length > 0) {
    out.push('## Broken expectations', '');
    for (const result of failures) for (const problem of result.problems) out.push(`- ${result.scenario.name}: ${problem}`);
    out.push('');
  }
  out.push('## Timelines', '');
  for (const result of results) {
    out.push(`### ${result.scenario.name} (${result.passed ? 'pass' : 'FAIL'})`, '', result.scenario.summary + '.', '', '```text', timeline(result, stepSeconds), '```', '');
  }
  return out.join('\n');
}
