/**
 * A TypeScript or JavaScript spec is bundled by esbuild into one ESM file in a temp directory and
 * imported from there. Plain Node then loads it whatever the spec's directory holds: no
 * "type": "module" needed (tsx would treat a `.ts` file there as CommonJS and fail on the ESM
 * imports), no TypeScript loader, and no `node_modules`: when `@vigil/generator` cannot be
 * resolved from the spec's directory it is taken from this CLI's own install.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * This package's own entry point: dist/index.js when built, src/index.ts in the workspace. The
 * package root is the nearest directory above this module whose package.json is
 * @vigil/generator's (in the workspace this module may run from a bundle in node_modules/.cache).
 */
function ownEntry(): string {
  let directory = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(directory, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === '@vigil/generator') {
      for (const candidate of ['dist/index.js', 'src/index.ts']) {
        if (existsSync(join(directory, candidate))) return join(directory, candidate);
      }
    }
    const parent = dirname(directory);
    if (parent === directory) throw new Error(`@vigil/generator: cannot find its own package above ${fileURLToPath(import.meta.url)}`);
    directory = parent;
  }
}

export async function importBundledSpec(specPath: string): Promise<Record<string, unknown>> {
  const { build } = await import('esbuild');
  const directory = await mkdtemp(join(tmpdir(), 'vigil-spec-'));
  const bundlePath = join(directory, 'spec.mjs');
  try {
    const result = await build({
      // An inline source map, with source maps on in stack traces, makes an error the spec throws
      // point at the spec's own file and line, not at the bundle.
      outfile: bundlePath,
      sourcemap: 'inline',
      sourcesContent: false,
      entryPoints: [specPath],
      absWorkingDir: dirname(specPath),
      bundle: true,
      write: false,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      logLevel: 'silent',
      // Workspace packages resolve to their sources; published packages have no such condition.
      conditions: ['vigil-source'],
      banner: { js: "import { createRequire as vigilSpecRequire } from 'node:module'; const require = vigilSpecRequire(import.meta.url);" },
      plugins: [
        {
          name: 'vigil-generator-fallback',
          setup(pluginBuild) {
            pluginBuild.onResolve({ filter: /^@vigil\/generator$/ }, async (args) => {
              if (args.pluginData === 'fallback') return undefined;
              const found = await pluginBuild.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, pluginData: 'fallback' });
              return found.errors.length === 0 ? found : { path: ownEntry() };
            });
          },
        },
      ],
    });
    const code = result.outputFiles[0]?.text ?? '';
    process.setSourceMapsEnabled(true);
    await writeFile(bundlePath, code, 'utf8');
    return (await import(pathToFileURL(bundlePath).href)) as Record<string, unknown>;
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}
