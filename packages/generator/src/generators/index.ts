import type { Generator } from '../model/types.js';

/**
 * Every generator `pnpm generate` runs, in output order. Each is a pure function from the
 * model to plain objects; the writer (src/writer.ts) is the only code that writes files.
 */
export const generators: readonly Generator[] = [];
