import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parse, stringify } from 'yaml';
import { launch, type LaunchOptions } from './component.js';
import { getJson, postForm } from './http.js';
import type { LauncherKind } from './launcher.js';
import { freePort } from './ports.js';
import { copyRuleFiles, expandRulePattern, makeWorkDir, removeWorkDir } from './workdir.js';

/** A Prometheus configuration as a plain object (the parsed prometheus.yml). */
export type PrometheusConfig = Record<string, unknown>;

export interface StartPrometheusOptions extends LaunchOptions {
  /** The configuration object. Exactly one of `config` and `configPath` is required. */
  readonly config?: PrometheusConfig;
  /** A prometheus.yml on disk; its `rule_files` are resolved next to it unless `rulesFiles` is given. */
  readonly configPath?: string;
  /** Rule files to load; they replace the config's `rule_files`. */
  readonly rulesFiles?: readonly string[];
  /** How often firing alerts are re-sent to Alertmanager (Prometheus default 1m). Default 1s. */
  readonly resendDelay?: string;
  readonly extraArgs?: readonly string[];
  /**
   * `agent` runs Prometheus in agent mode (`--enable-feature=agent`): it scrapes and
   * remote-writes, keeps a WAL instead of a TSDB, and loads no rules. Default `server`.
   */
  readonly mode?: 'server' | 'agent';
  /** Accept samples on /api/v1/write (`--web.enable-remote-write-receiver`), for a central Prometheus. */
  readonly remoteWriteReceiver?: boolean;
}

export interface PromSample {
  readonly metric: Readonly<Record<string, string>>;
  readonly value: readonly [number, string];
}

export interface PromAlert {
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly state: 'pending' | 'firing' | 'inactive';
  readonly activeAt?: string;
  readonly value?: string;
}

export interface PromTarget {
  readonly labels: Readonly<Record<string, string>>;
  readonly scrapeUrl: string;
  readonly health: 'up' | 'down' | 'unknown';
  readonly lastError: string;
}

export interface PromRuleGroup {
  readonly name: string;
  readonly file: string;
  /** The group's evaluation interval, in seconds. */
  readonly interval?: number;
  /** Seconds the group's last evaluation took. */
  readonly evaluationTime?: number;
  readonly rules: readonly {
    readonly name: string;
    readonly type: 'alerting' | 'recording';
    readonly health: string;
    readonly lastError?: string;
    /** Seconds the rule's last evaluation took. */
    readonly evaluationTime?: number;
  }[];
}

export interface RuleGroupsOptions {
  /**
   * Milliseconds to wait for /api/v1/rules before giving up. Default 5,000: enough for a test's
   * rules; thousands of rules on a loaded machine (a fleet-scale bench) take seconds to list.
   */
  readonly timeoutMs?: number;
}

export interface PrometheusInstance {
  readonly url: string;
  readonly port: number;
  /** `host:port`, for a scrape target of Prometheus itself (the stack's self-monitoring). */
  readonly address: string;
  readonly launcher: LauncherKind;
  /** Temporary directory with prometheus.yml, rules/ and data/; removed by stop(). */
  readonly workDir: string;
  /** Instant query; throws on a PromQL error. Scalars come back as one sample, range results as their latest points. */
  query(expr: string): Promise<PromSample[]>;
  alerts(): Promise<PromAlert[]>;
  targets(): Promise<PromTarget[]>;
  /** The loaded rule groups with their rules' health and last evaluation times (/api/v1/rules). */
  ruleGroups(options?: RuleGroupsOptions): Promise<PromRuleGroup[]>;
  /** The Alertmanager URLs Prometheus sends alerts to (`active`) and those it dropped. */
  alertmanagers(): Promise<{ readonly active: string[]; readonly dropped: string[] }>;
  /**
   * Rewrites prometheus.yml (when a new config is given), replaces the rule files (when given; a
   * rule added at run time, say) and asks Prometheus to reload.
   */
  reload(config?: PrometheusConfig, rulesFiles?: readonly string[]): Promise<void>;
  stop(): Promise<void>;
}

interface ApiEnvelope<T> {
  readonly status: 'success' | 'error';
  readonly data: T;
  readonly error?: string;
}

type QueryData =
  | { readonly resultType: 'vector'; readonly result: PromSample[] }
  | {
      readonly resultType: 'matrix';
      readonly result: { readonly metric: Record<string, string>; readonly values: (readonly [number, string])[] }[];
    }
  | { readonly resultType: 'scalar'; readonly result: readonly [number, string] }
  | { readonly resultType: 'string'; readonly result: readonly [number, string] };

