import { executableNames, findExecutable, type Component } from './executables.js';

/** How a component runs: a local binary as a child process, or a container through testcontainers. */
export type LauncherKind = 'local' | 'container';

export interface LauncherProbes {
  /** Path of the component's local binary, or undefined when it is not installed. */
  readonly findBinary: (component: Component) => string | undefined;
  /** Whether a Docker (or compatible) engine answers. */
  readonly dockerReachable: () => Promise<boolean>;
}

export interface LauncherChoice {
  readonly kind: LauncherKind;
  /** Set for the local launcher. */
  readonly binary?: string;
}

export const noLauncherMessage =
  'Cannot start Prometheus/Alertmanager: no local binary found on PATH and no Docker engine is reachable. ' +
  'Install the binaries with `apt-get install -y prometheus prometheus-alertmanager` ' +
  '(or put `prometheus` and `alertmanager` on PATH), or start a Docker engine for the testcontainers launcher.';

const dockerProbeTimeoutMs = 5_000;

/**
 * Loads testcontainers, lazily so the local path never pays for it. A load failure is an error
 * of its own, never "no engine": testcontainers 12 crashes at import on Node 20 (its undici
 * needs Node 22), which is why package.json pins 11.9.
 */
export async function loadTestcontainers(): Promise<typeof import('testcontainers')> {
  try {
    return await import('testcontainers');
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(
      `testcontainers failed to load on Node ${process.version}: ${reason}. ` +
        "@vigil/testkit needs the testcontainers version its package.json pins (11.9.0 on Node 20); run `pnpm install`.",
    );
  }
}

/** Asks testcontainers for a container runtime, bounded in time. */
async function dockerAnswers(): Promise<boolean> {
  const { getContainerRuntimeClient } = await loadTestcontainers();
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), dockerProbeTimeoutMs);
    });
    const probe = getContainerRuntimeClient().then(
      () => true,
      () => false,
    );
    return await Promise.race([probe, timeout]);
  } finally {
    if (timer) clearTimeout(timer);
  }
}

export function defaultProbes(env: NodeJS.ProcessEnv = process.env): LauncherProbes {
  return {
    findBinary: (component) => findExecutable(executableNames[component], env.PATH),
    dockerReachable: dockerAnswers,
  };
}

/**
 * Picks the launcher for a component. `VIGIL_LAUNCHER=local|container` forces one; otherwise
 * the local binary when installed (fast, no image pulls), else a container when Docker answers,
 * else an error that says how to get either.
 */
export async function selectLauncher(
  component: Component,
  options: { readonly forced?: string | undefined; readonly probes?: LauncherProbes } = {},
): Promise<LauncherChoice> {
  const probes = options.probes ?? defaultProbes();
  const forced = options.forced ?? process.env.VIGIL_LAUNCHER;
  if (forced !== undefined && forced !== '') {
    if (forced === 'local') {
      const binary = probes.findBinary(component);
      if (!binary) {
        throw new Error(
          `VIGIL_LAUNCHER=local but no ${executableNames[component].join(' or ')} binary is on PATH. ` +
            'Install it with `apt-get install -y prometheus prometheus-alertmanager`.',
        );
      }
      return { kind: 'local', binary };
    }
    if (forced === 'container') {
      if (!(await probes.dockerReachable())) {
        throw new Error(
          'VIGIL_LAUNCHER=container but no Docker engine is reachable' +
            (process.env.DOCKER_HOST ? ` at DOCKER_HOST=${process.env.DOCKER_HOST}` : '') +
            ': start one (as root: `apt-get install -y docker.io debootstrap && bash scripts/docker/engine.sh start`, ' +
            'then export the DOCKER_HOST it prints), or unset VIGIL_LAUNCHER.',
        );
      }
      return { kind: 'container' };
    }
    throw new Error(`VIGIL_LAUNCHER must be "local" or "container", got "${forced}".`);
  }
  const binary = probes.findBinary(component);
  if (binary) return { kind: 'local', binary };
  if (await probes.dockerReachable()) return { kind: 'container' };
  throw new Error(noLauncherMessage);
}
