#!/usr/bin/env node
// Prints the e2e suites' fault -> notification times of both launchers side by side, from the
// files the suites write (packages/testkit/test/e2e/timings.ts): .vigil-tmp/e2e-timings.<launcher>.json
// from the alerting suite, and .vigil-tmp/e2e-timings.<launcher>.<suite>.json from the others
// (the exporters suite runs local binaries only, so its rows say so in the container column).
// Exits 1 when the alerting suite's run of either launcher is missing, so CI cannot claim both
// ran when one did not.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = join(import.meta.dirname, '../../.vigil-tmp');
const launchers = ['local', 'container'];
const filePattern = /^e2e-timings\.(local|container)(?:\.([a-z0-9-]+))?\.json$/;

const runs = {};
for (const launcher of launchers) {
  const file = join(dir, `e2e-timings.${launcher}.json`);
  if (!existsSync(file)) {
    console.error(`e2e timings: no ${launcher} run recorded (${file}); run the e2e suite with VIGIL_LAUNCHER=${launcher}`);
    process.exit(1);
  }
  runs[launcher] = [];
}
for (const name of readdirSync(dir).sort()) {
  const match = filePattern.exec(name);
  if (!match) continue;
  const run = JSON.parse(readFileSync(join(dir, name), 'utf8'));
  runs[match[1]].push({ suite: match[2] ?? 'alerting', recordedAt: run.recordedAt, timings: run.timings });
}
// The alerting suite's rows first, then the other suites by name.
for (const launcher of launchers) runs[launcher].sort((a, b) => (a.suite === 'alerting' ? -1 : b.suite === 'alerting' ? 1 : a.suite.localeCompare(b.suite)));

const key = (suite, timing) => `${suite}: ${timing.path} | ${timing.alert}`;
const rows = new Map();
for (const launcher of launchers) {
  for (const run of runs[launcher]) {
    for (const timing of run.timings) {
      const id = key(run.suite, timing);
      if (!rows.has(id)) rows.set(id, { suite: run.suite, 'fault path | alert': `${timing.path} | ${timing.alert}` });
      rows.get(id)[`${launcher} (ms)`] = timing.faultToNotificationMs;
    }
  }
}
for (const row of rows.values()) {
  for (const launcher of launchers) {
    if (row[`${launcher} (ms)`] !== undefined) continue;
    // A suite the launcher ran without this row lost a case; one it never ran is only not run.
    row[`${launcher} (ms)`] = runs[launcher].some((run) => run.suite === row.suite) ? 'missing' : 'not run';
  }
}
const when = launchers.map((launcher) => `${launcher} ${runs[launcher].map((run) => `${run.suite} ${run.recordedAt}`).join(', ')}`).join('; ');
console.log(`e2e fault -> notification, both launchers (${when})`);
console.table([...rows.values()]);
