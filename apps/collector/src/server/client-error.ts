import { maxHeaderSize } from 'node:http';
import type { Duplex } from 'node:stream';
import { CollectorError } from '../errors/collector-error.js';

/** How much of a refused request is read and dropped after the answer before the socket is closed. */
export interface DrainLimits {
  /** Bytes read after the parser's error (default 1 MiB). */
  readonly bytes: number;
  /** Time after the answer (default 5 s). */
  readonly ms: number;
}

/** What Node's HTTP parser reports: `code` is `HPE_HEADER_OVERFLOW`, `HPE_INVALID_METHOD`, `ECONNRESET`, … */
export type ClientError = Error & { readonly code?: string };

const CLIENT_GONE = new Set(['ECONNRESET', 'HPE_INVALID_EOF_STATE']);

const DEFAULT_DRAIN: DrainLimits = { bytes: 1024 * 1024, ms: 5000 };

/**
 * A `clientError` listener for Node's HTTP server: answers a request its parser refused (a header
 * over `maxHeaderSize` → 431, a malformed request → 400) so the client can read the answer.
 * Node's own handler writes the status and destroys the socket at once; the client is usually still
 * sending its header, so the close turns into a TCP reset and it sees ECONNRESET or EPIPE instead of
 * the 431. Here the answer is followed by a FIN and what the client still sends is read and dropped
 * (the dead parser reports each chunk as another error) up to `drain.bytes` or `drain.ms`, then the
 * socket is closed.
 */
export function answerClientError(
  options: {
    readonly onAnswer?: (status: number, error: ClientError) => void;
    readonly drain?: Partial<DrainLimits>;
  } = {},
): (error: ClientError, socket: Duplex) => void {
  const drain = { ...DEFAULT_DRAIN, ...options.drain };
  const draining = new WeakMap<Duplex, number>();
  return function onClientError(error, socket) {
    const drainedFrom = draining.get(socket);
    if (drainedFrom !== undefined) {
      if (bytesRead(socket) - drainedFrom > drain.bytes) socket.destroy();
      return;
    }
    // A client that reset or closed the connection (EOF mid-request: the request in flight counts
    // it as a client abort) cannot take an answer, nor can a socket whose current request is still
    // being answered: raw bytes would corrupt that response.
    const inFlight = (socket as { _httpMessage?: unknown })._httpMessage;
    if (CLIENT_GONE.has(error.code ?? '') || !socket.writable || inFlight) {
      socket.destroy();
      return;
    }
    draining.set(socket, bytesRead(socket));
    const refusal = refusalOf(error);
    const body = JSON.stringify(refusal.toBody());
    socket.end(
      `HTTP/1.1 ${refusal.status} ${REASON[refusal.status]}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
    setTimeout(() => socket.destroy(), drain.ms).unref();
    options.onAnswer?.(refusal.status, error);
  };
}

function refusalOf(error: ClientError): CollectorError {
  switch (error.code) {
    case 'HPE_HEADER_OVERFLOW':
      return new CollectorError(
        'headers_too_large',
        `The request's headers are larger than ${maxHeaderSize} bytes; send a smaller header.`,
        maxHeaderSize,
      );
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return new CollectorError('request_timeout', 'The request was not received in time; send it again.');
    default:
      return new CollectorError('bad_request', 'The request is not valid HTTP/1.1.');
  }
}

const REASON: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  408: 'Request Timeout',
  431: 'Request Header Fields Too Large',
};

function bytesRead(socket: Duplex): number {
  return (socket as { bytesRead?: number }).bytesRead ?? 0;
}
