/**
 * docker-compose.monitoring.yml, started for real on the images built from Debian packages
 * (docker-compose.local-images.yml), and checked against what the file promises. Grafana is
 * left out: it has no Debian package, so no local image, and no registry is reachable to pull
 * its pin. Runs from scripts/docker/container-tests.sh (vitest.docker.config.ts): it needs a
 * Docker engine and fails, saying how to get one, when there is none.
 */
import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { parse, stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findRepoRoot, localImagesOverridePath } from '@vigil/generator';
import {
  alertmanagerSecretsContainerDir,
  alertmanagerSecretsHostDir,
  composeFilePath,
  hostPathFor,
  requiredEnvironment,
  stackMounts,
} from '../../../generator/src/compose/index.js';
import { waitUntil } from '../../src/index.js';
import { copyStack, inspectContainers, mustRun, requireEngine, runCommand, writeSecretFile, type ContainerInspect } from './compose.js';

const repoRoot = findRepoRoot();
const project = 'vigil-stack-test';
/** Services without a local image (no Debian package): not started here. */
const leftOut = ['grafana'];
const healthyTimeoutMs = 240_000;
const scrapeTimeoutMs = 120_000;

interface ComposeService {
  readonly image: string;
  readonly user?: string;
  readonly ports?: readonly string[];
  readonly volumes?: readonly string[];
  readonly secrets?: readonly string[];
}
const compose = parse(readFileSync(join(repoRoot, composeFilePath), 'utf8')) as { services: Record<string, ComposeService> };
const started = Object.keys(compose.services).filter((name) => !leftOut.includes(name));

let dir = '';
let secretsEnv: Record<string, string> = {};
const containers = new Map<string, ContainerInspect>();

/**
 * The databases the exporters watch are not part of the stack. Their names would go to the
 * engine's DNS, which forwards to an upstream no container can reach here (--iptables=false),
 * so each scrape would hang past the health check's 5 s. This test-only override points them
 * at the container itself: the exporters answer at once, reporting the database down.
 */
const backendsOverridePath = 'test-backends.override.yml';
function backendsOverride(): Record<string, unknown> {
  const services: Record<string, { extra_hosts: string[] }> = {};
  for (const name of started) {
    const environment = (compose.services[name] as { environment?: Record<string, string> }).environment ?? {};
    const hosts = Object.values(environment).flatMap((value) => [.../(?:^|\/\/)([a-z][a-z0-9-]*):\d+/.exec(value)?.slice(1) ?? []]);
    if (hosts.length > 0) services[name] = { extra_hosts: hosts.map((host) => `${host}:127.0.0.1`) };
  }
  return { services };
}

const composeArgs = (...args: string[]): string[] => ['-p', project, '-f', composeFilePath, '-f', localImagesOverridePath, '-f', backendsOverridePath, ...args];
/** The environment without any of the stack's secret variables, whatever the caller's shell has. */
function baseEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const variable of Object.values(requiredEnvironment)) delete env[variable];
  return env;
}
const composeRun = (env: NodeJS.ProcessEnv, ...args: string[]) => runCommand('docker-compose', composeArgs(...args), { cwd: dir, env });

async function projectContainerIds(projectName: string): Promise<string[]> {
  const out = await mustRun('docker', ['ps', '-aq', '--filter', `label=com.docker.compose.project=${projectName}`]);
  return out.split('\n').filter(Boolean);
}

async function refreshContainers(): Promise<void> {
  for (const container of await inspectContainers(await projectContainerIds(project))) {
    containers.set(container.Config.Labels['com.docker.compose.service'] ?? container.Name, container);
  }
}

async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
  if (!response.ok) throw new Error(`GET ${url} answered ${response.status}`);
  return (await response.json()) as T;
}

const hostPort = (service: string, containerPort: number): string => {
  const binding = containers.get(service)?.NetworkSettings.Ports[`${containerPort}/tcp`]?.[0];
  if (!binding) throw new Error(`${service} publishes no port ${containerPort}`);
  return `http://127.0.0.1:${binding.HostPort}`;
};

/** Whether a TCP connection to host:port succeeds within 2 s. */
function canConnect(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 2_000 });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

