import { compileEtl } from '@tributary/sql';
import { documentOf, type EtlRunResult, type RunEtlOptions, runEtl } from './run-etl.js';

/** The channel the collector notifies after each commit (payload: the highest seq written). */
export const RAW_EVENTS_CHANNEL = 'tributary_raw_events';

export interface WatchEtlOptions extends Omit<RunEtlOptions, 'mode' | 'program'> {
  /** Stops watching: the current run finishes, then the listener and timers are removed. */
  readonly signal: AbortSignal;
  /** Wait this long after a notification for more before running (default 100 ms). */
  readonly debounceMs?: number;
  /** Run anyway this often, in case a notification was missed (default 5,000 ms). */
  readonly pollMs?: number;
  /** Called after each incremental run that processed rows. */
  readonly onRun?: (result: EtlRunResult) => void;
  /** Called when a run fails; watching continues (the failed chunk was rolled back). Default: rethrow. */
  readonly onError?: (error: unknown) => void;
}

/**
 * Notified ETL: LISTENs on `tributary_raw_events`, and after a notification (debounced) or a poll
 * interval runs the ETL incrementally; one run at a time, and a notification during a run causes
 * one more run after it. Resolves when `signal` aborts (after the current run ends).
 *
 * @example
 * const controller = new AbortController();
 * process.once('SIGINT', () => controller.abort());
 * await watchEtl({ warehouse, plan, signal: controller.signal });
 */
export async function watchEtl(options: WatchEtlOptions): Promise<void> {
  const { signal, debounceMs = 100, pollMs = 5_000 } = options;
  const program = compileEtl(documentOf(options));
  let running: Promise<void> | undefined;
  let again = false;
  let debounce: ReturnType<typeof setTimeout> | undefined;
  let failure: unknown;
  let stop!: () => void;
  const stopped = new Promise<void>((resolve) => {
    stop = resolve;
  });

  const runOnce = async (): Promise<void> => {
    try {
      const result = await runEtl({ ...options, mode: 'incremental', program });
      if (result.extracted > 0) options.onRun?.(result);
    } catch (error) {
      if (options.onError) options.onError(error);
      else {
        failure = error;
        stop();
      }
    }
  };
  const trigger = () => {
    if (signal.aborted) return;
    if (running) {
      again = true;
      return;
    }
    running = (async () => {
      do {
        again = false;
        await runOnce();
      } while (again && !signal.aborted && failure === undefined);
      running = undefined;
    })();
  };
  const notified = () => {
    if (debounce) clearTimeout(debounce);
    debounce = setTimeout(trigger, debounceMs);
  };

  const unlisten = await options.warehouse.listen(RAW_EVENTS_CHANNEL, notified);
  const poll = setInterval(trigger, pollMs);
  const onAbort = () => stop();
  signal.addEventListener('abort', onAbort, { once: true });
  if (signal.aborted) stop();
  trigger();
  try {
    await stopped;
  } finally {
    signal.removeEventListener('abort', onAbort);
    clearInterval(poll);
    if (debounce) clearTimeout(debounce);
    await unlisten();
    await running;
  }
  if (failure !== undefined) throw failure;
}
