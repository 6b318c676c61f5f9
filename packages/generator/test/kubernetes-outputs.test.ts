/**
 * Kubernetes outputs: every resource validates against its CRD schema (@kubernetes-models), the
 * PrometheusRules carry exactly the plain rule files' groups, routing secrets are Secret
 * references only, and the dashboards and Argo gates match what the plain outputs render.
 */
import { PrometheusRule } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule';
import { ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor';
import { AlertmanagerConfig } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1alpha1/AlertmanagerConfig';
import { AnalysisTemplate } from '@kubernetes-models/argo-rollouts/argoproj.io/v1alpha1/AnalysisTemplate';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildModel, loadModel, renderFile, SpecError, type GeneratedFile, type Model } from '../src/index.js';
import { dashboardsGenerator } from '../src/dashboards/index.js';
import { kubernetesGenerator } from '../src/kubernetes/index.js';
import { analysePromQL } from '../src/promql/index.js';
import { ruleFileOrder, rulesGenerator } from '../src/rules/generator.js';
import { minimalSpec, specWith } from './spec-fixtures.js';

let model: Model;
let files: GeneratedFile[];
/** Each Kubernetes file as written, parsed back. */
const written = (path: string): Record<string, any> => {
  const file = files.find((candidate) => candidate.path === path);
  if (file === undefined) throw new Error(`${path} was not rendered (rendered: ${files.map((f) => f.path).join(', ')})`);
  return parse(renderFile(file, model.source)) as Record<string, any>;
};

beforeAll(async () => {
  model = await loadModel('monitoring/vigil.config.ts');
  files = kubernetesGenerator(model);
});

