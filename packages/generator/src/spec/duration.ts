/**
 * Prometheus durations ("90s", "6h", "1d12h"). The model stores them normalised the way
 * Prometheus prints them, so two spellings of one duration render identical rules.
 */

const durationPattern = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;

const unitsMs = [
  ['y', 365 * 24 * 3600_000],
  ['w', 7 * 24 * 3600_000],
  ['d', 24 * 3600_000],
  ['h', 3600_000],
  ['m', 60_000],
  ['s', 1000],
  ['ms', 1],
] as const;

// A fleet's rules read the same few durations (a `for` per target per alert) hundreds of
// thousands of times; short texts are remembered, in a map cleared when it fills.
const parsedDurations = new Map<string, number | undefined>();
const maxParsedDurations = 1000;
const maxCachedDurationLength = 32;

/** Milliseconds in a Prometheus duration, or undefined when the text is not one (or is zero). */
export function parseDuration(text: string): number | undefined {
  if (text.length > maxCachedDurationLength) return parseDurationText(text);
  if (parsedDurations.has(text)) return parsedDurations.get(text);
  const ms = parseDurationText(text);
  if (parsedDurations.size >= maxParsedDurations) parsedDurations.clear();
  parsedDurations.set(text, ms);
  return ms;
}

function parseDurationText(text: string): number | undefined {
  const match = durationPattern.exec(text);
  if (!match || text === '') return undefined;
  let total = 0;
  for (let i = 0; i < unitsMs.length; i++) {
    const amount = match[i + 1];
    if (amount !== undefined) total += Number(amount) * unitsMs[i]![1];
  }
  return total > 0 && Number.isSafeInteger(total) ? total : undefined;
}

export function isDuration(text: string): boolean {
  return parseDuration(text) !== undefined;
}

/** Formats milliseconds as Prometheus does: largest units first, years omitted ("1w", "1d12h"). */
export function formatDuration(ms: number): string {
  if (!Number.isSafeInteger(ms) || ms <= 0) throw new RangeError(`cannot format duration of ${ms} ms`);
  let rest = ms;
  let text = '';
  for (const [unit, size] of unitsMs) {
    if (unit === 'y') continue;
    const amount = Math.floor(rest / size);
    if (amount > 0) {
      text += `${amount}${unit}`;
      rest -= amount * size;
    }
  }
  return text;
}

/** Normalises a valid duration ("60m" -> "1h"); throws on invalid input. */
export function normaliseDuration(text: string): string {
  const ms = parseDuration(text);
  if (ms === undefined) throw new RangeError(`not a Prometheus duration: ${JSON.stringify(text)}`);
  return formatDuration(ms);
}

export function durationSeconds(text: string): number {
  const ms = parseDuration(text);
  if (ms === undefined) throw new RangeError(`not a Prometheus duration: ${JSON.stringify(text)}`);
  return ms / 1000;
}
