/**
 * Operational noise every team lives with: deploys, the odd crash, failed scrapes, a
 * Prometheus restart. None of it is an incident; a good alert set stays quiet through it.
 */
import type { TargetSim, World } from '../simulation.js';

const hour = 3600;

/** A rolling deploy: the old process exits, the new one serves 20 s later (scrapes at :00 miss nothing). */
export function deploy(target: TargetSim, at: number): void {
  target.restart(at, 20);
}

/** A crash and a restart by the supervisor 75 s later: one scrape sees the target down. */
export function crash(target: TargetSim, at: number): void {
  target.restart(at, 75);
}

export interface RoutineNoise {
  /** Deploys per service per working day (10:00-17:00, weekdays). */
  readonly deploysPerDay?: number;
  /** Crashes over the whole run, on random targets at random times. */
  readonly crashes?: number;
  /** Single failed scrapes (one step) per target per day. */
  readonly failedScrapesPerDay?: number;
  /** Two-minute scrape blips (a network hiccup) over the whole run, on random targets. */
  readonly blips?: number;
  /** Prometheus restarts (a four-minute hole in every series) over the whole run. */
  readonly prometheusRestarts?: number;
}

/** Noise spread over the run with the world's seed; times fall mid-minute so they read clearly. */
export function routineNoise(world: World, noise: RoutineNoise): void {
  const random = world.random.fork('noise');
  const step = world.options.stepSeconds;
  const firstDay = Math.floor(world.start / 86_400);
  const lastDay = Math.floor((world.horizon - 1) / 86_400);
  const inRun = (t: number): boolean => t > world.start + step && t < world.horizon - step;
  const targets = world.targets();
  const anyTarget = (): TargetSim => targets[random.integer(0, targets.length - 1)]!;
  const anyTime = (): number => world.start + random.integer(10, Math.floor((world.horizon - world.start) / step) - 10) * step;
  for (let day = firstDay; day <= lastDay; day++) {
    const weekday = (day + 4) % 7;
    if (weekday !== 0 && weekday !== 6) {
      for (const service of world.services) {
        for (let i = 0; i < (noise.deploysPerDay ?? 0); i++) {
          const at = day * 86_400 + 10 * hour + random.integer(0, 7 * 60 - 1) * 60 + 25;
          if (inRun(at)) deploy(service, at);
        }
      }
    }
    for (const target of targets) {
      for (let i = 0; i < (noise.failedScrapesPerDay ?? 0); i++) {
        const at = day * 86_400 + random.integer(0, 24 * 60 - 1) * 60;
        if (inRun(at)) target.failScrapes(at, step);
      }
    }
  }
  for (let i = 0; i < (noise.crashes ?? 0); i++) crash(anyTarget(), anyTime() + 10);
  for (let i = 0; i < (noise.blips ?? 0); i++) anyTarget().failScrapes(anyTime(), 2 * step);
  for (let i = 0; i < (noise.prometheusRestarts ?? 0); i++) world.restartPrometheus(anyTime(), 4 * step);
}
