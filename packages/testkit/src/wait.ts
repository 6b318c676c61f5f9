/** Bounded polling: every wait in the test kit stops by itself. */

export interface WaitOptions {
  readonly timeoutMs: number;
  readonly intervalMs?: number;
  /** What is awaited, for the timeout error ("Prometheus at http://... to be ready"). */
  readonly description: string;
  /** Checked between probes: a message here stops the wait at once (e.g. the process exited). */
  readonly giveUp?: () => string | undefined;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Calls `probe` until it returns a value other than `undefined` or `false`, or throws after
 * `timeoutMs` with the last probe error, so a timeout says why the condition never held. `false`
 * counts as "not yet" so that a plain boolean condition (`... .some(...)`) waits as it reads.
 */
export async function waitUntil<T>(probe: () => Promise<T | undefined | false>, options: WaitOptions): Promise<Exclude<T, false>> {
  const deadline = Date.now() + options.timeoutMs;
  const intervalMs = options.intervalMs ?? 100;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value as Exclude<T, false>;
    } catch (error) {
      lastError = error;
    }
    const reasonToStop = options.giveUp?.();
    if (reasonToStop !== undefined) throw new Error(`Gave up waiting for ${options.description}: ${reasonToStop}`);
    if (Date.now() >= deadline) {
      const reason = lastError instanceof Error ? `; last error: ${lastError.message}` : '';
      throw new Error(`Timed out after ${options.timeoutMs} ms waiting for ${options.description}${reason}`);
    }
    await sleep(Math.min(intervalMs, Math.max(0, deadline - Date.now())));
  }
}

/** Waits for an HTTP endpoint (Prometheus/Alertmanager `/-/ready`) to answer 200. */
export async function waitForReady(
  url: string,
  timeoutMs: number,
  describeFailure?: () => string,
  giveUp?: () => string | undefined,
): Promise<void> {
  try {
    await waitUntil(
      async () => {
        const response = await fetch(url, { signal: AbortSignal.timeout(1_000) });
        await response.body?.cancel();
        return response.ok ? true : undefined;
      },
      { timeoutMs, description: `${url} to answer 200`, ...(giveUp ? { giveUp } : {}) },
    );
  } catch (error) {
    const extra = describeFailure?.();
    if (extra && error instanceof Error) error.message += `\n${extra}`;
    throw error;
  }
}
