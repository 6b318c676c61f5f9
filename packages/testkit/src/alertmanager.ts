import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse, stringify } from 'yaml';
import { launch, type LaunchOptions } from './component.js';
import { getJson, postForm, postJson } from './http.js';
import type { LauncherKind } from './launcher.js';
import { freePort } from './ports.js';
import { makeWorkDir, removeWorkDir } from './workdir.js';

/** An Alertmanager configuration as a plain object (the parsed alertmanager.yml). */
export type AlertmanagerConfig = Record<string, unknown>;

export interface StartAlertmanagerOptions extends LaunchOptions {
  /** The configuration object. Exactly one of `config` and `configPath` is required. */
  readonly config?: AlertmanagerConfig;
  readonly configPath?: string;
  readonly extraArgs?: readonly string[];
  /**
   * Joins a gossip cluster: listens for peers on 127.0.0.1:listenPort and joins `peers`
   * (host:port each). Left out, clustering is off. startAlertmanagerCluster sets it for each peer.
   */
  readonly cluster?: { readonly listenPort: number; readonly peers: readonly string[] };
}

/** The cluster part of Alertmanager's v2 status. */
export interface AmClusterStatus {
  /** This peer's name in the cluster. */
  readonly name?: string;
  readonly status: 'ready' | 'settling' | 'disabled';
  readonly peers?: readonly { readonly name: string; readonly address: string }[];
}

/** A silence to create: the alerts its matchers select are not notified until endsAt. */
export interface AmPostableSilence {
  readonly matchers: readonly { readonly name: string; readonly value: string; readonly isRegex: boolean; readonly isEqual?: boolean }[];
  readonly startsAt: string;
  readonly endsAt: string;
  readonly createdBy: string;
  readonly comment: string;
}

/** A silence as Alertmanager's v2 API lists it. */
export interface AmSilence extends AmPostableSilence {
  readonly id: string;
  readonly status: { readonly state: 'active' | 'pending' | 'expired' };
}

/** An alert as Alertmanager's v2 API lists it. */
export interface AmAlert {
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly startsAt: string;
  readonly endsAt: string;
  readonly status: { readonly state: 'active' | 'suppressed' | 'unprocessed'; readonly inhibitedBy: readonly string[]; readonly silencedBy: readonly string[] };
  readonly receivers: readonly { readonly name: string }[];
  readonly fingerprint: string;
}

/** An alert to post to Alertmanager directly (what Prometheus sends). */
export interface AmPostableAlert {
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
  readonly startsAt?: string;
  readonly endsAt?: string;
}

export interface AlertmanagerInstance {
  readonly url: string;
  readonly port: number;
  readonly launcher: LauncherKind;
  /** Temporary directory with alertmanager.yml and data/ (notification log, silences). */
  readonly workDir: string;
  /** `host:port` for a Prometheus `alerting.alertmanagers[].static_configs[].targets` entry. */
  readonly address: string;
  alerts(filter?: { readonly active?: boolean; readonly inhibited?: boolean; readonly silenced?: boolean }): Promise<AmAlert[]>;
  postAlerts(alerts: readonly AmPostableAlert[]): Promise<void>;
  /** The cluster part of `/api/v2/status` (status `disabled` when clustering is off). */
  clusterStatus(): Promise<AmClusterStatus>;
  /** Creates a silence and returns its id. */
  createSilence(silence: AmPostableSilence): Promise<string>;
  silences(): Promise<AmSilence[]>;
  /** Rewrites alertmanager.yml (when a new config is given) and asks Alertmanager to reload it. */
  reload(config?: AlertmanagerConfig): Promise<void>;
  /**
   * Stops the process, runs `whileDown` (say, to let an alert start firing meanwhile), then starts
   * it again on the same port and storage: the notification log and silences survive.
   */
  restart(whileDown?: () => Promise<void>): Promise<void>;
  /** SIGKILLs the process, as a crash would (the peers are not told); stop() still cleans up. */
  kill(): Promise<void>;
  stop(): Promise<void>;
}

function loadConfig(options: StartAlertmanagerOptions): AlertmanagerConfig {
  if ((options.config === undefined) === (options.configPath === undefined)) {
    throw new Error('startAlertmanager needs exactly one of `config` and `configPath`.');
  }
  if (options.config) return options.config;
  const configPath = resolve(options.configPath ?? '');
  const parsed: unknown = parse(readFileSync(configPath, 'utf8'));
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new Error(`${configPath}: expected an Alertmanager configuration mapping at the top level.`);
  }
  return parsed as AlertmanagerConfig;
}

/** Starts a real Alertmanager on 127.0.0.1 and a random free port; clustering off unless `options.cluster` asks. */
export async function startAlertmanager(options: StartAlertmanagerOptions): Promise<AlertmanagerInstance> {
  const workDir = makeWorkDir('alertmanager');
  const configFile = join(workDir, 'alertmanager.yml');
  const writeConfig = (config: AlertmanagerConfig): void => writeFileSync(configFile, stringify(config));
  writeConfig(loadConfig(options));

  const port = await freePort();
  const buildArgs = (root: string): string[] => [
    `--config.file=${root}/alertmanager.yml`,
    `--storage.path=${root}/data`,
    `--web.listen-address=127.0.0.1:${port}`,
    // Notifications carry it as externalURL: which peer of a cluster sent one.
    `--web.external-url=http://127.0.0.1:${port}`,
    ...(options.cluster === undefined
      ? // An empty address turns the gossip cluster off: no extra port, no peer wait before notifying.
        ['--cluster.listen-address=']
      : [`--cluster.listen-address=127.0.0.1:${options.cluster.listenPort}`, ...options.cluster.peers.map((peer) => `--cluster.peer=${peer}`)]),
    '--data.retention=1h',
    ...(options.extraArgs ?? []),
  ];

  let launched;
  try {
    launched = await launch('alertmanager', workDir, port, buildArgs, options);
  } catch (error) {
    removeWorkDir(workDir);
    throw error;
  }
  const url = launched.url;

  return {
    url,
    port,
    launcher: launched.kind,
    workDir,
    address: `127.0.0.1:${port}`,
    async alerts(filter = {}) {
      const query = new URLSearchParams();
      for (const [key, value] of Object.entries(filter)) if (value !== undefined) query.set(key, String(value));
      const suffix = query.size > 0 ? `?${query.toString()}` : '';
      return getJson<AmAlert[]>(`${url}/api/v2/alerts${suffix}`);
    },
    async postAlerts(alerts) {
      await postJson(`${url}/api/v2/alerts`, alerts);
    },
    async clusterStatus() {
      return (await getJson<{ cluster: AmClusterStatus }>(`${url}/api/v2/status`)).cluster;
    },
    async createSilence(silence) {
      return (JSON.parse(await postJson(`${url}/api/v2/silences`, silence)) as { silenceID: string }).silenceID;
    },
    silences: () => getJson<AmSilence[]>(`${url}/api/v2/silences`),
    async reload(config) {
      if (config) writeConfig(config);
      await postForm(`${url}/-/reload`, {});
    },
    restart: (whileDown) => launched.restart(whileDown),
    kill: () => launched.kill(),
    async stop() {
      try {
        await launched.stop();
      } finally {
        removeWorkDir(workDir);
      }
    },
  };
}