beforeAll(async () => {
  await requireEngine();
  console.log(
    `compose stack test: starting ${started.join(', ')} on the local images (${localImagesOverridePath}); ` +
      `left out: ${leftOut.join(', ')} (no Debian package, so no local image, and no registry to pull its pin from)`,
  );
  dir = copyStack(repoRoot, [composeFilePath, localImagesOverridePath, 'monitoring/prometheus', 'monitoring/alertmanager', 'monitoring/grafana', 'alerts', 'dashboards']);
  const backends = backendsOverride();
  console.log(`compose stack test: the exporters' databases are not in the stack; ${backendsOverridePath} points their names at 127.0.0.1: ${JSON.stringify(backends)}`);
  writeFileSync(join(dir, backendsOverridePath), stringify(backends));
  // Receiver credentials: every *_file the generated routing names, as an operator creates them.
  const alertmanagerYml = readFileSync(join(dir, 'monitoring/alertmanager/alertmanager.yml'), 'utf8');
  for (const [, file] of alertmanagerYml.matchAll(/_file: (\S+)/g)) {
    if (!file?.startsWith(`${alertmanagerSecretsContainerDir}/`)) throw new Error(`receiver secret outside ${alertmanagerSecretsContainerDir}: ${file}`);
    writeSecretFile(join(dir, alertmanagerSecretsHostDir, file.slice(alertmanagerSecretsContainerDir.length + 1)));
  }
  secretsEnv = {
    [requiredEnvironment.grafanaAdminPasswordFile]: join(dir, 'monitoring/secrets/grafana-admin-password'),
    [requiredEnvironment.postgresExporterPasswordFile]: join(dir, 'monitoring/secrets/postgres-exporter-password'),
  };
  for (const file of Object.values(secretsEnv)) writeSecretFile(file);
}, 60_000);

afterAll(async () => {
  if (dir) {
    await composeRun({ ...baseEnv(), ...secretsEnv }, 'down', '-v', '--remove-orphans', '--timeout', '5');
    rmSync(dir, { recursive: true, force: true });
  }
}, 120_000);