describe('Kubernetes outputs of the example spec', () => {
  it('renders a PrometheusRule per rule file, a ServiceMonitor per service, the routing, a ConfigMap per dashboard and an Argo gate per API service', () => {
    const paths = files.map((file) => file.path);
    expect(paths.filter((path) => path.includes('/prometheus-rules/'))).toHaveLength(ruleFileOrder.length);
    expect(paths.filter((path) => path.includes('/service-monitors/'))).toEqual(model.services.map((service) => `kubernetes/service-monitors/${service.name}.yaml`));
    expect(paths).toContain('kubernetes/alertmanager-config.yaml');
    expect(paths.filter((path) => path.includes('/dashboards/'))).toHaveLength(dashboardsGenerator(model).length);
    expect(paths.filter((path) => path.includes('/argo/'))).toEqual(
      model.services.filter((service) => service.kind === 'api').map((service) => `kubernetes/argo/${service.name}-analysis-template.yaml`),
    );
  });

  it('every resource, read back from its file, validates against its schema', () => {
    const models: Record<string, (data: any) => { validate(): void }> = {
      PrometheusRule: (data) => new PrometheusRule(data),
      ServiceMonitor: (data) => new ServiceMonitor(data),
      AlertmanagerConfig: (data) => new AlertmanagerConfig(data),
      ConfigMap: (data) => new ConfigMap(data),
      AnalysisTemplate: (data) => new AnalysisTemplate(data),
    };
    for (const file of files) {
      const data = written(file.path);
      const build = models[data.kind as string];
      expect(build, `${file.path}: kind ${data.kind}`).toBeDefined();
      expect(() => build!(data).validate(), file.path).not.toThrow();
      expect(data.metadata).toMatchObject({ namespace: 'monitoring', labels: { release: 'kube-prometheus-stack' } });
    }
  });

  it('a schema violation is caught by the same validation', () => {
    const broken = written('kubernetes/service-monitors/api.yaml');
    broken.spec.endpoints[0].interval = 'every minute';
    expect(() => new ServiceMonitor(broken as any).validate()).toThrow();
  });

  it('the PrometheusRules hold exactly the groups of the plain rule files', () => {
    const plain = rulesGenerator(model).filter((file) => (ruleFileOrder as readonly string[]).includes(file.path));
    for (const file of plain) {
      const name = `vigil-${file.path.slice(file.path.lastIndexOf('/') + 1).replace('.yml', '')}`;
      const resource = written(`kubernetes/prometheus-rules/${name}.yaml`);
      expect(resource.spec.groups).toEqual(parse(renderFile(file, model.source)).groups);
    }
  });

  it('the AlertmanagerConfig routes as alertmanager.yml does, with credentials only as Secret key references', () => {
    const resource = written('kubernetes/alertmanager-config.yaml');
    const text = renderFile(files.find((file) => file.path === 'kubernetes/alertmanager-config.yaml')!, model.source);
    expect(text).not.toMatch(/_file|\/etc\/|secrets\//);
    expect(resource.spec.receivers.map((receiver: { name: string }) => receiver.name)).toEqual(model.receivers.map((receiver) => receiver.name));
    const pagerduty = resource.spec.receivers.find((receiver: { name: string }) => receiver.name === 'platform-pagerduty');
    expect(pagerduty.pagerdutyConfigs[0].routingKey).toEqual({ name: 'vigil-alertmanager', key: 'pagerduty-platform' });
    const [page, ticket] = resource.spec.route.routes;
    expect(page.matchers).toEqual([{ name: 'priority', matchType: '=', value: 'P1' }]);
    expect(ticket.matchers).toEqual([{ name: 'priority', matchType: '=', value: 'P2' }]);
    expect(page.routes.map((route: { matchers: { value: string }[] }) => route.matchers[0]!.value)).toEqual(model.teams.map((team) => team.name));
    expect(resource.spec.inhibitRules[0].sourceMatch).toContainEqual({ name: 'pipeline', matchType: '=', value: '' });
  });

  it('ServiceMonitors set the job label the rules select by', () => {
    for (const service of model.services) {
      const monitor = written(`kubernetes/service-monitors/${service.name}.yaml`);
      expect(monitor.spec.endpoints[0]).toMatchObject({ path: service.metricsPath, interval: service.scrapeInterval });
      expect(monitor.spec.endpoints[0].relabelings).toEqual([{ action: 'replace', targetLabel: 'job', replacement: service.job }]);
    }
  });

  it('ServiceMonitors put the spec\'s selectorLabels on every scraped series, as the scoped rules expect', () => {
    const scoped = { ...model, selectorLabels: { cluster: 'eu-1', environment: 'prod' } };
    for (const file of kubernetesGenerator(scoped).filter((candidate) => candidate.path.startsWith('kubernetes/service-monitors/'))) {
      const monitor = new ServiceMonitor(file.data as ConstructorParameters<typeof ServiceMonitor>[0]);
      monitor.validate();
      expect(monitor.spec.endpoints[0]!.relabelings).toEqual([
        expect.objectContaining({ targetLabel: 'job' }),
        { action: 'replace', targetLabel: 'cluster', replacement: 'eu-1' },
        { action: 'replace', targetLabel: 'environment', replacement: 'prod' },
      ]);
    }
  });

  it('dashboard ConfigMaps carry the dashboard files byte for byte, labelled for the Grafana sidecar', () => {
    for (const dashboard of dashboardsGenerator(model)) {
      const name = dashboard.path.slice('dashboards/'.length, -'.json'.length);
      const configMap = written(`kubernetes/dashboards/vigil-dashboard-${name}.yaml`);
      expect(configMap.metadata.labels.grafana_dashboard).toBe('1');
      expect(configMap.data[`${name}.json`]).toBe(renderFile(dashboard, model.source));
    }
  });

  it('Argo gate queries parse, and use the service HighErrorRate ratio', () => {
    const template = written('kubernetes/argo/api-analysis-template.yaml');
    for (const metric of template.spec.metrics) expect(analysePromQL(metric.provider.prometheus.query).syntaxErrors).toEqual([]);
    const api = model.services.find((service) => service.name === 'api')!;
    expect(template.spec.metrics[1].successCondition).toBe(`result[0] <= ${api.alerts.highErrorRate.ratio}`);
  });
});

describe('the kubernetes spec section', () => {
  it('renders nothing without it', () => {
    expect(kubernetesGenerator(buildModel(minimalSpec(), 'spec.yaml'))).toEqual([]);
  });

  it('rejects names and labels Kubernetes would refuse, naming the spec path', () => {
    const problems = (kubernetes: unknown): string[] => {
      try {
        buildModel(specWith((spec) => (spec.kubernetes = kubernetes)), 'spec.yaml');
        return [];
      } catch (error) {
        if (!(error instanceof SpecError)) throw error;
        return error.problems.map((problem) => `${problem.path}: ${problem.message}`);
      }
    };
    expect(problems({ namespace: 'Monitoring' })).toEqual(['kubernetes.namespace: expected a Kubernetes name: lower-case letters, digits and "-", at most 63 characters']);
    expect(problems({ namespace: 'm', labels: { release: 'x'.repeat(64) } })).toEqual([
      'kubernetes.labels.release: expected a Kubernetes label value: at most 63 letters, digits, "-", "_" or "."',
    ]);
  });
});
