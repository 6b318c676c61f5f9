import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { findRepoRoot, loadModel, renderModel, type Model } from '../src/index.js';
import { localImages, localImagesOverridePath, renderComposeFile, renderLocalImagesOverride, selectImage } from '../src/compose/index.js';

const repoRoot = findRepoRoot();
let model: Model;

beforeAll(async () => {
  model = await loadModel();
});

describe('docker-compose.local-images.yml', () => {
  it('is rendered next to the compose file, which keeps its pinned upstream images', () => {
    const paths = renderModel(model).map((file) => file.path);
    expect(paths).toContain(localImagesOverridePath);
    const { services } = renderComposeFile(model) as { services: Record<string, { image: string }> };
    expect(services.prometheus?.image).toBe(model.stack.images.prometheus);
    expect(services.prometheus?.image).not.toMatch(/^vigil-local\//);
  });

  it('swaps in a local build for every service that has one, and only the image', () => {
    const { services } = renderComposeFile(model) as { services: Record<string, { image: string }> };
    const override = renderLocalImagesOverride(model) as { services: Record<string, Record<string, unknown>> };
    for (const [name, service] of Object.entries(override.services)) {
      expect(Object.keys(service), name).toEqual(['image']);
      expect(service.image, name).toMatch(/^vigil-local\/[a-z-]+:bookworm$/);
      expect(services[name], name).toBeDefined();
    }
    expect(override.services.prometheus?.image).toBe(localImages.prometheus);
    expect(override.services.alertmanager?.image).toBe(localImages.alertmanager);
    // Grafana has no Debian package: it keeps its upstream pin, so local runs leave it out.
    expect(override.services.grafana).toBeUndefined();
    const exporterServices = Object.entries(services).filter(([, service]) => /exporter/.test(service.image));
    expect(exporterServices.length).toBeGreaterThan(0);
    for (const [name] of exporterServices) expect(override.services[name], name).toBeDefined();
  });

  it('names only images the build script builds (one image spec per local tag)', () => {
    for (const tag of Object.values(localImages)) {
      const directory = /^vigil-local\/([a-z-]+):bookworm$/.exec(tag ?? '')?.[1] ?? '';
      expect(existsSync(join(repoRoot, 'scripts/docker/images', `${directory}.image`)), tag).toBe(true);
    }
  });

  it('is the committed file', () => {
    const committed = parse(readFileSync(join(repoRoot, localImagesOverridePath), 'utf8'));
    expect(committed).toEqual(renderLocalImagesOverride(model));
  });
});

describe('selectImage (VIGIL_IMAGES)', () => {
  it('gives the pin by default and the local build with VIGIL_IMAGES=local', () => {
    expect(selectImage(model, 'prometheus', {})).toBe(model.stack.images.prometheus);
    expect(selectImage(model, 'alertmanager', { VIGIL_IMAGES: 'pinned' })).toBe(model.stack.images.alertmanager);
    expect(selectImage(model, 'alertmanager', { VIGIL_IMAGES: 'local' })).toBe('vigil-local/alertmanager:bookworm');
  });

  it('refuses an unknown value and an image without a local build', () => {
    expect(() => selectImage(model, 'prometheus', { VIGIL_IMAGES: 'latest' })).toThrow('VIGIL_IMAGES must be "pinned" or "local", got "latest".');
    expect(() => selectImage(model, 'grafana', { VIGIL_IMAGES: 'local' })).toThrow(/no local image for grafana/);
  });
});
