import type { SentMessage } from './identity-log.js';

/** The identity graph of a log, resolved in plain TypeScript from the rules in the metrics README. */
export interface ResolvedIdentities {
  /** Each id's first outgoing link: from → to. */
  readonly links: ReadonlyMap<string, string>;
  /** Later links of a linked id to another target, each pair once. */
  readonly conflicts: readonly { readonly from: string; readonly to: string }[];
  /** Every id at either end of a link: its person, and whether its links lead into a loop. */
  readonly identities: ReadonlyMap<string, { readonly person: string; readonly looped: boolean }>;
  /** The person of any id (an id without links is its own person). */
  readonly personOf: (id: string) => string;
}

const idOf = (value: unknown): string | undefined =>
  typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;

/**
 * Resolves persons the way the documented rules say, independently of the ETL's SQL: a valid
 * message links anonymousId → userId when it carries both (any type) and an alias links
 * previousId → userId; an id keeps its first outgoing link in arrival order (later ones to other
 * targets are conflicts); the person is the end of the chain, or the smallest id (bytewise) of
 * the loop the chain runs into.
 */
export function resolveIdentities(messages: readonly SentMessage[]): ResolvedIdentities {
  const links = new Map<string, string>();
  const conflicts = new Map<string, { from: string; to: string }>();
  for (const { payload, valid } of messages) {
    if (!valid) continue;
    const userId = idOf(payload.userId);
    const anonymousId = idOf(payload.anonymousId);
    const previousId = payload.type === 'alias' ? idOf(payload.previousId) : undefined;
    const pairs: [string | undefined, string | undefined][] = [
      [anonymousId, userId],
      [previousId, userId],
    ];
    for (const [from, to] of pairs) {
      if (from === undefined || to === undefined || from === to) continue;
      const first = links.get(from);
      if (first === undefined) links.set(from, to);
      else if (first !== to) conflicts.set(`${from}\u0000${to}`, { from, to });
    }
  }

  const resolved = new Map<string, { person: string; looped: boolean }>();
  const resolve = (id: string): { person: string; looped: boolean } => {
    const hit = resolved.get(id);
    if (hit) return hit;
    // Walk the chain; a node met twice closes a loop.
    const path: string[] = [];
    const position = new Map<string, number>();
    let node: string | undefined = id;
    let result: { person: string; looped: boolean } | undefined;
    while (node !== undefined) {
      const known = resolved.get(node);
      if (known) {
        result = known;
        break;
      }
      const at = position.get(node);
      if (at !== undefined) {
        const loop = path.slice(at);
        result = { person: [...loop].sort()[0] as string, looped: true };
        break;
      }
      position.set(node, path.length);
      path.push(node);
      node = links.get(node);
    }
    result ??= { person: path.at(-1) as string, looped: false };
    for (const p of path) resolved.set(p, result);
    return result;
  };
  const identities = new Map<string, { person: string; looped: boolean }>();
  for (const [from, to] of links) {
    identities.set(from, resolve(from));
    identities.set(to, resolve(to));
  }
  return {
    links,
    conflicts: [...conflicts.values()],
    identities,
    personOf: (id) => identities.get(id)?.person ?? id,
  };
}
