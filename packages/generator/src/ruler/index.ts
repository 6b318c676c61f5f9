/**
 * Rule files for a Mimir, Cortex or Thanos ruler (spec `ruler`), over the same rules the plain
 * output renders (rules/generator.ts), so the two cannot drift apart. One namespace per rule
 * file (recording, P1 page, P2 ticket), each group already cut to `rulerLimits.rulesPerGroup`:
 * - `ruler/mimir/<namespace>.yml`: `namespace:` and `groups:`, the layout `mimirtool rules load`
 *   (and `cortextool rules load`) read; the tenant is mimirtool's `--id`;
 * - `ruler/thanos/<namespace>.yml`: plain Prometheus rule files for `thanos rule --rule-file`
 *   (Thanos parses strictly, so no `namespace:` key), which promtool checks as they are.
 * A ruler refuses a tenant past its limits at load time; generation refuses first, naming them.
 */
import type { GeneratedFile, Model } from '../model/types.js';
import { modelRuleFiles, ruleFileOrder, RulerLimitError } from '../rules/generator.js';
import type { RuleGroup } from '../rules/types.js';

export const rulerDirectory = 'ruler';

/** `ruler` settings as the model resolves them. */
export interface RulerSettings {
  /** Prefix of every namespace name, e.g. "vigil" gives "vigil-p1-page". */
  readonly namespacePrefix: string;
}

const baseName = (path: string): string => path.slice(path.lastIndexOf('/') + 1).replace(/\.ya?ml$/, '');

export interface RulerNamespace {
  readonly namespace: string;
  readonly groups: readonly RuleGroup[];
}

/** The rule namespaces of a model: one per rule file, in load order (recording rules first). */
export function rulerNamespaces(model: Model, settings: RulerSettings): RulerNamespace[] {
  const byPath = new Map(modelRuleFiles(model).map((file) => [file.path, file]));
  return ruleFileOrder.map((path) => ({
    namespace: `${settings.namespacePrefix}-${baseName(path)}`,
    groups: (byPath.get(path)!.data as { groups: RuleGroup[] }).groups,
  }));
}

/** Whether the namespaces fit the ruler's limits, with a message naming the spec field when not. */
export function checkRulerLimits(model: Model, namespaces: readonly RulerNamespace[]): void {
  const limits = model.rulerLimits;
  if (limits === undefined) return;
  for (const { namespace, groups } of namespaces) {
    const oversized = groups.find((group) => group.rules.length > limits.rulesPerGroup);
    if (oversized !== undefined) {
      throw new RulerLimitError(
        `${model.source}: rulerLimits.rulesPerGroup: group ${oversized.name} of namespace ${namespace} has ${oversized.rules.length} rules, more than the limit of ${limits.rulesPerGroup}`,
      );
    }
  }
  const groupCount = namespaces.reduce((total, entry) => total + entry.groups.length, 0);
  if (groupCount > limits.groupsPerTenant) {
    throw new RulerLimitError(
      `${model.source}: rulerLimits.groupsPerTenant: the ruler output needs ${groupCount} rule groups, more than the limit of ${limits.groupsPerTenant}; raise the ruler's limit (and rulerLimits) or split the spec per tenant`,
    );
  }
}

export function rulerGenerator(model: Model): GeneratedFile[] {
  if (model.ruler === undefined) return [];
  const namespaces = rulerNamespaces(model, model.ruler);
  checkRulerLimits(model, namespaces);
  return namespaces.flatMap(({ namespace, groups }): GeneratedFile[] => [
    { path: `${rulerDirectory}/mimir/${namespace}.yml`, format: 'yaml', data: { namespace, groups } },
    { path: `${rulerDirectory}/thanos/${namespace}.yml`, format: 'yaml', data: { groups } },
  ]);
}
