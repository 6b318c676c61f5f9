/**
 * Traffic shapes of real services, as rates per second over simulated time. Time is seconds
 * since the promtool epoch (1970-01-01T00:00Z, a Thursday), so PromQL's `hour()` and
 * `day_of_week()` agree with the simulated day and week.
 */
import { Random } from './random.js';

export type RateProfile = (t: number) => number;

const hourSeconds = 3600;
const daySeconds = 86_400;

/**
 * People-driven load over a day, relative to the daily mean: a night floor (~12% of the
 * mean from 23:00 to 06:00 UTC), a morning ramp and an afternoon peak near 14:30.
 */
function diurnalRaw(hourOfDay: number): number {
  const night = 0.08;
  if (hourOfDay < 6 || hourOfDay >= 23) return night;
  return night + Math.sin((Math.PI * (hourOfDay - 6)) / 17) ** 1.5;
}

const diurnalMean = (() => {
  let sum = 0;
  const samples = 24 * 60;
  for (let i = 0; i < samples; i++) sum += diurnalRaw((i * 24) / samples);
  return sum / samples;
})();

/** Share of a weekday's traffic that a weekend day carries. */
export const weekendFactor = 0.55;

export function dayOfWeek(t: number): number {
  // 1970-01-01 was a Thursday (day_of_week() = 4).
  return (Math.floor(t / daySeconds) + 4) % 7;
}

export function hourOfDay(t: number): number {
  return (t % daySeconds) / hourSeconds;
}

/** Daily and weekly seasonality around 1 (the weekday daily mean). */
export function seasonality(t: number): number {
  const weekday = dayOfWeek(t);
  const week = weekday === 0 || weekday === 6 ? weekendFactor : 1;
  return (diurnalRaw(hourOfDay(t)) / diurnalMean) * week;
}

/**
 * Real traffic is over-dispersed: besides Poisson noise, each day and each hour runs a little
 * hotter or colder than the model. Log-normal factors per day (8%) and per hour (10%).
 */
export function dispersion(random: Random): (t: number) => number {
  const days = new Map<number, number>();
  const hours = new Map<number, number>();
  const factor = (cache: Map<number, number>, key: number, sigma: number): number => {
    let value = cache.get(key);
    if (value === undefined) {
      value = Math.exp(sigma * random.fork(`${sigma}:${key}`).normal());
      cache.set(key, value);
    }
    return value;
  };
  return (t) => factor(days, Math.floor(t / daySeconds), 0.08) * factor(hours, Math.floor(t / hourSeconds), 0.1);
}

/** A people-driven rate with `meanPerSecond` as its weekday daily mean. */
export function diurnal(meanPerSecond: number, random: Random): RateProfile {
  const noise = dispersion(random);
  return (t) => meanPerSecond * seasonality(t) * noise(t);
}

/** A rate with no seasonality (machines talking to machines), with the same over-dispersion. */
export function flat(perSecond: number, random: Random): RateProfile {
  const noise = dispersion(random);
  return (t) => perSecond * noise(t);
}

/**
 * A bursty pipeline: batches of `itemsPerBurst` items over `burstMinutes`, started at random
 * during working hours, plus one nightly batch; quiet in between, never longer than
 * `longestQuietSeconds` (so a healthy pipeline stays inside its zero-items window).
 */
export function bursty(random: Random, options: { readonly itemsPerBurst: number; readonly burstMinutes: number; readonly longestQuietSeconds: number; readonly days: number }): RateProfile {
  const starts: number[] = [];
  for (let day = 0; day < options.days + 1; day++) {
    const base = day * daySeconds;
    starts.push(base + 2 * hourSeconds + random.integer(0, 40) * 60); // nightly batch ~02:00-02:40
    const daytime = dayOfWeek(base) === 0 || dayOfWeek(base) === 6 ? 2 : random.integer(3, 6);
    for (let i = 0; i < daytime; i++) starts.push(base + 8 * hourSeconds + random.integer(0, 14 * 60) * 60);
  }
  starts.sort((a, b) => a - b);
  // Fill any quiet stretch longer than allowed with an extra batch in its middle.
  const filled: number[] = [];
  for (const start of starts) {
    let previous = filled.at(-1);
    while (previous !== undefined && start - previous > options.longestQuietSeconds) {
      previous = previous + Math.floor(options.longestQuietSeconds / 2);
      filled.push(previous);
    }
    filled.push(start);
  }
  const length = options.burstMinutes * 60;
  const rate = options.itemsPerBurst / length;
  return (t) => (filled.some((start) => t >= start && t < start + length) ? rate : 0);
}

/** `profile` scaled by `factor(t)` (a drop, a surge, a stop). */
export function scaled(profile: RateProfile, factor: (t: number) => number): RateProfile {
  return (t) => profile(t) * factor(t);
}

/** 1 outside [from, to), `inside` within it. */
export function window(from: number, to: number, inside: number): (t: number) => number {
  return (t) => (t >= from && t < to ? inside : 1);
}
