/**
 * `pnpm docs:api [--check]`: the API reference of the packages services and tests import,
 * generated from their types and doc comments by TypeDoc (typedoc-plugin-markdown) into
 * `packages/<name>/docs/api/`. `--check` writes nothing and exits 1 when a committed page is stale,
 * so the reference can never drift from the exports (scripts/test.sh runs it).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, cpSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Application, LogLevel, type TypeDocOptions } from 'typedoc';
import type { PluginOptions } from 'typedoc-plugin-markdown';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The packages with a public runtime API, and their export entry points. */
const documented: ReadonlyArray<{ readonly name: string; readonly entryPoints: readonly string[] }> = [
  { name: 'metrics', entryPoints: ['src/index.ts', 'src/catalog.ts', 'src/cluster/index.ts'] },
  { name: 'health', entryPoints: ['src/index.ts'] },
  { name: 'testkit', entryPoints: ['src/index.ts'] },
];

async function render(name: string, entryPoints: readonly string[], out: string): Promise<void> {
  const packageDir = path.join(repoRoot, 'packages', name);
  const options: Partial<TypeDocOptions & PluginOptions> = {
    entryPoints: entryPoints.map((entry) => path.join(packageDir, entry)),
    tsconfig: path.join(packageDir, 'tsconfig.build.json'),
    // Sibling packages resolve to their sources, as in the workspace, so no build is needed.
    compilerOptions: { customConditions: ['vigil-source'] },
    plugin: ['typedoc-plugin-markdown'],
    out,
    readme: 'none',
    disableSources: true,
    excludePrivate: true,
    excludeInternal: true,
    excludeExternals: true,
    logLevel: LogLevel.Error,
    outputFileStrategy: 'modules',
    entryFileName: 'README.md',
    hidePageHeader: true,
    hideBreadcrumbs: true,
    useCodeBlocks: true,
    parametersFormat: 'table',
    interfacePropertiesFormat: 'table',
    classPropertiesFormat: 'table',
    typeDeclarationFormat: 'table',
    enumMembersFormat: 'table',
    sort: ['kind', 'alphabetical'],
  };
  const app = await Application.bootstrapWithPlugins(options);
  const project = await app.convert();
  if (project === undefined) throw new Error(`docs:api: TypeDoc could not read packages/${name} (see the errors above)`);
  await app.generateOutputs(project);
}

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)))
    .sort();
}

const check = process.argv.includes('--check');
const stale: string[] = [];
for (const { name, entryPoints } of documented) {
  const scratch = mkdtempSync(path.join(tmpdir(), `vigil-api-${name}-`));
  try {
    await render(name, entryPoints, scratch);
    const target = path.join(repoRoot, 'packages', name, 'docs', 'api');
    const fresh = filesUnder(scratch);
    const committed = filesUnder(target);
    const differs = (file: string): boolean => !committed.includes(file) || readFileSync(path.join(scratch, file), 'utf8') !== readFileSync(path.join(target, file), 'utf8');
    const changed = [...fresh.filter(differs), ...committed.filter((file) => !fresh.includes(file))];
    stale.push(...changed.map((file) => path.join('packages', name, 'docs', 'api', file)));
    if (!check && changed.length > 0) {
      rmSync(target, { recursive: true, force: true });
      cpSync(scratch, target, { recursive: true });
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
if (check && stale.length > 0) {
  console.error(`docs:api: stale API reference (run pnpm docs:api):\n${stale.map((file) => `  ${file}`).join('\n')}`);
  process.exitCode = 1;
} else {
  console.log(check ? 'docs:api: API reference is up to date' : `docs:api: ${stale.length} file(s) written`);
}
