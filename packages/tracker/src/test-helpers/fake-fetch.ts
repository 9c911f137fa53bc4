import type { FetchLike } from '../fetch-like.js';

/** What a fake collector answers to one request. */
export type FakeReply =
  | { readonly status: number; readonly headers?: Record<string, string>; readonly body?: string }
  | { readonly networkError: string }
  /** Never answers (until aborted by the tracker's request timeout). */
  | { readonly hang: true };

export interface ReceivedRequest {
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body: { batch: Record<string, any>[]; sentAt: string };
  readonly bytes: number;
  readonly keepalive: boolean;
}

/** A fetch that records requests and answers from `reply` (default 200). */
export function fakeFetch(
  reply: (request: ReceivedRequest, index: number) => FakeReply = () => ({ status: 200 }),
) {
  const requests: ReceivedRequest[] = [];
  const fetch: FetchLike = async (url, init) => {
    const request: ReceivedRequest = {
      url,
      headers: init.headers,
      body: JSON.parse(init.body),
      bytes: Buffer.byteLength(init.body),
      keepalive: init.keepalive === true,
    };
    requests.push(request);
    const answer = reply(request, requests.length - 1);
    if ('networkError' in answer)
      throw new TypeError('fetch failed', { cause: new Error(answer.networkError) });
    if ('hang' in answer) {
      return new Promise((_, reject) => {
        init.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
      });
    }
    const headers = new Map(Object.entries(answer.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
    return {
      status: answer.status,
      headers: { get: (name) => headers.get(name.toLowerCase()) ?? null },
      text: async () => answer.body ?? '',
    };
  };
  return {
    fetch,
    requests,
    /** Every message received, in order, including retries. */
    messages: () => requests.flatMap((r) => r.body.batch),
  };
}
