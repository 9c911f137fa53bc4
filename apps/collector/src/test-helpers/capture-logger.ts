import { pino } from 'pino';

/** One parsed log line. */
export type LogLine = Readonly<Record<string, unknown>> & { readonly level: number; readonly msg?: string };

/** A pino logger at `trace` whose lines are kept (raw and parsed); `next` waits for a matching line. */
export function captureLogger() {
  const raw: string[] = [];
  const lines: LogLine[] = [];
  const waiters: { match: (line: LogLine) => boolean; resolve: (line: LogLine) => void }[] = [];
  const logger = pino(
    { level: 'trace' },
    {
      write(text: string) {
        raw.push(text);
        const line = JSON.parse(text) as LogLine;
        lines.push(line);
        for (const waiter of [...waiters])
          if (waiter.match(line)) {
            waiters.splice(waiters.indexOf(waiter), 1);
            waiter.resolve(line);
          }
      },
    },
  );
  return {
    logger,
    /** Every line as written. */
    raw,
    lines,
    /** The first line (already written or still to come) that matches. */
    next(match: (line: LogLine) => boolean): Promise<LogLine> {
      const found = lines.find(match);
      if (found) return Promise.resolve(found);
      return new Promise((resolve) => waiters.push({ match, resolve }));
    },
  };
}
