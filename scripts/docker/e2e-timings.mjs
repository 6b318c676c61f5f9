#!/usr/bin/env node
// Prints the e2e suite's fault -> notification times of both launchers side by side, from the
// files packages/testkit/test/e2e-alerting.test.ts writes (.vigil-tmp/e2e-timings.<launcher>.json).
// Exits 1 when either run is missing, so CI cannot claim both ran when one did not.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = join(import.meta.dirname, '../../.vigil-tmp');
const launchers = ['local', 'container'];
const runs = {};
for (const launcher of launchers) {
  const file = join(dir, `e2e-timings.${launcher}.json`);
  if (!existsSync(file)) {
    console.error(`e2e timings: no ${launcher} run recorded (${file}); run the e2e suite with VIGIL_LAUNCHER=${launcher}`);
    process.exit(1);
  }
  runs[launcher] = JSON.parse(readFileSync(file, 'utf8'));
}
const key = (timing) => `${timing.path} | ${timing.alert}`;
const paths = [...new Set(launchers.flatMap((launcher) => runs[launcher].timings.map(key)))];
const rows = paths.map((path) => {
  const row = { 'fault path | alert': path };
  for (const launcher of launchers) {
    const timing = runs[launcher].timings.find((candidate) => key(candidate) === path);
    row[`${launcher} (ms)`] = timing ? timing.faultToNotificationMs : 'missing';
  }
  return row;
});
console.log(`e2e fault -> notification, both launchers (local ${runs.local.recordedAt}, container ${runs.container.recordedAt})`);
console.table(rows);
