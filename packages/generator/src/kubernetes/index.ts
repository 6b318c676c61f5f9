/**
 * Kubernetes outputs (spec `kubernetes`), for clusters run by the prometheus-operator, typed and
 * validated with @kubernetes-models: a `PrometheusRule` per rule file, a `ServiceMonitor` per
 * service, the routing as an `AlertmanagerConfig`, every dashboard as a ConfigMap for Grafana's
 * sidecar, and an Argo Rollouts `AnalysisTemplate` per API service. Each is built from what the
 * plain generators render for the same model, so the rules and routing cannot drift apart.
 */
import { PrometheusRule } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule';
import { ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { dashboardsGenerator } from '../dashboards/index.js';
import type { GeneratedFile, Model, ServiceModel } from '../model/types.js';
import { modelRuleFiles, ruleFileOrder } from '../rules/generator.js';
import { renderFile } from '../writer.js';
import { alertmanagerConfigResource } from './alertmanager-config.js';
import { analysisTemplateResource } from './analysis-template.js';
import type { KubernetesSettings } from './settings.js';

export const kubernetesDirectory = 'kubernetes';
const baseName = (path: string): string => path.slice(path.lastIndexOf('/') + 1).replace(/\.(ya?ml|json)$/, '');

function metadata(settings: KubernetesSettings, name: string, extraLabels: Readonly<Record<string, string>> = {}) {
  return { name, namespace: settings.namespace, labels: { ...settings.labels, ...extraLabels } };
}

function prometheusRules(model: Model, settings: KubernetesSettings): GeneratedFile[] {
  const ruleFiles = new Set<string>(ruleFileOrder);
  return modelRuleFiles(model)
    .filter((file) => ruleFiles.has(file.path))
    .map((file) => {
      const name = `vigil-${baseName(file.path)}`;
      const resource = new PrometheusRule({ metadata: metadata(settings, name), spec: file.data as PrometheusRule['spec'] });
      resource.validate();
      return { path: `${kubernetesDirectory}/prometheus-rules/${name}.yaml`, format: 'yaml' as const, data: resource.toJSON() };
    });
}

function serviceMonitor(service: ServiceModel, settings: KubernetesSettings, selectorLabels: Readonly<Record<string, string>>): GeneratedFile {
  const resource = new ServiceMonitor({
    metadata: metadata(settings, service.name),
    spec: {
      selector: { matchLabels: { [settings.serviceSelectorLabel]: service.name } },
      endpoints: [
        {
          port: settings.metricsPort,
          path: service.metricsPath,
          interval: service.scrapeInterval,
          // The rules select by job: make it the spec's job, whatever the Kubernetes Service is called.
          // The spec's selectorLabels go on every scraped series, as the generated scrape configs do,
          // so the scoped rules and panels find them.
          relabelings: [
            { action: 'replace', targetLabel: 'job', replacement: service.job },
            ...Object.entries(selectorLabels).map(([label, value]) => ({ action: 'replace' as const, targetLabel: label, replacement: value })),
          ],
        },
      ],
    },
  });
  resource.validate();
  return { path: `${kubernetesDirectory}/service-monitors/${service.name}.yaml`, format: 'yaml', data: resource.toJSON() };
}

function dashboardConfigMaps(model: Model, settings: KubernetesSettings): GeneratedFile[] {
  return dashboardsGenerator(model).map((file) => {
    const name = `vigil-dashboard-${baseName(file.path)}`;
    const resource = new ConfigMap({
      metadata: metadata(settings, name, { [settings.dashboardLabel.name]: settings.dashboardLabel.value }),
      data: { [`${baseName(file.path)}.json`]: renderFile(file, model.source) },
    });
    resource.validate();
    return { path: `${kubernetesDirectory}/dashboards/${name}.yaml`, format: 'yaml' as const, data: resource.toJSON() };
  });
}

export function kubernetesGenerator(model: Model): GeneratedFile[] {
  const settings = model.kubernetes;
  if (settings === undefined) return [];
  return [
    ...prometheusRules(model, settings),
    ...model.services.map((service) => serviceMonitor(service, settings, model.selectorLabels ?? {})),
    { path: `${kubernetesDirectory}/alertmanager-config.yaml`, format: 'yaml', data: alertmanagerConfigResource(model, settings) },
    ...dashboardConfigMaps(model, settings),
    ...model.services
      .filter((service) => service.kind === 'api')
      .map((service): GeneratedFile => ({
        path: `${kubernetesDirectory}/argo/${service.name}-analysis-template.yaml`,
        format: 'yaml',
        data: analysisTemplateResource(service, settings, model.selectorLabels),
      })),
  ];
}
