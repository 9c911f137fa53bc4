/** The Segment message types, with the one-letter paths the HTTP API also accepts. */
export const MESSAGE_TYPES = {
  track: 't',
  identify: 'i',
  page: 'p',
  screen: 's',
  group: 'g',
  alias: 'a',
} as const;

/** `track`, `identify`, … */
export type MessageType = keyof typeof MESSAGE_TYPES;

/** What an ingest path accepts: a batch, or one message of a fixed type. */
export type IngestRoute =
  | { readonly kind: 'batch' }
  | { readonly kind: 'single'; readonly type: MessageType };

/** Every ingest path (`/v1/batch`, `/v1/b`, `/v1/track`, `/v1/t`, …) and what it accepts. */
export const INGEST_PATHS: readonly (readonly [string, IngestRoute])[] = [
  ['/v1/batch', { kind: 'batch' }],
  ['/v1/b', { kind: 'batch' }],
  ...Object.entries(MESSAGE_TYPES).flatMap(([type, letter]) => {
    const route: IngestRoute = { kind: 'single', type: type as MessageType };
    return [[`/v1/${type}`, route] as const, [`/v1/${letter}`, route] as const];
  }),
];
