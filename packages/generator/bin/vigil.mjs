#!/usr/bin/env node
// The `vigil` command. Installed from npm it runs the compiled CLI (dist/cli.js); inside this
// workspace (src/ present) it runs the sources through the same cached bundle as `pnpm generate`.
import { existsSync } from 'node:fs';

const inWorkspace = existsSync(new URL('../src/cli.ts', import.meta.url));
const cli = inWorkspace ? await (await import('./generate.mjs')).loadCli() : await import(new URL('../dist/cli.js', import.meta.url).href);
process.exitCode = await cli.main(process.argv.slice(2));
