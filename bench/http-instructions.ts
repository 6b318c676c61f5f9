/**
 * What a request costs each server, in machine instructions, counted by valgrind's callgrind in the
 * server process (every thread: the event loop, V8's compiler and GC helpers, libuv's pool).
 *
 * The req/s benches (bench/http.ts, bench/http-paired.ts) time the servers on a shared two-core
 * machine with the load generator beside them; a few percent of integration cost sits inside what
 * other processes and JIT luck do to those timings from one run to the next. An instruction count
 * does not move with the machine's load. It did move with V8's collectors, which tune themselves by
 * time (see collectorFlags): until they were held still, bare servers of the same code counted up to
 * 5.7% apart in different runs, and one bare process spread its own windows over 9%. Held, four of
 * a server's five counted windows agree to within 0.2% (see settlingRequests). Compare variants of
 * one run all the same, and count several processes per variant (VIGIL_HTTP_INSTRUCTIONS_PROCESSES)
 * where a figure is close to its target. What it leaves out is the kernel's share (sockets: the same
 * for every variant here, as no integration makes a system call), full collections (see
 * collectorFlags) and how fast the instructions run (cache misses, branch mispredictions), which only
 * the timed benches see.
 *
 * Each server is warmed up (V8 has compiled the hot paths), then loaded for a settling window that
 * is not counted, then for `countedWindows` counted windows. A window's instructions over its
 * requests is one reading; the figure is the median reading, so a window that a major GC or a late
 * compile lands in does not move it. The range printed beside it is the windows' own readings.
 *
 * Two things would make the count depend on time rather than on requests, and both are held still:
 * - One connection: each request is read, answered and closed out in an event-loop turn of its
 *   own. With several, how many requests share a turn depends on how fast the client is.
 * - No default metrics for any variant (VIGIL_BENCH_DEFAULT_METRICS=off, bench/http-server.ts): they
 *   sample the event loop on a timer, and under valgrind a request takes some 50 times as long, so
 *   that work would be charged to requests many times over. What the registry and default metrics
 *   cost a real process is `pnpm bench:http`'s `vigil-registry-only`.
 *
 *   pnpm bench:http-instructions            (node:http, express, fastify; also part of `pnpm bench`)
 *   pnpm bench:http-instructions node:http
 *   VIGIL_HTTP_INSTRUCTIONS_PROCESSES=3 pnpm bench:http-instructions node:http
 *     (each variant counted in three processes, the figure their median, so that one process's
 *     bad spell cannot decide it; see processesPerVariant)
 *   VIGIL_HTTP_INSTRUCTIONS_KEEP=/tmp/cg pnpm bench:http-instructions node:http
 *     (keeps callgrind's dumps in /tmp/cg: `callgrind_annotate <dump>` lists a window's instructions
 *     by function; JIT-compiled JavaScript shows as bare addresses)
 *
 * Needs valgrind (`apt-get install valgrind`).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { parseExposition, sampleValue } from '../packages/metrics/test/helpers/exposition.js';
import { frameworkArgument, frameworks, requestPathPeers, startServer, type Framework, type Instrumentation } from './http-server.js';
import { median, printVerdicts, verdict } from './support.js';

/** Requests before the first dump; a settling window follows, also not counted. */
const warmupRequests = 30_000;
/** A window counts whichever young-generation GCs fall in it; the longer the window, the less one GC more or less moves it. */
const windowRequests = 10_000;
/**
 * Under valgrind V8 still compiles until some 40,000 requests (measured). The first counted window
 * still counts some 6% over the other four, with 10,000 settling requests or 20,000 (2026-12-03,
 * Fastify, every variant): the median passes over it.
 */
const settlingRequests = 10_000;
const countedWindows = 5;
/** One connection, so every request has an event-loop turn of its own (see above). */
const connections = 1;
/**
 * V8's collectors, held to what a request allocates. V8 tunes them by rates it measures per
 * millisecond, and under valgrind every rate is some 50 times lower than in a real process:
 * - It sized the young generation of one server and not of another: on 2026-12-03 a Fastify server
 *   with Vigil ran twice as many scavenges per request as the bare one (callgrind's call counts in
 *   kept dumps; in throwaway `--trace-gc` runs without valgrind, the two differed by some 7%), and
 *   each scavenge's fixed cost (walking V8's roots) came to over a third of Vigil's count. Pinned at
 *   16 MB semi-spaces, a server scavenges once per so many bytes allocated.
 * - Full collections fell every 20,000 to 40,000 requests, each adding 15,000 to 18,000 instructions
 *   a request to the window it fell in; without valgrind (`--trace-gc`), a server ran one in 90,000.
 *   With the memory reducer off (it collects when the allocation rate looks low) and room to grow
 *   the old generation, the counted windows hold none.
 */
