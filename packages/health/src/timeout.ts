/** Raised when an operation did not settle within its time limit. */
export class TimeoutError extends Error {
  override readonly name = 'TimeoutError';
  constructor(
    readonly what: string,
    readonly timeoutMs: number,
  ) {
    super(`${what} timed out after ${timeoutMs}ms`);
  }
}

/**
 * Runs `operation` with an AbortSignal and rejects with a TimeoutError after `timeoutMs`,
 * whether or not the operation honours the signal: a hung dependency must never hang the
 * caller. The timer is cleared as soon as the operation settles.
 */
export async function withTimeout<T>(
  what: string,
  timeoutMs: number,
  operation: (signal: AbortSignal) => Promise<T> | T,
  /** The limit to name in the error, when `timeoutMs` is what remains of a larger budget. */
  reportedTimeoutMs = timeoutMs,
): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new TimeoutError(what, reportedTimeoutMs);
      controller.abort(error);
      reject(error);
    }, timeoutMs);
  });
  try {
    return await Promise.race([Promise.resolve().then(() => operation(controller.signal)), expired]);
  } finally {
    clearTimeout(timer);
  }
}
