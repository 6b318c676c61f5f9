/**
 * Agent-mode site configs: what the central and the agent configs each scrape, how
 * credentials are referenced (by file only), the site label, spec errors, and the real promtool.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildModel, SpecError } from '../src/index.js';
import { agentConfig, agentConfigGenerator, agentConfigPath } from '../src/prometheus/agent.js';
import { prometheusConfig } from '../src/prometheus/config.js';
import { specWith } from './spec-fixtures.js';

const run = promisify(execFile);
const siteSpec = (sites: unknown): unknown => specWith((spec) => (spec.sites = sites));

function problems(spec: unknown): string[] {
  try {
    buildModel(spec, 'spec.yaml');
  } catch (error) {
    if (error instanceof SpecError) return error.problems.map((problem) => `${problem.path}: ${problem.message}`);
    throw error;
  }
  return [];
}

let workspace: string;
beforeAll(async () => {
  workspace = await mkdtemp(join(tmpdir(), 'vigil-agent-'));
});
afterAll(async () => {
  await rm(workspace, { recursive: true, force: true });
});

describe('sites', () => {
  const model = buildModel(
    siteSpec([
      {
        name: 'eu-west',
        services: ['ingest'],
        remoteWrite: { url: 'https://central.example.com/api/v1/write', basicAuth: { username: 'eu-west', passwordFile: '/etc/prometheus/secrets/remote-write' } },
        externalLabels: { region: 'eu' },
      },
    ]),
    'spec.yaml',
  );

  it('the central Prometheus no longer scrapes a site service; the site agent scrapes it, labelled with the site', () => {
    const centralJobs = (prometheusConfig(model).scrape_configs as { job_name: string }[]).map((job) => job.job_name);
    expect(centralJobs).toContain('api');
    expect(centralJobs).not.toContain('ingest');
    const agent = agentConfig(model, model.sites[0]!);
    expect((agent.scrape_configs as { job_name: string }[]).map((job) => job.job_name)).toEqual(['ingest']);
    expect(agent.global).toEqual({ scrape_interval: '15s', external_labels: { monitor: 'vigil', region: 'eu', site: 'eu-west' } });
    expect(agent.remote_write).toEqual([
      { url: 'https://central.example.com/api/v1/write', basic_auth: { username: 'eu-west', password_file: '/etc/prometheus/secrets/remote-write' } },
    ]);
    expect(agent).not.toHaveProperty('rule_files');
    expect(agentConfigGenerator(model).map((file) => file.path)).toEqual([agentConfigPath('eu-west')]);
  });

  it('a bearer token is referenced by file, never inlined', () => {
    const bearer = buildModel(
      siteSpec([{ name: 'edge', services: ['api'], remoteWrite: { url: 'https://mimir.example.com/api/v1/push', bearerTokenFile: '/run/secrets/mimir-token' } }]),
      'spec.yaml',
    );
    expect(agentConfig(bearer, bearer.sites[0]!).remote_write).toEqual([
      { url: 'https://mimir.example.com/api/v1/push', authorization: { type: 'Bearer', credentials_file: '/run/secrets/mimir-token' } },
    ]);
  });

  it('the rendered agent config passes promtool check config', async () => {
    const path = join(workspace, 'agent.yml');
    await writeFile(path, stringify(agentConfig(model, model.sites[0]!)));
    const { stdout, stderr } = await run('/usr/bin/promtool', ['check', 'config', path]);
    expect(`${stdout}${stderr}`).toContain('SUCCESS');
  });

  it('rejects unknown services, a service at two sites, a site label, two credentials and a relative secret path', () => {
    const remoteWrite = { url: 'http://central:9090/api/v1/write' };
    expect(problems(siteSpec([{ name: 'a', services: ['nope'], remoteWrite }]))).toEqual(['sites[0].services[0]: no service named "nope" (services: api, ingest)']);
    expect(problems(siteSpec([{ name: 'a', services: ['api'], remoteWrite }, { name: 'b', services: ['api'], remoteWrite }]))).toEqual([
      'sites[1].services[0]: "api" is already scraped at site "a"; a service belongs to one site',
    ]);
    expect(problems(siteSpec([{ name: 'a', services: ['api'], remoteWrite, externalLabels: { site: 'x' } }]))).toEqual([
      'sites[0].externalLabels.site: expected no "site" label: the site name is the site label',
    ]);
    expect(problems(siteSpec([{ name: 'a', services: ['api'], remoteWrite: { ...remoteWrite, bearerTokenFile: '/t', basicAuth: { username: 'u', passwordFile: '/p' } } }]))).toEqual([
      'sites[0].remoteWrite: expected remoteWrite with a url and at most one of bearerTokenFile or basicAuth',
    ]);
    expect(problems(siteSpec([{ name: 'a', services: ['api'], remoteWrite: { ...remoteWrite, bearerTokenFile: 'token' } }]))).toEqual([
      'sites[0].remoteWrite.bearerTokenFile: expected an absolute file path (secrets are read from files), normalised, without "..", outside /proc, /sys and /dev',
    ]);
  });
});
