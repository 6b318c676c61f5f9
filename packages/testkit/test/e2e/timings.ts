/**
 * The e2e timings table: every e2e suite records its fault -> notification times here, one file
 * per suite and launcher, and scripts/docker/e2e-timings.mjs prints them all side by side.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { findRepoRoot } from '@vigil/generator';

export interface FaultTiming {
  /** The fault and how it was made ("kill a peer while ServiceDown fires"). */
  readonly path: string;
  readonly alert: string;
  /** The receiver the notification reached. */
  readonly receiver: string;
  readonly faultToNotificationMs: number;
}

/** Where a suite's run with one launcher is recorded (read by scripts/docker/e2e-timings.mjs). */
export const timingsFile = (suite: string, launcher: string): string => join(findRepoRoot(), '.vigil-tmp', 'e2e-timings', `${suite}.${launcher}.json`);

/** Prints the suite's timings and writes them for the side-by-side table; nothing when none were recorded. */
export function writeTimings(suite: string, launcher: string, timings: readonly FaultTiming[]): void {
  if (timings.length === 0) return;
  console.log(`${suite}: fault -> notification (ms), ${launcher} launcher`);
  console.table(timings);
  const file = timingsFile(suite, launcher);
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, `${JSON.stringify({ recordedAt: new Date().toISOString(), suite, launcher, timings }, null, 2)}\n`);
}
