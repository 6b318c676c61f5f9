import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** The first of `names` found as an executable file on `pathValue` (a PATH string), else undefined. */
export function findExecutable(names: readonly string[], pathValue: string | undefined): string | undefined {
  const directories = (pathValue ?? '').split(delimiter).filter((entry) => entry !== '');
  for (const name of names) {
    for (const directory of directories) {
      const candidate = join(directory, name);
      try {
        if (!statSync(candidate).isFile()) continue;
        accessSync(candidate, constants.X_OK);
        return candidate;
      } catch {
        // Not here; keep looking.
      }
    }
  }
  return undefined;
}

/** Upstream names the binary `alertmanager`; Debian ships it as `prometheus-alertmanager`. */
export const executableNames = {
  prometheus: ['prometheus'],
  alertmanager: ['alertmanager', 'prometheus-alertmanager'],
} as const;

export type Component = keyof typeof executableNames;
