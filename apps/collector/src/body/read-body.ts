import { CollectorError } from '../errors/collector-error.js';
import type { CollectorLimits } from '../options.js';

const ACCEPTED_TYPES = new Set(['application/json', 'text/plain']);

/** The request body as text plus its size on the wire. */
export interface RequestBody {
  readonly text: string;
  readonly bytes: number;
}

/**
 * Reads a JSON or text/plain body (the browser SDK sends text/plain), gunzipping
 * `Content-Encoding: gzip` as a stream and aborting as soon as either the wire size or the
 * decompressed size passes its limit, so a gzip bomb costs at most `maxDecompressedBytes`.
 */
export async function readBody(
  request: Request,
  limits: CollectorLimits,
  /** The Node request stream when served by Node: read directly, without a web stream per request. */
  nodeBody?: AsyncIterable<Uint8Array>,
): Promise<RequestBody> {
  assertContentType(request.headers.get('content-type'));
  const encoding = (request.headers.get('content-encoding') ?? 'identity').trim().toLowerCase();
  if (encoding !== 'identity' && encoding !== 'gzip' && encoding !== 'x-gzip')
    throw new CollectorError(
      'unsupported_encoding',
      `Content-Encoding "${encoding}" is not supported; send the body uncompressed or with gzip.`,
    );
  const declared = Number(request.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > limits.maxBodyBytes) throw bodyTooLarge(limits.maxBodyBytes);
  const gzip = encoding !== 'identity';
  if (!gzip && nodeBody) {
    const bytes = await collectNode(nodeBody, limits.maxBodyBytes);
    return { text: decodeUtf8(bytes), bytes: bytes.byteLength };
  }
  if (!request.body) return { text: '', bytes: 0 };
  if (!gzip) {
    // Plain bodies: `collect` itself stops at the limit, no extra stream stage per request.
    const bytes = await collect(request.body, limits.maxBodyBytes, false);
    return { text: decodeUtf8(bytes), bytes: bytes.byteLength };
  }
  let wireBytes = 0;
  const counted = request.body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        wireBytes += chunk.byteLength;
        if (wireBytes > limits.maxBodyBytes) controller.error(bodyTooLarge(limits.maxBodyBytes));
        else controller.enqueue(chunk);
      },
    }),
  );
  const stream = counted.pipeThrough(
    new DecompressionStream('gzip') as TransformStream<Uint8Array, Uint8Array>,
  );
  const bytes = await collect(stream, limits.maxDecompressedBytes, true);
  return { text: decodeUtf8(bytes), bytes: wireBytes };
}

function decodeUtf8(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new CollectorError('invalid_encoding', 'The body is not valid UTF-8; send JSON encoded as UTF-8.');
  }
}

async function collect(
  stream: ReadableStream<Uint8Array>,
  limit: number,
  gzip: boolean,
): Promise<Uint8Array> {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > limit) {
        await reader.cancel().catch(() => {});
        throw gzip
          ? new CollectorError(
              'body_too_large',
              `The decompressed body is larger than ${limit} bytes (maxDecompressedBytes); send smaller batches.`,
              limit,
            )
          : bodyTooLarge(limit);
      }
      chunks.push(value);
    }
  } catch (error) {
    if (error instanceof CollectorError) throw error;
    if (gzip)
      throw new CollectorError(
        'invalid_gzip',
        'The body is not valid gzip (Content-Encoding: gzip); compress it again.',
      );
    throw error;
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

async function collectNode(stream: AsyncIterable<Uint8Array>, limit: number): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of stream) {
    total += chunk.byteLength;
    if (total > limit) throw bodyTooLarge(limit);
    chunks.push(chunk);
  }
  return chunks.length === 1 ? (chunks[0] as Uint8Array) : Buffer.concat(chunks, total);
}

function assertContentType(header: string | null): void {
  if (header === null) return;
  const type = header.split(';')[0]?.trim().toLowerCase() ?? '';
  if (!ACCEPTED_TYPES.has(type))
    throw new CollectorError(
      'unsupported_media_type',
      `Content-Type "${type}" is not accepted; send application/json or text/plain.`,
    );
}

function bodyTooLarge(limit: number): CollectorError {
  return new CollectorError(
    'body_too_large',
    `The request body is larger than ${limit} bytes (maxBodyBytes); send smaller batches.`,
    limit,
  );
}
