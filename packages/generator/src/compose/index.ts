import type { GeneratedFile, Generator } from '../model/types.js';
import { composeFilePath } from './layout.js';
import { renderComposeFile } from './stack.js';

/** docker-compose.monitoring.yml at the repository root. */
export const composeGenerator: Generator = (model): GeneratedFile[] => [
  { path: composeFilePath, format: 'yaml', data: renderComposeFile(model) },
];

export { renderComposeFile } from './stack.js';
export { exporterEndpoint } from './exporters.js';
export * from './layout.js';
export { localImages, localImagesGenerator, localImagesOverridePath, renderLocalImagesOverride, selectImage } from './local-images.js';
