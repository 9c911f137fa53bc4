/** The subset of `fetch` the tracker uses, injected so tests can fake the network. */
export type FetchLike = (
  url: string,
  init: {
    method: 'POST';
    headers: Record<string, string>;
    body: string;
    signal?: AbortSignal;
    keepalive?: boolean;
  },
) => Promise<{ status: number; headers: { get(name: string): string | null }; text(): Promise<string> }>;
