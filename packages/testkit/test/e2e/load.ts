/**
 * Steady API traffic so request rates, error ratios and latency quantiles have data. Bounded:
 * at most `maxInFlight` requests at once, each with a timeout; stop() ends the loop.
 */
export interface LoadGenerator {
  readonly sent: () => number;
  stop(): Promise<void>;
}

export function startLoad(baseUrls: readonly string[], options: { readonly everyMs?: number; readonly maxInFlight?: number } = {}): LoadGenerator {
  const everyMs = options.everyMs ?? 50;
  const maxInFlight = options.maxInFlight ?? 40;
  let inFlight = 0;
  let sent = 0;
  const pending = new Set<Promise<void>>();
  const timer = setInterval(() => {
    for (const baseUrl of baseUrls) {
      if (inFlight >= maxInFlight) return;
      inFlight += 1;
      sent += 1;
      const request = fetch(`${baseUrl}/api/items/${sent % 100}`, { signal: AbortSignal.timeout(10_000) })
        .then((response) => response.body?.cancel())
        .catch(() => undefined)
        .finally(() => {
          inFlight -= 1;
          pending.delete(request);
        });
      pending.add(request);
    }
  }, everyMs);
  return {
    sent: () => sent,
    async stop() {
      clearInterval(timer);
      await Promise.allSettled([...pending]);
    },
  };
}
