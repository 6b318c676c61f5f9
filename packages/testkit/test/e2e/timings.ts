/**
 * The e2e timings table's input: each suite writes its fault -> notification times to
 * .vigil-tmp/e2e-timings.<launcher>[.<suite>].json, and scripts/docker/e2e-timings.mjs prints
 * every file of both launchers side by side. The alerting suite keeps the suite-less name.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { findRepoRoot } from '@vigil/generator';

export interface Timing {
  readonly path: string;
  readonly alert: string;
  readonly receiver: string;
  readonly faultToNotificationMs: number;
}

export function timingsFile(launcher: string, suite?: string): string {
  return join(findRepoRoot(), '.vigil-tmp', `e2e-timings.${launcher}${suite === undefined ? '' : `.${suite}`}.json`);
}

/** Prints the suite's timings and writes them for the table; nothing when none were recorded. */
export function writeTimings(launcher: string, timings: readonly Timing[], suite?: string): void {
  if (timings.length === 0) return;
  console.log(`fault -> notification (ms), ${launcher} launcher${suite === undefined ? '' : `, ${suite}`}`);
  console.table(timings);
  const file = timingsFile(launcher, suite);
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, `${JSON.stringify({ recordedAt: new Date().toISOString(), launcher, ...(suite === undefined ? {} : { suite }), timings }, null, 2)}\n`);
}
