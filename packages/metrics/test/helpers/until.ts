/** Polls (bounded) until `ready` holds. */
export async function until<T>(what: string, get: () => Promise<T>, ready: (value: T) => boolean, attempts = 100): Promise<T> {
  for (let i = 0; i < attempts; i++) {
    const value = await get();
    if (ready(value)) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}
