import type { SourceRegistry } from './auth/source-registry.js';
import type { CollectorMetrics } from './metrics/collector-metrics.js';
import type { CollectorLimits, IpAnonymization } from './options.js';
import type { ApiHostResolver } from './routes/api-host.js';
import type { MessageValidator } from './validation/message-validator.js';
import type { EventSink } from './writer/event-sink.js';

/** What the route handlers share; built once by `createCollector`. */
export interface CollectorDeps {
  readonly limits: CollectorLimits;
  readonly registry: SourceRegistry;
  readonly validate: MessageValidator;
  readonly writer: EventSink;
  readonly metrics: CollectorMetrics;
  readonly clock: () => Date;
  readonly generateId: () => string;
  readonly ipAnonymization: IpAnonymization;
  readonly trustProxy: boolean;
  readonly retryAfterSeconds: number;
  readonly ping: () => Promise<void>;
  /** The settings document's `apiHost` for a request's Host (undefined: not an allowed host). */
  readonly apiHost: ApiHostResolver;
  /** More Prometheus text for `/metrics` (the broker's consumer lag). */
  readonly extraMetrics?: () => Promise<string>;
}
