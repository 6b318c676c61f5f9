import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadModel, renderFile, type Model } from '../src/index.js';
import {
  alertmanagerConfigPath,
  alertmanagerGenerator,
  routingTablePath,
  type RoutingCase,
} from '../src/alertmanager/index.js';

const run = promisify(execFile);

let model: Model;
let dir: string;
let configFile: string;
let cases: RoutingCase[];

beforeAll(async () => {
  model = await loadModel();
  dir = mkdtempSync(join(tmpdir(), 'vigil-am-routing-'));
  const files = alertmanagerGenerator(model);
  for (const file of files) {
    const target = join(dir, file.path.split('/').at(-1) ?? 'file.yml');
    writeFileSync(target, renderFile(file, model.source));
  }
  configFile = join(dir, 'alertmanager.yml');
  cases = (parse(readFileSync(join(dir, 'routing-tests.yml'), 'utf8')) as { cases: RoutingCase[] }).cases;
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('generated alertmanager.yml', () => {
  it('renders both files at the documented paths', () => {
    expect(alertmanagerGenerator(model).map((file) => file.path)).toEqual([alertmanagerConfigPath, routingTablePath]);
  });

  it('passes amtool check-config', async () => {
    const { stdout } = await run('amtool', ['check-config', configFile], { timeout: 20_000 });
    expect(stdout).toContain('SUCCESS');
    // The spec's receivers plus the Watchdog's heartbeat receiver.
    expect(stdout).toContain(`${model.receivers.length + (model.watchdog ? 1 : 0)} receivers`);
  });

  it('has a routing table row per team and priority, plus the fallbacks', () => {
    const teamsWithPages = model.teams.filter((team) => team.pageReceivers.length > 0).length;
    const teamsWithTickets = model.teams.filter((team) => team.ticketReceivers.length > 0).length;
    expect(cases).toHaveLength(teamsWithPages + teamsWithTickets + 3 + (model.watchdog ? 1 : 0));
    expect(cases.every((row) => row.receivers.length > 0)).toBe(true);
  });

  it('routes every row of the routing table to its receivers (amtool config routes test)', async () => {
    const results = await Promise.all(
      cases.map(async (row) => {
        const labels = Object.entries(row.labels).map(([key, value]) => `${key}=${value}`);
        try {
          const { stdout } = await run(
            'amtool',
            ['config', 'routes', 'test', `--config.file=${configFile}`, `--verify.receivers=${row.receivers.join(',')}`, ...labels],
            { timeout: 20_000 },
          );
          return { name: row.name, ok: true, got: stdout.trim() };
        } catch (error) {
          const stdout = (error as { stdout?: string }).stdout ?? '';
          return { name: row.name, ok: false, got: stdout.trim() };
        }
      }),
    );
    expect(results.filter((result) => !result.ok)).toEqual([]);
  });

  it('amtool rejects a wrong expectation, so the routing check can fail', async () => {
    const row = cases.find((candidate) => candidate.labels.priority === 'P1' && candidate.labels.team !== 'no-such-team');
    const wrong = model.teams.flatMap((team) => team.ticketReceivers)[0];
    expect(row && wrong).toBeTruthy();
    const labels = Object.entries(row?.labels ?? {}).map(([key, value]) => `${key}=${value}`);
    await expect(
      run('amtool', ['config', 'routes', 'test', `--config.file=${configFile}`, `--verify.receivers=${wrong}`, ...labels], {
        timeout: 20_000,
      }),
    ).rejects.toThrow();
  });

  it('pages quickly for P1 and waits longer for P2, with the model timings', () => {
    const config = parse(readFileSync(configFile, 'utf8')) as {
      route: { group_by: string[]; routes: { matchers: string[]; group_wait: string; repeat_interval: string }[] };
    };
    expect(config.route.group_by).toEqual(['alertname', 'service', 'pipeline']);
    const [p1, p2] = config.route.routes;
    expect(p1?.matchers).toEqual(['priority="P1"']);
    expect(p1?.group_wait).toBe(model.alertmanager.page.groupWait);
    expect(p1?.repeat_interval).toBe(model.alertmanager.page.repeatInterval);
    expect(p2?.matchers).toEqual(['priority="P2"']);
    expect(p2?.group_wait).toBe(model.alertmanager.ticket.groupWait);
    expect(p2?.repeat_interval).toBe(model.alertmanager.ticket.repeatInterval);
  });

  it('references credentials through *_file fields only', () => {
    const text = readFileSync(configFile, 'utf8');
    for (const secretKey of ['api_url', 'routing_key', 'service_key', 'auth_password', 'auth_secret', 'bot_token']) {
      expect(text).not.toMatch(new RegExp(`^\\s*-?\\s*${secretKey}:`, 'm'));
    }
    for (const receiver of model.receivers) {
      if (receiver.type === 'slack') expect(text).toContain(`api_url_file: ${receiver.apiUrlFile}`);
      if (receiver.type === 'pagerduty') expect(text).toContain(`routing_key_file: ${receiver.routingKeyFile}`);
      if (receiver.type === 'email' && receiver.authPasswordFile) expect(text).toContain(`auth_password_file: ${receiver.authPasswordFile}`);
    }
  });
});
