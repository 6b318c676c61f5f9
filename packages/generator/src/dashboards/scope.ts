/** Stable dashboard uids: links, bookmarks and provisioning depend on them. */
export const dashboardUids = {
  overview: 'vigil-overview',
  pipeline: 'vigil-pipeline',
  service: 'vigil-service',
  runtime: 'vigil-runtime',
} as const;