function loadConfig(options: StartPrometheusOptions): { config: PrometheusConfig; ruleFiles: readonly string[] } {
  if ((options.config === undefined) === (options.configPath === undefined)) {
    throw new Error('startPrometheus needs exactly one of `config` and `configPath`.');
  }
  if (options.config) return { config: { ...options.config }, ruleFiles: options.rulesFiles ?? [] };
  const configPath = resolve(options.configPath ?? '');
  const parsed: unknown = parse(readFileSync(configPath, 'utf8'));
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new Error(`${configPath}: expected a Prometheus configuration mapping at the top level.`);
  }
  const config = parsed as PrometheusConfig;
  if (options.rulesFiles) return { config, ruleFiles: options.rulesFiles };
  const patterns = Array.isArray(config.rule_files) ? (config.rule_files as unknown[]) : [];
  const ruleFiles = patterns.flatMap((pattern) => {
    if (typeof pattern !== 'string') throw new Error(`${configPath}: rule_files entries must be strings.`);
    return expandRulePattern(pattern, dirname(configPath));
  });
  return { config, ruleFiles };
}

/** Starts a real Prometheus on 127.0.0.1 and a random free port with the given config and rules. */
export async function startPrometheus(options: StartPrometheusOptions): Promise<PrometheusInstance> {
  const { config, ruleFiles } = loadConfig(options);
  const workDir = makeWorkDir('prometheus');
  const configFile = join(workDir, 'prometheus.yml');
  let currentConfig = config;
  const writeConfig = (next: PrometheusConfig): void => {
    currentConfig = next;
    writeFileSync(configFile, stringify(options.mode === 'agent' ? next : { ...next, rule_files: relativeRuleFiles }));
  };
  let relativeRuleFiles = copyRuleFiles(workDir, ruleFiles);
  writeConfig(config);

  const port = await freePort();
  // Agent mode refuses the TSDB flags, and has no rules to resend alerts for.
  const storageArgs = (root: string): string[] =>
    options.mode === 'agent'
      ? ['--enable-feature=agent', `--storage.agent.path=${root}/data`]
      : [`--storage.tsdb.path=${root}/data`, '--storage.tsdb.retention.time=1h', `--rules.alert.resend-delay=${options.resendDelay ?? '1s'}`];
  const buildArgs = (root: string): string[] => [
    `--config.file=${root}/prometheus.yml`,
    ...storageArgs(root),
    `--web.listen-address=127.0.0.1:${port}`,
    '--web.enable-lifecycle',
    ...(options.remoteWriteReceiver === true ? ['--web.enable-remote-write-receiver'] : []),
    ...(options.extraArgs ?? []),
  ];

  let launched;
  try {
    launched = await launch('prometheus', workDir, port, buildArgs, options);
  } catch (error) {
    removeWorkDir(workDir);
    throw error;
  }
  const url = launched.url;
  const api = async <T>(path: string, timeoutMs?: number): Promise<T> => {
    const envelope = await getJson<ApiEnvelope<T>>(`${url}${path}`, timeoutMs);
    if (envelope.status !== 'success') throw new Error(`Prometheus ${path}: ${envelope.error ?? 'error'}`);
    return envelope.data;
  };

  return {
    url,
    port,
    address: `127.0.0.1:${port}`,
    launcher: launched.kind,
    workDir,
    async query(expr) {
      const data = await api<QueryData>(`/api/v1/query?query=${encodeURIComponent(expr)}`);
      switch (data.resultType) {
        case 'vector':
          return data.result;
        case 'matrix':
          // A range selector: each series reported with its latest point.
          return data.result.flatMap((series) => {
            const last = series.values.at(-1);
            return last ? [{ metric: series.metric, value: last }] : [];
          });
        case 'scalar':
        case 'string':
          return [{ metric: {}, value: data.result }];
      }
    },
    async alerts() {
      return (await api<{ alerts: PromAlert[] }>('/api/v1/alerts')).alerts;
    },
    async targets() {
      return (await api<{ activeTargets: PromTarget[] }>('/api/v1/targets?state=active')).activeTargets;
    },
    async ruleGroups(ruleGroupsOptions) {
      return (await api<{ groups: PromRuleGroup[] }>('/api/v1/rules', ruleGroupsOptions?.timeoutMs)).groups;
    },
    async alertmanagers() {
      const data = await api<{ activeAlertmanagers: { url: string }[]; droppedAlertmanagers: { url: string }[] }>('/api/v1/alertmanagers');
      return { active: data.activeAlertmanagers.map((entry) => entry.url), dropped: data.droppedAlertmanagers.map((entry) => entry.url) };
    },
    async reload(next, rulesFiles) {
      if (rulesFiles) relativeRuleFiles = copyRuleFiles(workDir, rulesFiles);
      if (next || rulesFiles) writeConfig(next ?? currentConfig);
      await postForm(`${url}/-/reload`, {});
    },
    async stop() {
      try {
        await launched.stop();
      } finally {
        removeWorkDir(workDir);
      }
    },
  };
}
