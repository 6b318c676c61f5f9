import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { specJsonSchema } from '../src/spec/json-schema.js';

const vigilBin = join(import.meta.dirname, '..', 'bin', 'vigil.mjs');

interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function vigil(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, [vigilBin, ...args], { cwd, env, timeout: 120_000 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
      resolve({ code, stdout, stderr });
    });
  });
}

let workspace: string;
beforeAll(async () => {
  workspace = await mkdtemp(join(tmpdir(), 'vigil-bin-'));
});
afterAll(async () => {
  await rm(workspace, { recursive: true, force: true });
});

describe('the vigil command', () => {
  it('lists its subcommands and exit codes; an unknown command exits 2', async () => {
    const help = await vigil(['--help'], workspace);
    expect(help.code).toBe(0);
    for (const name of ['init', 'generate', 'test']) expect(help.stdout).toMatch(new RegExp(`^  ${name} +\\S`, 'm'));
    expect(help.stdout).toContain('3 a required tool');
    const unknown = await vigil(['genrate'], workspace);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown command "genrate"');
    const badOption = await vigil(['generate', '--conifg', 'x'], workspace);
    expect(badOption.code).toBe(2);
    expect(badOption.stderr).toContain('usage: vigil generate');
  });

  it('init, generate (paths from the working directory, output next to the spec), --check and test', async () => {
    const init = await vigil(['init', '--dir', 'ops', '--service', 'checkout', '--target', '127.0.0.1:4000'], workspace);
    expect(init.code, init.stderr).toBe(0);
    // init refuses to overwrite.
    expect((await vigil(['init', '--dir', 'ops'], workspace)).code).toBe(1);
    const spec = parse(await readFile(join(workspace, 'ops', 'vigil.yaml'), 'utf8'));
    const validate = new Ajv2020({ strict: false }).compile(specJsonSchema());
    expect(validate(spec), JSON.stringify(validate.errors)).toBe(true);
    expect(await readFile(join(workspace, 'ops', 'README.md'), 'utf8')).toContain('vigil generate');

    const generated = await vigil(['generate', '--config', 'ops/vigil.yaml'], workspace);
    expect(generated.code, generated.stderr).toBe(0);
    expect(existsSync(join(workspace, 'ops', 'alerts', 'p1-page.yml'))).toBe(true);
    expect(existsSync(join(workspace, 'ops', 'monitoring', 'prometheus', 'prometheus.yml'))).toBe(true);
    expect(existsSync(join(workspace, 'alerts'))).toBe(false);
    expect((await readFile(join(workspace, 'ops', 'alerts', 'p1-page.yml'), 'utf8')).split('\n')[0]).toContain('from vigil.yaml.');
    // From the spec's own directory with no flag: the spec is found and the output is the same.
    const check = await vigil(['generate', '--check'], join(workspace, 'ops'));
    expect(check.code, check.stderr).toBe(0);

    const tested = await vigil(['test'], join(workspace, 'ops'));
    expect(tested.code, tested.stdout).toBe(0);
    expect(tested.stdout).toContain('ok   promtool check config');
    expect(tested.stdout).toContain('ok   promtool test rules alerts/tests/ServiceDown.yml');
    expect(tested.stdout).toContain('ok   routing: P1 alert of team my-team -> team-webhook');
  }, 240_000);

  it('vigil test fails (exit 1) when a generated rule test no longer holds', async () => {
    const ops = join(workspace, 'ops');
    const p1 = join(ops, 'alerts', 'p1-page.yml');
    const original = await readFile(p1, 'utf8');
    await writeFile(p1, original.replace(/for: (\d+)m/, (_, minutes: string) => `for: ${Number(minutes) + 30}m`));
    try {
      const tested = await vigil(['test', '--dir', ops], workspace);
      expect(tested.code).toBe(1);
      expect(tested.stdout).toContain('FAIL promtool test rules');
    } finally {
      await writeFile(p1, original);
    }
  }, 240_000);

  it('vigil test says how to install promtool and exits 3 when it is not on PATH', async () => {
    const result = await vigil(['test', '--dir', join(workspace, 'ops')], workspace, { ...process.env, PATH: join(workspace, 'no-bin') });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('promtool not found on PATH');
    expect(result.stderr).toContain('apt-get install prometheus');
  });

  it('a TypeScript spec in a directory with no package.json or node_modules loads and renders', async () => {
    const elsewhere = await mkdtemp(join(tmpdir(), 'vigil-ts-spec-'));
    try {
      expect((await vigil(['init', '--format', 'ts'], elsewhere)).code).toBe(0);
      const result = await vigil(['generate'], elsewhere);
      expect(result.code, result.stderr).toBe(0);
      expect(existsSync(join(elsewhere, 'alerts', 'p1-page.yml'))).toBe(true);
    } finally {
      await rm(elsewhere, { recursive: true, force: true });
    }
  }, 120_000);
});
