import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { noLauncherMessage, selectLauncher, type Exporter, type LauncherProbes } from '../src/index.js';
import { exporterExecutables, requireExporterBinary } from '../src/executables.js';

const run = promisify(execFile);
const repoRoot = join(import.meta.dirname, '../../..');

const probes = (binary: string | undefined, docker: boolean): LauncherProbes => ({
  findBinary: () => binary,
  dockerReachable: async () => docker,
});

describe('selectLauncher', () => {
  it('prefers the local binary when installed', async () => {
    expect(await selectLauncher('prometheus', { forced: '', probes: probes('/usr/bin/prometheus', true) })).toEqual({
      kind: 'local',
      binary: '/usr/bin/prometheus',
    });
  });

  it('falls back to a container when only Docker answers', async () => {
    expect(await selectLauncher('alertmanager', { forced: '', probes: probes(undefined, true) })).toEqual({ kind: 'container' });
  });

  it('honours VIGIL_LAUNCHER=container even with a local binary', async () => {
    expect(await selectLauncher('prometheus', { forced: 'container', probes: probes('/usr/bin/prometheus', true) })).toEqual({
      kind: 'container',
    });
  });

  it('says how to get a launcher when there is neither', async () => {
    await expect(selectLauncher('prometheus', { forced: '', probes: probes(undefined, false) })).rejects.toThrow(noLauncherMessage);
    expect(noLauncherMessage).toContain('apt-get install -y prometheus prometheus-alertmanager');
    expect(noLauncherMessage).toContain('Docker engine');
  });

  it('rejects a forced launcher that is unavailable, and an unknown value', async () => {
    await expect(selectLauncher('alertmanager', { forced: 'local', probes: probes(undefined, true) })).rejects.toThrow(
      /VIGIL_LAUNCHER=local but no alertmanager or prometheus-alertmanager binary/,
    );
    await expect(selectLauncher('prometheus', { forced: 'container', probes: probes('/x', false) })).rejects.toThrow(
      /no Docker engine is reachable/,
    );
    await expect(selectLauncher('prometheus', { forced: 'podman', probes: probes('/x', true) })).rejects.toThrow(
      /must be "local" or "container", got "podman"/,
    );
  });

  it('finds the real binaries on this machine (Debian names included)', async () => {
    const prometheus = await selectLauncher('prometheus', { forced: '' });
    const alertmanager = await selectLauncher('alertmanager', { forced: '' });
    expect(prometheus.kind).toBe('local');
    expect(alertmanager.binary).toMatch(/(prometheus-)?alertmanager$/);
  });

  // The real probes in a child process with an empty PATH and a Docker socket that does not exist.
  const emptyPath = mkdtempSync(join(tmpdir(), 'vigil-empty-path-'));
  afterAll(() => rmSync(emptyPath, { recursive: true, force: true }));

  /** Runs an ES module script with tsx in a child process with an empty PATH and no Docker engine. */
  async function runIsolated(script: string, cwd: string): Promise<string> {
    // The env is replaced, so the workspace's source condition (vitest.config.ts sets it through
    // NODE_OPTIONS) is passed as a flag.
    const { stdout } = await run(process.execPath, ['--conditions=vigil-source', '--import', 'tsx', '--input-type=module', '-e', script], {
      cwd,
      env: {
        PATH: emptyPath,
        HOME: emptyPath,
        DOCKER_HOST: `unix://${join(emptyPath, 'no-docker.sock')}`,
        TESTCONTAINERS_RYUK_DISABLED: 'true',
      },
      timeout: 30_000,
    });
    return stdout.trim();
  }

  it('fails with the install hint when no binary is on PATH and Docker does not answer', async () => {
    const script = [
      "import { startPrometheus } from './packages/testkit/src/index.ts';",
      "try { await startPrometheus({ config: {} }); console.log('STARTED'); }",
      'catch (error) { console.log(error.message); }',
    ].join('\n');
    expect(await runIsolated(script, repoRoot)).toBe(noLauncherMessage);
  });

  // testcontainers 12 crashed at import on Node 20; a load failure must never pass for "no engine".
  it('loads @vigil/testkit with the container launcher selected on this Node', async () => {
    const script = [
      "const testkit = await import('@vigil/testkit');",
      "const { GenericContainer } = await import('testcontainers');",
      "console.log(typeof GenericContainer);",
      "try { await testkit.selectLauncher('prometheus', { forced: 'container' }); console.log('SELECTED'); }",
      'catch (error) { console.log(error.message); }',
    ].join('\n');
    const [containerClass, message] = (await runIsolated(script, join(repoRoot, 'packages/testkit'))).split('\n');
    expect(containerClass).toBe('function');
    expect(message).toContain(`VIGIL_LAUNCHER=container but no Docker engine is reachable at DOCKER_HOST=unix://${emptyPath}/no-docker.sock`);
    expect(message).toContain('bash scripts/docker/engine.sh start');
  });

  it('states the Node it supports, as the repository does', () => {
    const testkit = JSON.parse(readFileSync(join(repoRoot, 'packages/testkit/package.json'), 'utf8'));
    const root = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
    expect(testkit.engines.node).toBe(root.engines.node);
    expect(testkit.dependencies.testcontainers).toBe('11.9.0');
  });
});

describe('exporter binaries', () => {
  it('finds each exporter under its upstream or Debian name, and names the Debian package when it is missing', () => {
    for (const [exporter, expected] of Object.entries(exporterExecutables) as [Exporter, (typeof exporterExecutables)[Exporter]][]) {
      expect(() => requireExporterBinary(exporter, '/nonexistent')).toThrow(`apt-get install -y ${expected.package}`);
    }
    const dir = mkdtempSync(join(tmpdir(), 'vigil-exporter-bin-'));
    try {
      const binary = join(dir, 'prometheus-redis-exporter');
      writeFileSync(binary, '#!/bin/sh\n', { mode: 0o755 });
      expect(requireExporterBinary('redis-exporter', dir)).toBe(binary);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
