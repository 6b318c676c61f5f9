/**
 * One autocannon run against a bench server, with the server process's own CPU time read around it
 * (bench/http.ts, bench/http-paired.ts). Kept out of bench/http-server.ts, the servers' fork target,
 * so the measured processes never load the load generator.
 */
import type { ChildProcess } from 'node:child_process';
import autocannon from 'autocannon';
import { ask } from './http-server.js';

export interface LoadRun {
  readonly rps: number;
  readonly p99: number;
  readonly cpuPerRequest: number;
  /** Connection errors and non-2xx responses. */
  readonly errors: number;
}

/** Drives `url` for `seconds` with `connections`; `child` is the process serving it. */
export async function cpuMeasuredLoad(child: ChildProcess, url: string, seconds: number, connections: number): Promise<LoadRun> {
  const cpuBefore = await ask<number>(child, 'cpu', 'cpuMicros');
  const result = await autocannon({ url, connections, duration: seconds });
  const cpu = (await ask<number>(child, 'cpu', 'cpuMicros')) - cpuBefore;
  // requests over the run's real elapsed time: a 1 s run has a single per-second sample.
  return { rps: result.requests.total / result.duration, p99: result.latency.p99, cpuPerRequest: cpu / result.requests.total, errors: result.errors + result.non2xx };
}
