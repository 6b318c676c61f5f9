/** Counts the turns of the event loop (one setImmediate callback a turn) until stopped. */
export interface Ticker {
  /** Turns so far; a test may set it back to 0 at a moment of its choosing. */
  ticks: number;
  stop(): void;
}

export function startTicker(): Ticker {
  let running = true;
  const ticker: Ticker = {
    ticks: 0,
    stop: () => {
      running = false;
    },
  };
  const tick = (): void => {
    ticker.ticks += 1;
    if (running) setImmediate(tick);
  };
  setImmediate(tick);
  return ticker;
}
