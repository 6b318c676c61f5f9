import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

/** Every PromQL expression of every panel (nested rows included) of a Grafana dashboard JSON. */
export function panelExpressions(dashboard: unknown): { readonly panel: string; readonly expr: string }[] {
  const found: { panel: string; expr: string }[] = [];
  const visit = (panels: unknown): void => {
    if (!Array.isArray(panels)) return;
    for (const panel of panels as { title?: string; targets?: { expr?: string }[]; panels?: unknown }[]) {
      for (const target of panel.targets ?? []) {
        if (typeof target.expr === 'string' && target.expr.trim() !== '') found.push({ panel: panel.title ?? '(untitled)', expr: target.expr });
      }
      visit(panel.panels);
    }
  };
  const root = dashboard as { panels?: unknown; dashboard?: { panels?: unknown } };
  visit(root.panels ?? root.dashboard?.panels);
  return found;
}

/** `record` name -> `expr` of every recording rule in the given rule files. */
export function recordingRules(ruleFiles: readonly string[]): Map<string, string> {
  const rules = new Map<string, string>();
  for (const file of ruleFiles) {
    const parsed = parse(readFileSync(file, 'utf8')) as { groups?: { rules?: { record?: string; expr?: string }[] }[] } | null;
    for (const group of parsed?.groups ?? []) {
      for (const rule of group.rules ?? []) if (rule.record && rule.expr) rules.set(rule.record, rule.expr);
    }
  }
  return rules;
}

/** The expression with every recording rule it reads replaced by that rule's expression, recursively. */
export function expandRecordingRules(expr: string, rules: ReadonlyMap<string, string>, depth = 0): string {
  if (depth > 10) return expr;
  let expanded = expr;
  for (const [name, definition] of rules) {
    if (expanded.includes(name)) expanded = expanded.split(name).join(`(${expandRecordingRules(definition, rules, depth + 1)})`);
  }
  return expanded;
}
