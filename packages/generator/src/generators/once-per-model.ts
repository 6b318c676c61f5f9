import type { GeneratedFile, Generator, Model } from '../model/types.js';

/**
 * A generator whose output other generators build on (the Kubernetes and ruler outputs wrap the
 * rule files and dashboards), computed once per model: at fleet scale rendering the rules is
 * a second of work, and the wrappers must carry exactly the same objects anyway. Callers must
 * not mutate what it returns (the writer and every wrapper only read it).
 */
export function oncePerModel(generator: Generator): Generator {
  const byModel = new WeakMap<Model, readonly GeneratedFile[]>();
  return (model) => {
    let files = byModel.get(model);
    if (files === undefined) {
      files = generator(model);
      byModel.set(model, files);
    }
    return files;
  };
}
