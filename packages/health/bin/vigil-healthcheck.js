#!/usr/bin/env node
// Runs the compiled CLI when the package is built (published), else the TypeScript source
// through tsx (inside the workspace, where packages export src/*.ts).
import { existsSync } from 'node:fs';

const compiled = new URL('../dist/cli/healthcheck.js', import.meta.url);
let cli;
if (existsSync(compiled)) {
  cli = await import(compiled.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  cli = await import(new URL('../src/cli/healthcheck.ts', import.meta.url).href);
}
await cli.main(process.argv.slice(2));
