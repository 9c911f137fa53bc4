import { type ConsumerLag, renderConsumerLag } from './consumer-lag.js';

/** A loader's counters since it started. */
export interface LoaderStats {
  /** Batches committed. */
  readonly batches: number;
  /** Messages committed and acknowledged. */
  readonly messages: number;
  /** Events new in raw.events. */
  readonly inserted: number;
  /** Events already stored (redeliveries). */
  readonly duplicates: number;
  /** Messages written to raw.rejected. */
  readonly rejected: number;
  /** Failed fetches and failed commits (each followed by a retry or a redelivery). */
  readonly failures: number;
}

/** The counters of several loaders added up (one process running `--loaders n`). */
export function sumLoaderStats(all: readonly LoaderStats[]): LoaderStats {
  const sum = (key: keyof LoaderStats) => all.reduce((total, stats) => total + stats[key], 0);
  return {
    batches: sum('batches'),
    messages: sum('messages'),
    inserted: sum('inserted'),
    duplicates: sum('duplicates'),
    rejected: sum('rejected'),
    failures: sum('failures'),
  };
}

/** Prometheus text of a loader: its counters, then the consumer lag gauges. */
export function renderLoaderMetrics(stats: LoaderStats, lag: ConsumerLag | undefined): string {
  const counter = (name: string, help: string, value: number) => [
    `# HELP ${name} ${help}`,
    `# TYPE ${name} counter`,
    `${name} ${value}`,
  ];
  return [
    ...counter('tributary_loader_batches_total', 'Batches committed to the warehouse.', stats.batches),
    ...counter('tributary_loader_messages_total', 'Messages committed and acknowledged.', stats.messages),
    ...counter('tributary_loader_events_inserted_total', 'Events new in raw.events.', stats.inserted),
    ...counter(
      'tributary_loader_events_duplicate_total',
      'Events whose message_id was already stored (redeliveries).',
      stats.duplicates,
    ),
    ...counter('tributary_loader_rejected_total', 'Messages written to raw.rejected.', stats.rejected),
    ...counter(
      'tributary_loader_failures_total',
      'Failed fetches and commits (retried or redelivered).',
      stats.failures,
    ),
    renderConsumerLag(lag),
  ].join('\n');
}
