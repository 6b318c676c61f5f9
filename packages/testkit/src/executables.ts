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

/**
 * The exporters the meta-monitoring tests run: upstream binary names first, then Debian's, and
 * the Debian package that installs each.
 */
export const exporterExecutables = {
  'node-exporter': { names: ['node_exporter', 'prometheus-node-exporter'], package: 'prometheus-node-exporter' },
  'postgres-exporter': { names: ['postgres_exporter', 'prometheus-postgres-exporter'], package: 'prometheus-postgres-exporter' },
  'redis-exporter': { names: ['redis_exporter', 'prometheus-redis-exporter'], package: 'prometheus-redis-exporter' },
} as const;

export type Exporter = keyof typeof exporterExecutables;

/** The exporter's binary on `pathValue`, or an error that says how to install it. */
export function requireExporterBinary(exporter: Exporter, pathValue: string | undefined): string {
  const { names, package: debianPackage } = exporterExecutables[exporter];
  const binary = findExecutable(names, pathValue);
  if (binary === undefined) {
    throw new Error(`Cannot start the ${exporter}: no ${names.join(' or ')} binary on PATH. Install it with \`apt-get install -y ${debianPackage}\`.`);
  }
  return binary;
}
