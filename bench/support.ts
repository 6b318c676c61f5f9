/** What every bench file shares: medians, quartiles, per-round ratios, timed GETs and the PASS/FAIL target lines. */
import { request as httpRequest } from 'node:http';

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Per case, one measurement per round; rounds are aligned across cases. */
export type RoundSamples = Map<string, number[]>;

/**
 * Median over rounds of a ratio computed within each round. Cases of one round ran close
 * together, so the ratio cancels most of the load other processes put on the shared machine.
 */
export function pairedRatio(samples: RoundSamples, rounds: number, ratio: (get: (name: string) => number) => number): number {
  const perRound: number[] = [];
  for (let round = 0; round < rounds; round++) perRound.push(ratio((name) => samples.get(name)![round]!));
  return median(perRound);
}

/** The lower and upper quartiles of `values` (the interquartile range), as the benches print them. */
export function quartileRange(values: readonly number[]): { low: number; high: number; text: string } {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return { low: at(0.25), high: at(0.75), text: `${at(0.25).toFixed(3)}-${at(0.75).toFixed(3)}` };
}

/**
 * How far a median of per-round ratios to bare can be trusted, from a bare twin's own ratios (an
 * identical bare server measured the same way): the twin's median offset from 1, or its per-round
 * spread (the farther quartile from 1) shrunk by the square root of the rounds (a median of n rounds
 * is about sqrt(n) times steadier than one round), whichever is larger.
 */
export function twinResolution(twinRatios: readonly number[]): { offset: number; spread: number; resolution: number } {
  const { low, high } = quartileRange(twinRatios);
  const offset = Math.abs(1 - median(twinRatios));
  const spread = Math.max(Math.abs(1 - low), Math.abs(high - 1));
  return { offset, spread, resolution: Math.max(offset, spread / Math.sqrt(twinRatios.length)) };
}

const verdicts: string[] = [];

/** Records a target's outcome; printed together at the end. The exit code stays 0. */
export function verdict(label: string, ok: boolean, detail: string): void {
  verdicts.push(`${ok ? 'PASS' : 'FAIL'}  ${label}: ${detail}`);
}

export function printVerdicts(): void {
  console.log('\ntargets');
  for (const line of verdicts) console.log(`  ${line}`);
}

/** GET `path` from 127.0.0.1:`port` on a connection of its own, reading the body to its end. */
export function timedGet(port: number, path: string): Promise<{ ms: number; status: number }> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const req = httpRequest({ host: '127.0.0.1', port, path, agent: false }, (response) => {
      response.on('data', () => {});
      response.on('end', () => resolve({ ms: performance.now() - start, status: response.statusCode ?? 0 }));
    });
    req.on('error', reject);
    req.end();
  });
}
