/** A structured log record; written as one JSON line. */
export type LogRecord = Readonly<Record<string, unknown>>;

export type Logger = (record: LogRecord) => void;

/**
 * One JSON line on stdout. On Linux, writes to pipes and files are synchronous, so a line
 * written just before `process.exit` is not lost.
 */
export const jsonLineLogger: Logger = (record) => {
  process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), ...record })}\n`);
};

export function memoryMB(): number {
  return Math.round((process.memoryUsage.rss() / 1_048_576) * 10) / 10;
}
