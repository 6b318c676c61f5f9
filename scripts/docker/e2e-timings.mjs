#!/usr/bin/env node
// Prints the e2e suites' fault -> notification times, both launchers side by side, from the files
// the suites write through packages/testkit/test/e2e/timings.ts (.vigil-tmp/e2e-timings/<suite>.<launcher>.json).
// Exits 1 when the `alerting` suite, which CI runs with both launchers, lacks either run, so CI
// cannot claim both ran when one did not. Suites CI runs with the local binaries only show
// "not run" in the container column.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = join(import.meta.dirname, '../../.vigil-tmp/e2e-timings');
const launchers = ['local', 'container'];
const bothLaunchers = ['alerting'];
const files = existsSync(dir) ? readdirSync(dir).filter((name) => /^[a-z0-9-]+\.(local|container)\.json$/.test(name)).sort() : [];
const runs = files.map((name) => JSON.parse(readFileSync(join(dir, name), 'utf8')));
for (const suite of bothLaunchers) {
  for (const launcher of launchers) {
    if (!runs.some((run) => run.suite === suite && run.launcher === launcher)) {
      console.error(`e2e timings: no ${launcher} run of the ${suite} suite recorded (${dir}/${suite}.${launcher}.json); run it with VIGIL_LAUNCHER=${launcher}`);
      process.exit(1);
    }
  }
}
const key = (suite, timing) => `${suite} | ${timing.path} | ${timing.alert}`;
const paths = [...new Set(runs.flatMap((run) => run.timings.map((timing) => key(run.suite, timing))))];
const rows = paths.map((path) => {
  const row = { 'suite | fault path | alert': path };
  for (const launcher of launchers) {
    const suiteRuns = runs.filter((run) => run.launcher === launcher && run.suite === path.split(' | ')[0]);
    const timing = suiteRuns.flatMap((run) => run.timings).find((candidate) => key(path.split(' | ')[0], candidate) === path);
    row[`${launcher} (ms)`] = timing ? timing.faultToNotificationMs : suiteRuns.length === 0 ? 'not run' : 'missing';
  }
  return row;
});
const recorded = runs.map((run) => `${run.suite} ${run.launcher} ${run.recordedAt}`).join('; ');
console.log(`e2e fault -> notification, both launchers (${recorded})`);
console.table(rows);
