/**
 * Images built on this machine from Debian packages (scripts/docker/build-images.sh), for hosts
 * that reach no image registry: CI here, air-gapped installs. docker-compose.monitoring.yml keeps
 * its pinned upstream images; this override file, given as a second `-f`, swaps in the local
 * builds for every service that has one:
 *
 *   docker-compose -f docker-compose.monitoring.yml -f docker-compose.local-images.yml up ...
 *
 * Grafana has no Debian package, hence no local image: its service keeps the upstream pin.
 */
import type { GeneratedFile, Generator, Model } from '../model/types.js';
import { renderComposeFile } from './stack.js';

export const localImagesOverridePath = 'docker-compose.local-images.yml';

type ImageKey = keyof Model['stack']['images'];

/**
 * Local tag of each image that has a local build: vigil-local/<directory>:bookworm, the
 * directory under scripts/docker/images/ holding its Dockerfile.
 */
export const localImages: Readonly<Partial<Record<ImageKey, string>>> = {
  prometheus: 'vigil-local/prometheus:bookworm',
  alertmanager: 'vigil-local/alertmanager:bookworm',
  nodeExporter: 'vigil-local/node-exporter:bookworm',
  postgresExporter: 'vigil-local/postgres-exporter:bookworm',
  redisExporter: 'vigil-local/redis-exporter:bookworm',
};

/** The image to run for `key`: the local build when `VIGIL_IMAGES=local`, else the spec's pin. */
export function selectImage(model: Model, key: ImageKey, env: NodeJS.ProcessEnv = process.env): string {
  const choice = env.VIGIL_IMAGES ?? 'pinned';
  if (choice === 'pinned' || choice === '') return model.stack.images[key];
  if (choice !== 'local') throw new Error(`VIGIL_IMAGES must be "pinned" or "local", got "${choice}".`);
  const local = localImages[key];
  if (!local) throw new Error(`VIGIL_IMAGES=local: no local image for ${key} (no Debian package); it has only ${model.stack.images[key]}.`);
  return local;
}

/** The override: each compose service whose image is a pin with a local build gets that build. */
export function renderLocalImagesOverride(model: Model): Record<string, unknown> {
  const localByPin = new Map<string, string>();
  for (const [key, local] of Object.entries(localImages) as [ImageKey, string][]) localByPin.set(model.stack.images[key], local);
  const { services } = renderComposeFile(model) as { services: Record<string, { image: string }> };
  const overrides: Record<string, { image: string }> = {};
  for (const [name, service] of Object.entries(services)) {
    const local = localByPin.get(service.image);
    if (local) overrides[name] = { image: local };
  }
  return { services: overrides };
}

export const localImagesGenerator: Generator = (model): GeneratedFile[] => [
  { path: localImagesOverridePath, format: 'yaml', data: renderLocalImagesOverride(model) },
];
