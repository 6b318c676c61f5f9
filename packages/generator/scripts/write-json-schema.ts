/** Writes schema/vigil.schema.json from the zod schema: `pnpm --filter @vigil/generator run schema`. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { jsonSchemaFile, specJsonSchemaText } from '../src/spec/json-schema.js';

writeFileSync(join(import.meta.dirname, '..', jsonSchemaFile), specJsonSchemaText());
