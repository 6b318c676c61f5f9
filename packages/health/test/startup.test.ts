import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { Registry } from 'prom-client';
import { StartupError, pgCheck, startup, startupOrExit, type LogRecord, type StartupPhase } from '../src/index.js';
import { startPostgres, type PostgresServer } from './support/servers.js';

describe('startup against real PostgreSQL', () => {
  let postgres: PostgresServer;
  const pools: pg.Pool[] = [];

  beforeAll(async () => {
    postgres = await startPostgres();
  });

  afterAll(async () => {
    await Promise.all(pools.map((pool) => pool.end().catch(() => undefined)));
    await postgres?.close();
  });

  function phasesFor(connectionString: string, order: string[]): StartupPhase[] {
    const pool = new pg.Pool({ connectionString, connectionTimeoutMillis: 3000 });
    pool.on('error', () => undefined);
    pools.push(pool);
    return [
      {
        name: 'config',
        steps: [{ name: 'environment', run: () => void order.push('config/environment') }],
      },
      {
        name: 'database',
        timeoutMs: 10_000,
        steps: [
          {
            // The way application code typically reports a failed connection: with the URL in the message.
            name: 'connect',
            run: async () => {
              order.push('database/connect');
              const client = await pool.connect().catch((error: Error) => {
                throw new Error(`cannot connect to ${connectionString}: ${error.message}`);
              });
              client.release();
            },
          },
          { ...pgCheck(pool), run: (signal) => (order.push('database/postgres'), pgCheck(pool).run(signal)) },
        ],
      },
      {
        name: 'warm-up',
        steps: [{ name: 'cache', run: () => void order.push('warm-up/cache') }],
      },
    ];
  }

  it('runs phases and steps in order, logs one JSON record per step and records phase durations', async () => {
    const order: string[] = [];
    const records: LogRecord[] = [];
    const registry = new Registry();
    const report = await startup(phasesFor(postgres.connectionString, order), { registry, log: (r) => records.push(r) });

    expect(order).toEqual(['config/environment', 'database/connect', 'database/postgres', 'warm-up/cache']);
    const steps = records.filter((r) => r.event === 'startup_step');
    expect(steps.map((r) => `${String(r.phase)}/${String(r.step)}:${String(r.status)}`)).toEqual([
      'config/environment:ok',
      'database/connect:ok',
      'database/postgres:ok',
      'warm-up/cache:ok',
    ]);
    for (const record of steps) {
      expect(record).toMatchObject({ durationMs: expect.any(Number), memoryMB: expect.any(Number), pid: process.pid });
      expect(record.memoryMB as number).toBeGreaterThan(1);
    }
    expect(records.at(-1)).toMatchObject({ event: 'startup_complete', status: 'ok' });
    expect(report.steps).toHaveLength(4);

    const metrics = await registry.getSingleMetricAsString('startup_phase_duration_seconds');
    for (const phase of ['config', 'database', 'warm-up']) {
      expect(metrics).toContain(`startup_phase_duration_seconds_count{phase="${phase}"} 1`);
    }
  });

  it('fails fast in the database phase on a wrong password, naming phase, step and cause with the password masked', async () => {
    const wrongPassword = 'Wrong-Pass-9876';
    const wrong = `postgresql://${postgres.user}:${wrongPassword}@127.0.0.1:${postgres.port}/${postgres.database}`;
    const order: string[] = [];
    const records: LogRecord[] = [];
    const registry = new Registry();
    const error = await startup(phasesFor(wrong, order), { registry, log: (r) => records.push(r) }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(StartupError);
    const failure = error as StartupError;
    expect(failure.phase).toBe('database');
    expect(failure.step).toBe('connect');
    expect(failure.message).toMatch(/^start-up failed in phase "database" at step "connect": /);
    expect(failure.message).toContain(`postgresql://${postgres.user}:***@127.0.0.1:${postgres.port}`);
    expect(failure.message).toContain(`password authentication failed for user "${postgres.user}"`);
    expect(failure.message).not.toContain(wrongPassword);

    // Nothing after the failing step ran.
    expect(order).toEqual(['config/environment', 'database/connect']);
    const logged = JSON.stringify(records);
    expect(logged).not.toContain(wrongPassword);
    expect(records.filter((r) => r.event === 'startup_step').map((r) => r.status)).toEqual(['ok', 'failed']);
    expect(records.at(-1)).toMatchObject({ event: 'startup_step', phase: 'database', step: 'connect', status: 'failed' });
    const metrics = await registry.getSingleMetricAsString('startup_phase_duration_seconds');
    expect(metrics).toContain('startup_phase_duration_seconds_count{phase="database"} 1');
    expect(metrics).not.toContain('phase="warm-up"');
  });

  it('startupOrExit logs a startup_failed line and exits 1 on failure', async () => {
    const wrong = `postgresql://${postgres.user}:Another-Wrong-1@127.0.0.1:${postgres.port}/${postgres.database}`;
    const records: LogRecord[] = [];
    const exits: number[] = [];
    const error = await startupOrExit(phasesFor(wrong, []), {
      registry: null,
      log: (r) => records.push(r),
      exit: (code) => void exits.push(code),
    }).catch((e: unknown) => e);
    expect(exits).toEqual([1]);
    expect(error).toBeInstanceOf(StartupError);
    expect(records.at(-1)).toMatchObject({ event: 'startup_failed', phase: 'database', step: 'connect' });
    expect(JSON.stringify(records)).not.toContain('Another-Wrong-1');
  });
  it('exits the real process with code 1 on a wrong password, naming the phase and step, password nowhere in its output', async () => {
    const wrongPassword = 'Child-Wrong-5150';
    const fixture = fileURLToPath(new URL('./fixtures/startup-service.ts', import.meta.url));
    const run = (databaseUrl: string) =>
      new Promise<{ code: number | null; output: string }>((resolve) => {
        const child = spawn(process.execPath, ['--import', 'tsx', fixture], {
          cwd: fileURLToPath(new URL('..', import.meta.url)),
          env: { ...process.env, DATABASE_URL: databaseUrl },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let output = '';
        child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
        child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
        const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
        child.on('exit', (code) => {
          clearTimeout(killer);
          resolve({ code, output });
        });
      });

    const failed = await run(`postgresql://${postgres.user}:${wrongPassword}@127.0.0.1:${postgres.port}/${postgres.database}`);
    expect(failed.code).toBe(1);
    expect(failed.output).not.toContain(wrongPassword);
    const lines = failed.output.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.map((l) => `${String(l.event)}:${String(l.phase)}/${String(l.step)}`)).toEqual([
      'startup_step:config/database-url',
      'startup_step:database/connect',
      'startup_failed:database/connect',
    ]);
    expect(String(lines.at(-1)?.error)).toContain(`postgresql://${postgres.user}:***@127.0.0.1:${postgres.port}/${postgres.database}`);

    const succeeded = await run(postgres.connectionString);
    expect(succeeded.code).toBe(0);
    expect(succeeded.output).toContain('"event":"startup_complete"');
    expect(succeeded.output).toContain('"event":"listening"');
  });
});

describe('startup without dependencies', () => {
  it('times a hung step out against the phase budget and names it', async () => {
    const started = Date.now();
    const error = await startup(
      [{ name: 'migrations', timeoutMs: 200, steps: [{ name: 'lock', run: () => new Promise(() => undefined) }] }],
      { registry: null, log: () => undefined },
    ).catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(2000);
    expect((error as StartupError).message).toBe('start-up failed in phase "migrations" at step "lock": phase "migrations" timed out after 200ms');
  });

  it('logs a failing warning step and goes on', async () => {
    const records: LogRecord[] = [];
    const ran: string[] = [];
    await startup(
      [
        {
          name: 'warm-up',
          steps: [
            { name: 'prefetch', criticality: 'warning', run: () => { throw new Error('cdn slow'); } },
            { name: 'cache', run: () => void ran.push('cache') },
          ],
        },
      ],
      { registry: null, log: (r) => records.push(r) },
    );
    expect(ran).toEqual(['cache']);
    expect(records[0]).toMatchObject({ step: 'prefetch', status: 'warning', error: 'cdn slow' });
  });

  it('rejects malformed phases with their position named', async () => {
    await expect(startup([{ name: 'a', steps: [] }, { name: 'a', steps: [] }], { registry: null })).rejects.toThrow(
      'startup phases[1]: duplicate phase name "a"',
    );
    await expect(
      startup([{ name: 'db', steps: [{ name: 'connect' } as unknown as StartupPhase['steps'][number]] }], { registry: null }),
    ).rejects.toThrow('startup phases[0].steps[0] ("connect"): `run` must be a function');
  });
});
