#!/usr/bin/env node
// Runs the compiled CLI when the package is built (published), else the TypeScript source
// through tsx (inside the workspace, where packages resolve to src/*.ts under the
// `vigil-source` export condition, added here by a resolve hook).
import { existsSync } from 'node:fs';
import { register as registerHooks } from 'node:module';

const compiled = new URL('../dist/cli/healthcheck.js', import.meta.url);
let cli;
if (existsSync(compiled)) {
  cli = await import(compiled.href);
} else {
  const sourceCondition = [
    'export async function resolve(specifier, context, next) {',
    "  const conditions = context.conditions.includes('vigil-source') ? context.conditions : [...context.conditions, 'vigil-source'];",
    '  return next(specifier, { ...context, conditions });',
    '}',
  ].join('\n');
  registerHooks(`data:text/javascript,${encodeURIComponent(sourceCondition)}`);
  const { register } = await import('tsx/esm/api');
  register();
  cli = await import(new URL('../src/cli/healthcheck.ts', import.meta.url).href);
}
await cli.main(process.argv.slice(2));
