/**
 * `pnpm generate` launcher (and, inside this workspace, `vigil`'s: see vigil.mjs). Plain JavaScript because it runs before any TypeScript loader:
 * starting tsx and transforming ~100 modules on the fly costs more than half a second per run,
 * so the CLI (src/cli.ts and everything it imports) runs from one esbuild bundle cached in
 * packages/generator/node_modules/.cache/vigil-generator/.
 *
 * The bundle can never be stale: next to it, inputs.json records the size and mtime of every
 * file esbuild read (sources, workspace packages, node_modules, this launcher). Any difference,
 * or a missing file, rebuilds the bundle before running it. A rebuild takes ~0.5 s.
 */
import { mkdirSync, readFileSync, realpathSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const entry = join(packageDir, 'src', 'cli.ts');
// Inside the package, so the bundle resolves the external packages (tsx) from here.
const cacheDir = join(packageDir, 'node_modules', '.cache', 'vigil-generator');
const bundlePath = join(cacheDir, 'cli.mjs');
const manifestPath = join(cacheDir, 'inputs.json');
const launcherPath = fileURLToPath(import.meta.url);

function fingerprint(path) {
  try {
    const stats = statSync(path);
    return `${stats.size}:${stats.mtimeMs}`;
  } catch {
    return 'missing';
  }
}

function bundleIsCurrent() {
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
    statSync(bundlePath);
  } catch {
    return false;
  }
  const entries = Object.entries(manifest.inputs ?? {});
  return entries.length > 0 && entries.every(([path, recorded]) => fingerprint(path) === recorded);
}

async function rebuild() {
  const { build } = await import('esbuild');
  const started = Date.now();
  const temporary = `${bundlePath}.${process.pid}.tmp`;
  mkdirSync(cacheDir, { recursive: true });
  const result = await build({
    absWorkingDir: packageDir,
    entryPoints: [entry],
    outfile: temporary,
    bundle: true,
    platform: 'node',
    // Workspace packages resolve to their TypeScript sources (see their package.json exports).
    conditions: ['vigil-source'],
    format: 'esm',
    target: 'node20',
    metafile: true,
    logLevel: 'warning',
    // tsx is loaded only to import a TypeScript spec; it must stay a real package on disk.
    // The Kubernetes models validate with re2-wasm, which locates its .wasm next to itself.
    external: ['tsx', 'tsx/*', 'esbuild', '@kubernetes-models/*', 'kubernetes-models', 'kubernetes-models/*'],
    // Bundled CommonJS dependencies call require().
    banner: { js: "import { createRequire as vigilCreateRequire } from 'node:module'; const require = vigilCreateRequire(import.meta.url);" },
  });
  const inputs = { [launcherPath]: fingerprint(launcherPath) };
  for (const input of Object.keys(result.metafile.inputs)) {
    const path = resolve(packageDir, input);
    inputs[path] = fingerprint(path);
  }
  // Bundle first, then the manifest, each by rename: a concurrent run sees an old manifest (and
  // rebuilds) or a manifest matching the bundle on disk. A file edited during the build keeps
  // the manifest unwritten, so the next run rebuilds.
  renameSync(temporary, bundlePath);
  const editedDuringBuild = Object.keys(inputs).some((path) => {
    try {
      return statSync(path).mtimeMs >= started;
    } catch {
      return true;
    }
  });
  if (!editedDuringBuild) {
    const manifestTemporary = `${manifestPath}.${process.pid}.tmp`;
    writeFileSync(manifestTemporary, JSON.stringify({ inputs }));
    renameSync(manifestTemporary, manifestPath);
  }
}

/** The CLI module (src/cli.ts), from a bundle rebuilt when any input changed. */
export async function loadCli() {
  if (!bundleIsCurrent()) await rebuild();
  return import(pathToFileURL(bundlePath).href);
}

if (process.argv[1] !== undefined && realpathSync(process.argv[1]) === realpathSync(launcherPath)) {
  const cli = await loadCli();
  process.exitCode = await cli.pnpmGenerate(process.argv.slice(2));
}
