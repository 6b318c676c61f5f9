import type { Generator } from '../model/types.js';
import { agentConfigGenerator } from '../prometheus/agent.js';
import { prometheusConfigGenerator } from '../prometheus/config.js';
import { modelRuleFiles } from '../rules/generator.js';
import { extraRulesGenerator } from '../rules/extra-rules.js';
import { runbooksGenerator } from '../rules/runbooks.js';
import { alertmanagerGenerator } from '../alertmanager/index.js';
import { composeGenerator, localImagesGenerator } from '../compose/index.js';
import { dashboardsGenerator } from '../dashboards/index.js';
import { grafanaProvisioningGenerator } from '../grafana/provisioning.js';
import { kubernetesGenerator } from '../kubernetes/index.js';
import { rulerGenerator } from '../ruler/index.js';

/**
 * Every generator `pnpm generate` runs, in output order. Each is a pure function from the
 * model to plain objects; the writer (src/writer.ts) is the only code that writes files.
 */
export const generators: readonly Generator[] = [
  modelRuleFiles,
  extraRulesGenerator,
  runbooksGenerator,
  prometheusConfigGenerator,
  agentConfigGenerator,
  dashboardsGenerator,
  grafanaProvisioningGenerator,
  alertmanagerGenerator,
  composeGenerator,
  localImagesGenerator,
  kubernetesGenerator,
  rulerGenerator,
];
