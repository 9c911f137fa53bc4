import type { IncomingMessage } from 'node:http';
import type { Logger } from 'pino';

/** Hono environment of the collector app: per-request variables and the Node request when served by Node. */
export interface CollectorEnv {
  Variables: {
    requestId: string;
    logger: Logger;
  };
  Bindings: {
    incoming?: IncomingMessage;
  };
}
