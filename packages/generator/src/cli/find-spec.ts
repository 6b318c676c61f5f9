/** Which spec file `vigil generate` and `vigil test` use when `--config` is not given. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** Looked for in the working directory, then in its `monitoring/` directory, in this order. */
export const specFileNames: readonly string[] = ['vigil.config.ts', 'vigil.config.mts', 'vigil.config.js', 'vigil.config.mjs', 'vigil.yaml', 'vigil.yml', 'vigil.json'];

export function findSpec(cwd: string): string | undefined {
  for (const directory of [cwd, join(cwd, 'monitoring')]) {
    for (const name of specFileNames) {
      const path = join(directory, name);
      if (existsSync(path)) return path;
    }
  }
  return undefined;
}

export function noSpecMessage(cwd: string): string {
  return `vigil: no spec found in ${cwd} or ${join(cwd, 'monitoring')} (looked for ${specFileNames.join(', ')}); pass --config PATH, or run vigil init`;
}
