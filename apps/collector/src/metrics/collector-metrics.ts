/** Upper bounds (seconds) of the flush latency histogram buckets. */
export const FLUSH_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5] as const;

/** Counters and the flush histogram of one collector; `render` gives the Prometheus text format. */
export interface CollectorMetrics {
  readonly accepted: number;
  readonly duplicates: number;
  /** Rejected messages by rule (a message with several violations counts once per distinct rule). */
  readonly rejectedByReason: ReadonlyMap<string, number>;
  /** Responses by HTTP status. */
  readonly responses: ReadonlyMap<number, number>;
  countAccepted(count: number): void;
  countDuplicates(count: number): void;
  countRejected(rules: readonly string[]): void;
  countResponse(status: number): void;
  observeFlush(seconds: number): void;
  countFlushFailure(): void;
  /** Prometheus exposition text; `pending` is the writer's queue length at scrape time. */
  render(pending: number): string;
}

/** Creates an empty metrics set. */
export function createCollectorMetrics(): CollectorMetrics {
  let accepted = 0;
  let duplicates = 0;
  let flushFailures = 0;
  const rejectedByReason = new Map<string, number>();
  const responses = new Map<number, number>();
  const buckets = FLUSH_BUCKETS.map(() => 0);
  let flushCount = 0;
  let flushSum = 0;
  const add = <K>(map: Map<K, number>, key: K, by = 1) => map.set(key, (map.get(key) ?? 0) + by);
  return {
    get accepted() {
      return accepted;
    },
    get duplicates() {
      return duplicates;
    },
    rejectedByReason,
    responses,
    countAccepted: (count) => {
      accepted += count;
    },
    countDuplicates: (count) => {
      duplicates += count;
    },
    countRejected: (rules) => {
      for (const rule of new Set(rules)) add(rejectedByReason, rule);
    },
    countResponse: (status) => add(responses, status),
    observeFlush: (seconds) => {
      flushCount++;
      flushSum += seconds;
      FLUSH_BUCKETS.forEach((bound, index) => {
        if (seconds <= bound) buckets[index] = (buckets[index] ?? 0) + 1;
      });
    },
    countFlushFailure: () => {
      flushFailures++;
    },
    render: (pending) =>
      [
        '# HELP tributary_collector_events_accepted_total Events stored in raw.events.',
        '# TYPE tributary_collector_events_accepted_total counter',
        `tributary_collector_events_accepted_total ${accepted}`,
        '# HELP tributary_collector_events_duplicate_total Events whose messageId was already stored.',
        '# TYPE tributary_collector_events_duplicate_total counter',
        `tributary_collector_events_duplicate_total ${duplicates}`,
        '# HELP tributary_collector_events_rejected_total Messages stored in raw.rejected, by rule.',
        '# TYPE tributary_collector_events_rejected_total counter',
        ...[...rejectedByReason]
          .sort()
          .map(([rule, n]) => `tributary_collector_events_rejected_total{reason="${label(rule)}"} ${n}`),
        '# HELP tributary_collector_responses_total HTTP responses by status.',
        '# TYPE tributary_collector_responses_total counter',
        ...[...responses]
          .sort((a, b) => a[0] - b[0])
          .map(([status, n]) => `tributary_collector_responses_total{status="${status}"} ${n}`),
        '# HELP tributary_collector_flush_failures_total Flushes that failed (database errors).',
        '# TYPE tributary_collector_flush_failures_total counter',
        `tributary_collector_flush_failures_total ${flushFailures}`,
        '# HELP tributary_collector_flush_seconds Time to commit one micro-batch.',
        '# TYPE tributary_collector_flush_seconds histogram',
        ...FLUSH_BUCKETS.map(
          (bound, index) => `tributary_collector_flush_seconds_bucket{le="${bound}"} ${buckets[index]}`,
        ),
        `tributary_collector_flush_seconds_bucket{le="+Inf"} ${flushCount}`,
        `tributary_collector_flush_seconds_sum ${flushSum}`,
        `tributary_collector_flush_seconds_count ${flushCount}`,
        '# HELP tributary_collector_pending_events Events waiting for the next commit.',
        '# TYPE tributary_collector_pending_events gauge',
        `tributary_collector_pending_events ${pending}`,
        '',
      ].join('\n'),
  };
}

function label(value: string): string {
  return value.replace(/[\\"\n]/g, (c) => (c === '\n' ? '\\n' : `\\${c}`));
}
