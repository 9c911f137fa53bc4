import type { WriteRequest, WriteResult } from './batch-writer.js';

/**
 * Where the ingest routes hand accepted and rejected messages: the database (`BatchWriter`, the
 * default) or the JetStream broker (`BrokerSink`). `write` settles only when the rows are durable.
 */
export interface EventSink {
  /** Events (and rejected messages) not yet durable. */
  readonly pending: number;
  write(request: WriteRequest): Promise<WriteResult>;
  /** Makes everything written so far durable. */
  flush(): Promise<void>;
  /** Shutdown has begun: flush what is queued and every later write at once. */
  drain(): Promise<void>;
  /** Stops accepting writes and flushes. */
  close(): Promise<void>;
}