const collectorFlags = ['--min-semi-space-size=16', '--max-semi-space-size=16', '--no-memory-reducer', '--initial-old-space-size=512'];
/** Servers counted at once, on the two cores; the variants of one run share the conditions they are compared under. */
const parallelServers = 2;
/**
 * Processes counted per variant; the figure is the median over them, so one process's bad spell
 * (on 2026-12-03 a bare node:http process spread its own windows over 9%) cannot decide it.
 */
const processesPerVariant = Number(process.env.VIGIL_HTTP_INSTRUCTIONS_PROCESSES ?? 1);
if (!Number.isInteger(processesPerVariant) || processesPerVariant < 1) {
  throw new Error(`bench:http-instructions: VIGIL_HTTP_INSTRUCTIONS_PROCESSES must be a positive integer, got "${process.env.VIGIL_HTTP_INSTRUCTIONS_PROCESSES}"`);
}

const only = frameworkArgument('bench:http-instructions', process.argv[2]);

function requireValgrind(): void {
  const found = spawnSync('valgrind', ['--version'], { encoding: 'utf8' });
  if (found.error !== undefined || found.status !== 0) {
    throw new Error('bench:http-instructions needs valgrind (callgrind) on the PATH: apt-get install valgrind');
  }
}

/** The `totals:` line of one callgrind dump: instructions executed since the previous dump. */
function dumpTotal(file: string): number {
  const match = /^totals: (\d+)$/m.exec(readFileSync(file, 'utf8'));
  if (match === null) throw new Error(`bench:http-instructions: no totals line in ${file}`);
  return Number(match[1]);
}

/** The requests to GET /api/items/:id answered 200 that a Vigil server's own /metrics counts. */
async function recordedRequests(metricsUrl: string): Promise<number> {
  const scraped = await fetch(metricsUrl);
  if (!scraped.ok) throw new Error(`bench:http-instructions: ${metricsUrl} answered ${scraped.status}`);
  const samples = parseExposition(await scraped.text());
  return sampleValue(samples, 'http_request_duration_seconds_count', { method: 'GET', route: '/api/items/:id', status_code: '200' });
}

/** Counts one server; resolves with its instructions per request, one reading per counted window. */
async function countVariant(framework: Framework, instrumentation: Instrumentation, directory: string, processIndex: number): Promise<number[]> {
  const dumpName = `${framework.replace(':', '-')}.${instrumentation}.${processIndex}.out`;
  // A kept directory may hold an earlier run's dumps of this server.
  for (const name of readdirSync(directory)) if (name.startsWith(dumpName)) rmSync(join(directory, name));
  const server = await startServer(framework, instrumentation, ['valgrind', '--quiet', '--tool=callgrind', '--dump-line=no', `--callgrind-out-file=${join(directory, dumpName)}`], collectorFlags);
  let sent = 0;
  /** Sends `amount` requests; resolves with how many were answered. */
  const load = async (amount: number): Promise<number> => {
    const result = await autocannon({ url: server.url, connections, amount });
    if (result.errors + result.non2xx > 0) throw new Error(`bench:http-instructions: ${result.errors + result.non2xx} failed requests on ${framework} ${instrumentation}`);
    sent += result.requests.total;
    return result.requests.total;
  };
  // callgrind_control -d writes the counts since the previous dump and starts the next part.
  const dump = (): void => void execFileSync('callgrind_control', ['-d', String(server.child.pid)], { stdio: 'ignore' });
  try {
    await load(warmupRequests);
    dump();
    await load(settlingRequests); // settling: an idle-time GC and the last compiles land here
    dump();
    const answered: number[] = [];
    for (let window = 0; window < countedWindows; window++) {
      answered.push(await load(windowRequests));
      dump();
    }
    // A path that records nothing must not pass for cheap. Vigil's variants serve their own
    // /metrics; the others have none or another library's.
    if (instrumentation === 'vigil' || instrumentation === 'vigil-express-middleware') {
      const recorded = await recordedRequests(server.url.replace('/api/items/42', '/metrics'));
      if (recorded !== sent) throw new Error(`bench:http-instructions: ${framework} ${instrumentation} recorded ${recorded} requests of the ${sent} sent`);
    }
    const parts = readdirSync(directory)
      .filter((name) => name.startsWith(`${dumpName}.`))
      .map((name) => ({ name, part: Number(name.slice(name.lastIndexOf('.') + 1)) }))
      .sort((a, b) => a.part - b.part);
    if (parts.length !== countedWindows + 2) throw new Error(`bench:http-instructions: expected ${countedWindows + 2} callgrind dumps for ${framework} ${instrumentation}, found ${parts.length}`);
    return parts.slice(2).map(({ name }, window) => dumpTotal(join(directory, name)) / answered[window]!);
  } finally {
    server.child.kill('SIGKILL');
  }
}

