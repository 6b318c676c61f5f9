/**
 * Runbook links. The spec gives one URL template with an `{alert}` placeholder (schema-checked
 * to appear exactly once); rules, dashboards and dashboard lint all go through these two
 * functions so a link and its parsing can never disagree on the URL shape.
 */
import type { Model } from './types.js';

export const runbookAlertPlaceholder = '{alert}';

/** The runbook URL of `alertName`: the spec's template with `{alert}` filled in. */
export function runbookUrl(model: Pick<Model, 'runbookUrlTemplate'>, alertName: string): string {
  return model.runbookUrlTemplate.replace(runbookAlertPlaceholder, () => alertName);
}

/**
 * The alert name a URL fills the template with, or undefined when the URL does not have the
 * template's shape (a link to something other than a runbook).
 */
export function runbookAlertName(model: Pick<Model, 'runbookUrlTemplate'>, url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  const at = model.runbookUrlTemplate.indexOf(runbookAlertPlaceholder);
  const prefix = model.runbookUrlTemplate.slice(0, at);
  const suffix = model.runbookUrlTemplate.slice(at + runbookAlertPlaceholder.length);
  if (url.length <= prefix.length + suffix.length || !url.startsWith(prefix) || !url.endsWith(suffix)) return undefined;
  const name = url.slice(prefix.length, url.length - suffix.length);
  return /^[A-Za-z0-9_]+$/.test(name) ? name : undefined;
}
