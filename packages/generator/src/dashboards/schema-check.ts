import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import ts from 'typescript';

export interface SchemaDiagnostic {
  /** Name of the checked document (e.g. the dashboard file). */
  readonly document: string;
  readonly line: number;
  readonly message: string;
}

/** Where `@grafana/schema`'s type declarations live, so a temp file outside the repo can import it. */
function grafanaSchemaTypes(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('@grafana/schema/package.json')), 'dist/types/index.d.ts');
}

/**
 * Type-checks JSON documents as `@grafana/schema`'s `Dashboard` with the TypeScript compiler:
 * each becomes `const dashboard: Dashboard = <json>;` in a temp file, so excess or mistyped
 * properties are reported as Grafana's own types define them.
 */
export function checkDashboardsAgainstSchema(documents: ReadonlyArray<{ readonly name: string; readonly json: unknown }>): SchemaDiagnostic[] {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-dashboard-schema-'));
  try {
    const files = documents.map((document, index) => {
      const file = join(dir, `dashboard-${index}.ts`);
      writeFileSync(file, `import type { Dashboard } from '@grafana/schema';\n\nexport const dashboard: Dashboard = ${JSON.stringify(document.json, null, 2)};\n`);
      return { file, name: document.name };
    });
    const program = ts.createProgram(
      files.map(({ file }) => file),
      {
        strict: true,
        noEmit: true,
        skipLibCheck: true,
        target: ts.ScriptTarget.ES2022,
        module: ts.ModuleKind.ESNext,
        moduleResolution: ts.ModuleResolutionKind.Bundler,
        types: [],
        paths: { '@grafana/schema': [grafanaSchemaTypes()] },
      },
    );
    const names = new Map(files.map(({ file, name }) => [file, name]));
    return ts.getPreEmitDiagnostics(program).map((diagnostic) => {
      const position = diagnostic.file && diagnostic.start !== undefined ? diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start) : undefined;
      return {
        document: (diagnostic.file && names.get(diagnostic.file.fileName)) ?? diagnostic.file?.fileName ?? '(program)',
        line: (position?.line ?? -1) + 1,
        message: ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'),
      };
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
