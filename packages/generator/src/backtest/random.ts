/**
 * Seeded randomness for the backtest simulation: the same seed renders the same series on
 * every machine, so a backtest result can be reproduced and diffed.
 */

/** A uniform generator on [0, 1) (mulberry32: small, fast and well mixed for simulation). */
export class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** A standard normal deviate (Box-Muller). */
  normal(): number {
    const u = Math.max(this.next(), 1e-12);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }

  /** Events in an interval whose expected count is `mean`: exact for small means, normal above 50. */
  poisson(mean: number): number {
    if (!(mean > 0)) return 0;
    if (mean > 50) return Math.max(0, Math.round(mean + Math.sqrt(mean) * this.normal()));
    const limit = Math.exp(-mean);
    let count = 0;
    let product = this.next();
    while (product > limit) {
      count += 1;
      product *= this.next();
    }
    return count;
  }

  /** Successes among `trials` with probability `p`: exact up to 60 trials, normal above. */
  binomial(trials: number, p: number): number {
    if (trials <= 0 || p <= 0) return 0;
    if (p >= 1) return trials;
    if (trials <= 60) {
      let successes = 0;
      for (let i = 0; i < trials; i++) if (this.next() < p) successes += 1;
      return successes;
    }
    const mean = trials * p;
    const sd = Math.sqrt(mean * (1 - p));
    return Math.min(trials, Math.max(0, Math.round(mean + sd * this.normal())));
  }

  /** An integer in [from, to]. */
  integer(from: number, to: number): number {
    return from + Math.floor(this.next() * (to - from + 1));
  }

  /** A child generator, so adding a draw in one place does not shift every other series. */
  fork(salt: string): Random {
    let hash = this.state ^ 0x9e3779b9;
    for (let i = 0; i < salt.length; i++) hash = Math.imul(hash ^ salt.charCodeAt(i), 0x01000193) >>> 0;
    return new Random(hash);
  }
}