describe('docker-compose.monitoring.yml on the local images', () => {
  it('refuses to start without its secret files', async () => {
    const unset = await composeRun(baseEnv(), 'up', '-d', ...started);
    expect(unset.code).not.toBe(0);
    expect(unset.stderr).toContain(`set ${requiredEnvironment.grafanaAdminPasswordFile} to a file holding the Grafana admin password`);
    expect(await projectContainerIds(project)).toEqual([]);
    // A variable naming a file that does not exist: the services reading that secret do not start.
    const missingFile = join(dir, 'monitoring/secrets/no-such-file');
    const missing = await composeRun({ ...baseEnv(), ...secretsEnv, [requiredEnvironment.postgresExporterPasswordFile]: missingFile }, 'up', '-d', ...started);
    expect(missing.code).not.toBe(0);
    expect(`${missing.stderr}${missing.stdout}`).toContain(missingFile);
    const readers = started.filter((name) => compose.services[name]?.secrets?.includes('postgres_exporter_password'));
    expect(readers.length).toBeGreaterThan(0);
    const running = (await inspectContainers(await projectContainerIds(project))).filter((container) => container.State.Running);
    const runningServices = running.map((container) => container.Config.Labels['com.docker.compose.service']);
    for (const reader of readers) expect(runningServices, reader).not.toContain(reader);
    await composeRun({ ...baseEnv(), ...secretsEnv }, 'down', '-v', '--remove-orphans', '--timeout', '5');
  }, 300_000);

  describe('started', () => {
    beforeAll(async () => {
      const up = await composeRun({ ...baseEnv(), ...secretsEnv }, 'up', '-d', ...started);
      if (up.code !== 0) throw new Error(`docker-compose up failed (${up.code}):\n${up.stderr}\n${up.stdout}`);
      await waitUntil(
        async () => {
          await refreshContainers();
          const states = started.map((name) => [name, containers.get(name)?.State.Health?.Status ?? 'missing'] as const);
          const unhealthy = states.filter(([, status]) => status === 'unhealthy');
          if (unhealthy.length > 0) {
            const logs = unhealthy.map(([name]) => `${name}: ${JSON.stringify(containers.get(name)?.State.Health?.Log?.slice(-1))}`);
            throw new Error(`unhealthy: ${logs.join('; ')}`);
          }
          return states.every(([, status]) => status === 'healthy') ? true : undefined;
        },
        { timeoutMs: healthyTimeoutMs, intervalMs: 2_000, description: `every service of ${started.join(', ')} to turn healthy` },
      ).catch(async (error: unknown) => {
        const logs = await composeRun({ ...baseEnv(), ...secretsEnv }, 'logs', '--no-color', '--tail', '30');
        throw new Error(`${(error as Error).message}\n${logs.stdout.slice(-6_000)}`);
      });
    }, healthyTimeoutMs + 120_000);

    it('turns every service healthy, on the local images', () => {
      for (const name of started) {
        expect(containers.get(name)?.State.Health?.Status, name).toBe('healthy');
        expect(containers.get(name)?.Config.Image, name).toMatch(/^vigil-local\//);
      }
    });

    it('runs every container as its non-root user, with no capabilities and no-new-privileges', () => {
      for (const name of started) {
        const container = containers.get(name)!;
        const declared = compose.services[name]?.user ?? '';
        expect(container.Config.User, name).toBe(declared);
        expect(container.HostConfig.CapDrop, name).toContain('ALL');
        expect(container.HostConfig.SecurityOpt, name).toContain('no-new-privileges:true');
        // What the kernel says about the running process, not just the configuration.
        const status = readFileSync(`/proc/${container.State.Pid}/status`, 'utf8');
        const field = (key: string): string => new RegExp(`^${key}:\\s*(.+)$`, 'm').exec(status)?.[1]?.trim() ?? '';
        const [uid, gid] = declared.split(':');
        expect(field('Uid').split(/\s+/), name).toEqual([uid, uid, uid, uid]);
        expect(field('Gid').split(/\s+/)[0], name).toBe(gid);
        expect(uid, name).not.toBe('0');
        expect(field('CapEff'), name).toBe('0000000000000000');
        expect(field('CapPrm'), name).toBe('0000000000000000');
        expect(field('CapBnd'), name).toBe('0000000000000000');
        expect(field('NoNewPrivs'), name).toBe('1');
      }
    });

    it('publishes ports on 127.0.0.1 only', async () => {
      const published = started.flatMap((name) =>
        Object.values(containers.get(name)!.NetworkSettings.Ports).flatMap((bindings) => (bindings ?? []).map((binding) => ({ name, ...binding }))),
      );
      expect(published.length).toBe(started.flatMap((name) => compose.services[name]?.ports ?? []).length);
      expect(published.length).toBeGreaterThan(0);
      for (const binding of published) expect(binding.HostIp, binding.name).toBe('127.0.0.1');
      // Reachable on loopback, refused on every other address of this host.
      const others = Object.values(networkInterfaces())
        .flat()
        .filter((address) => address && address.family === 'IPv4' && !address.internal)
        .map((address) => address!.address);
      expect(others.length).toBeGreaterThan(0);
      for (const binding of published) {
        expect(await canConnect('127.0.0.1', Number(binding.HostPort)), `${binding.name} on 127.0.0.1`).toBe(true);
        for (const address of others) expect(await canConnect(address, Number(binding.HostPort)), `${binding.name} on ${address}`).toBe(false);
      }
    });

    it('mounts read-only what the file declares read-only, and the container cannot write there', async () => {
      let readOnlyMounts = 0;
      for (const name of started) {
        const container = containers.get(name)!;
        for (const volume of compose.services[name]?.volumes ?? []) {
          // source:target[:options], options such as "ro" or "ro,rslave".
          const [, target, options = ''] = volume.split(':');
          const readOnly = options.split(',').includes('ro');
          const mount = container.Mounts.find((candidate) => candidate.Destination === target);
          expect(mount, `${name} ${volume}`).toBeDefined();
          expect(mount?.RW, `${name} ${volume}`).toBe(!readOnly);
          if (readOnly) readOnlyMounts += 1;
        }
        for (const secret of compose.services[name]?.secrets ?? []) {
          expect(container.Mounts.find((mount) => mount.Destination === `/run/secrets/${secret}`)?.RW, `${name} secret ${secret}`).toBe(false);
        }
      }
      expect(readOnlyMounts).toBeGreaterThanOrEqual(3);
      const write = await runCommand('docker', ['exec', containers.get('prometheus')!.Id, 'sh', '-c', 'echo x > /etc/prometheus/alerts/probe']);
      expect(write.code).not.toBe(0);
      expect(write.stderr).toMatch(/Read-only file system/);
    });

    it('Prometheus loads every generated rule group and evaluates it without errors', async () => {
      const expected = new Set<string>();
      const ruleFiles = (parse(readFileSync(join(dir, 'monitoring/prometheus/prometheus.yml'), 'utf8')) as { rule_files: string[] }).rule_files;
      for (const file of ruleFiles) {
        // Rule paths are relative to the config where the stack mounts it; the mounts say where each comes from.
        const configInContainer = stackMounts.prometheus.find((mount) => mount.host === 'monitoring/prometheus/prometheus.yml')!.container;
        const inContainer = posix.join(posix.dirname(configInContainer), file);
        const onHost = hostPathFor(inContainer, stackMounts.prometheus);
        if (!onHost) throw new Error(`no mount provides ${inContainer}`);
        const groups = (parse(readFileSync(join(dir, onHost), 'utf8')) as { groups: { name: string }[] }).groups;
        for (const group of groups) expected.add(`${inContainer}:${group.name}`);
      }
      expect(expected.size).toBeGreaterThan(0);
      type Rules = { data: { groups: { name: string; file: string; rules: { name: string; health: string; lastError?: string }[] }[] } };
      const groups = await waitUntil(
        async () => {
          const { data } = await getJson<Rules>(`${hostPort('prometheus', 9090)}/api/v1/rules`);
          return data.groups.every((group) => group.rules.every((rule) => rule.health !== 'unknown')) ? data.groups : undefined;
        },
        { timeoutMs: scrapeTimeoutMs, intervalMs: 2_000, description: 'every rule group to be evaluated once' },
      );
      expect(new Set(groups.map((group) => `${group.file}:${group.name}`))).toEqual(expected);
      const failing = groups.flatMap((group) => group.rules.filter((rule) => rule.health !== 'ok').map((rule) => `${rule.name}: ${rule.lastError}`));
      expect(failing).toEqual([]);
    });

    it('Alertmanager loads the generated routing', async () => {
      const generated = parse(readFileSync(join(dir, 'monitoring/alertmanager/alertmanager.yml'), 'utf8')) as AmConfig;
      const { config } = await getJson<{ config: { original: string } }>(`${hostPort('alertmanager', 9093)}/api/v2/status`);
      const loaded = parse(config.original) as AmConfig;
      expect(routeTree(loaded.route)).toEqual(routeTree(generated.route));
      expect(loaded.receivers.map((receiver) => receiver.name).sort()).toEqual(generated.receivers.map((receiver) => receiver.name).sort());
      expect((loaded.inhibit_rules ?? []).length).toBe((generated.inhibit_rules ?? []).length);
    });

    it('Prometheus scrapes every exporter of the stack and sends to its Alertmanager', async () => {
      const exporters = started.filter((name) => /exporter/.test(compose.services[name]?.image ?? ''));
      expect(exporters.length).toBeGreaterThan(0);
      type Target = { scrapeUrl: string; health: string; lastError: string; labels: Record<string, string> };
      const scraped = await waitUntil(
        async () => {
          const { data } = await getJson<{ data: { activeTargets: Target[] } }>(`${hostPort('prometheus', 9090)}/api/v1/targets`);
          const found = exporters.map((name) => data.activeTargets.find((target) => target.scrapeUrl.includes(`//${name}:`) && target.health === 'up'));
          if (found.some((target) => target === undefined)) {
            const seen = data.activeTargets.filter((target) => exporters.some((name) => target.scrapeUrl.includes(name)));
            throw new Error(`not all exporters scraped yet: ${JSON.stringify(seen.map(({ scrapeUrl, health, lastError }) => ({ scrapeUrl, health, lastError })))}`);
          }
          return found as Target[];
        },
        { timeoutMs: scrapeTimeoutMs, intervalMs: 2_000, description: `Prometheus to scrape ${exporters.join(', ')}` },
      );
      // Each exporter's scrape brought samples into the TSDB, under its job.
      for (const target of scraped) {
        const job = target.labels.job ?? '';
        const { data } = await getJson<{ data: { result: { value: [number, string] }[] } }>(
          `${hostPort('prometheus', 9090)}/api/v1/query?query=${encodeURIComponent(`scrape_samples_scraped{job="${job}"}`)}`,
        );
        expect(Number(data.result[0]?.value[1] ?? 0), job).toBeGreaterThan(0);
      }
      // And Prometheus found its Alertmanager by the service name the generated config gives.
      const { data } = await getJson<{ data: { activeAlertmanagers: { url: string }[] } }>(`${hostPort('prometheus', 9090)}/api/v1/alertmanagers`);
      expect(data.activeAlertmanagers.map((alertmanager) => alertmanager.url)).toEqual(['http://alertmanager:9093/api/v2/alerts']);
    });
  });
});

interface AmRoute {
  readonly receiver?: string;
  readonly matchers?: readonly string[];
  readonly continue?: boolean;
  readonly routes?: readonly AmRoute[];
}
interface AmConfig {
  readonly route: AmRoute;
  readonly receivers: readonly { readonly name: string }[];
  readonly inhibit_rules?: readonly unknown[];
}

/** The routing decisions of a route tree: receiver, matchers (quoting normalised), continue, children. */
function routeTree(route: AmRoute): unknown {
  return {
    receiver: route.receiver,
    matchers: (route.matchers ?? []).map((matcher) => matcher.replace(/"/g, '')),
    continue: route.continue ?? false,
    routes: (route.routes ?? []).map(routeTree),
  };
}