/** Runs `tasks` with at most `limit` at once, keeping their order in the results. */
async function inParallel<T>(tasks: ReadonlyArray<() => Promise<T>>, limit: number): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < tasks.length) {
      const index = next++;
      results[index] = await tasks[index]!();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return results;
}

async function main(): Promise<void> {
  requireValgrind();
  // Inherited by every server this bench starts (see the top of this file).
  process.env.VIGIL_BENCH_DEFAULT_METRICS = 'off';
  const started = performance.now();
  const kept = process.env.VIGIL_HTTP_INSTRUCTIONS_KEEP;
  if (kept !== undefined) mkdirSync(kept, { recursive: true });
  const directory = kept ?? mkdtempSync(join(tmpdir(), 'vigil-callgrind-'));
  console.log(
    `request-path instructions, callgrind in the server process; node ${process.version}; ${processesPerVariant} process(es) per variant, ${warmupRequests} requests warm-up, ` +
      `${settlingRequests} settling, then ${countedWindows} counted windows of ${windowRequests}; autocannon ${connections} connections, GET /api/items/:id`,
  );
  const rangeHeading = processesPerVariant === 1 ? '(windows min-max)' : '(processes min-max)';
  console.log(`\n  ${'server'.padEnd(34)}${'instr/req'.padStart(12)}${rangeHeading.padStart(22)}${'vs bare'.padStart(10)}`);
  const percent = (value: number): string => `${(value * 100).toFixed(1)}%`;
  try {
    for (const framework of frameworks) {
      if (only !== undefined && framework !== only) continue;
      const peer = requestPathPeers[framework];
      const variants: Instrumentation[] = [
        'bare',
        'vigil',
        'empty-hook',
        ...(framework === 'express' ? (['vigil-express-middleware'] as const) : []),
        ...(peer === undefined ? [] : [peer]),
      ];
      // Process by process, every variant once, so the variants compared share the machine's spells.
      const tasks = Array.from({ length: processesPerVariant }, (_, processIndex) =>
        variants.map((instrumentation) => () => countVariant(framework, instrumentation, directory, processIndex)),
      ).flat();
      const counts = await inParallel(tasks, parallelServers);
      /** Per variant: each process's median window. */
      const processMedians = variants.map((_, index) => Array.from({ length: processesPerVariant }, (_, processIndex) => median(counts[processIndex * variants.length + index]!)));
      const perRequest = new Map(variants.map((instrumentation, index) => [instrumentation, median(processMedians[index]!)]));
      const bare = perRequest.get('bare')!;
      variants.forEach((instrumentation, index) => {
        const readings = processesPerVariant === 1 ? counts[index]! : processMedians[index]!;
        const range = `${Math.min(...readings).toFixed(0)}-${Math.max(...readings).toFixed(0)}`;
        console.log(
          `  ${`${framework} ${instrumentation}`.padEnd(34)}${perRequest.get(instrumentation)!.toFixed(0).padStart(12)}${range.padStart(22)}` +
            `${(perRequest.get(instrumentation)! / bare).toFixed(3).padStart(10)}`,
        );
      });
      const integrations: ReadonlyArray<readonly [string, Instrumentation]> = [['', 'vigil'], ...(framework === 'express' ? ([[' (middleware)', 'vigil-express-middleware']] as const) : [])];
      for (const [form, instrumentation] of integrations) {
        const added = perRequest.get(instrumentation)! - bare;
        verdict(
          `${framework}: Vigil's integration${form} adds at most 5% of the bare app's instructions per request`,
          added <= 0.05 * bare,
          `${added.toFixed(0)} instructions = ${percent(added / bare)} of bare's ${bare.toFixed(0)} (the framework's empty hook ${percent((perRequest.get('empty-hook')! - bare) / bare)})`,
        );
        if (peer !== undefined) {
          const theirs = perRequest.get(peer)! - bare;
          verdict(
            `${framework}: Vigil's instructions per request${form} over bare <= 1/3 of ${peer}'s`,
            added <= theirs / 3,
            `${added.toFixed(0)} vs ${theirs.toFixed(0)} = ${(added / theirs).toFixed(2)}x`,
          );
        }
      }
    }
  } finally {
    if (kept === undefined) rmSync(directory, { recursive: true, force: true });
    else console.log(`  (callgrind dumps kept in ${kept})`);
  }
  console.log(
    `  (instr/req: median over the counted windows of instructions over requests${processesPerVariant === 1 ? '' : `, then median over ${processesPerVariant} processes per variant`}, ` +
      'all threads of the server process, user space; no default metrics)',
  );
  printVerdicts();
  console.log(`\n(total ${((performance.now() - started) / 1000).toFixed(1)} s)`);
}

await main();
