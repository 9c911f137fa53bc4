import { CollectorConfigError } from '../errors/collector-config-error.js';
import type { SourceConfig } from '../options.js';
import { hashesEqual, hashKey } from './hash-key.js';

/** A configured source with its defaults applied. */
export interface Source {
  readonly name: string;
  readonly enabled: boolean;
  readonly corsOrigins: readonly string[];
}

/** Looks up sources by write key. Every configured hash is compared, in constant time each. */
export interface SourceRegistry {
  find(writeKey: string): Source | undefined;
  /** True when any enabled source allows this browser origin (for preflight requests, which carry no key). */
  anyAllowsOrigin(origin: string): boolean;
}

/**
 * Builds the registry from configuration (hashes only; keys are never kept). One key maps to one
 * source: two sources with the same key hash are a `duplicate_write_key` error naming both.
 */
export function createSourceRegistry(sources: readonly SourceConfig[]): SourceRegistry {
  const entries = sources.map((config) => ({
    hash: config.writeKeyHash.toLowerCase(),
    source: { name: config.name, enabled: config.enabled ?? true, corsOrigins: config.corsOrigins ?? [] },
  }));
  const byHash = new Map<string, Source>();
  for (const { hash, source } of entries) {
    const first = byHash.get(hash);
    if (first)
      throw new CollectorConfigError(
        'duplicate_write_key',
        `Sources "${first.name}" and "${source.name}" have the same write key; one key maps to one source. Give each source its own key.`,
        { sources: [first.name, source.name] },
      );
    byHash.set(hash, source);
  }
  return {
    find(writeKey) {
      const hash = hashKey(writeKey);
      let found: Source | undefined;
      for (const entry of entries) if (hashesEqual(hash, entry.hash) && !found) found = entry.source;
      return found;
    },
    anyAllowsOrigin(origin) {
      return entries.some((entry) => entry.source.enabled && originAllowed(entry.source, origin));
    },
  };
}

/** True when the source lists the origin or `*`. */
export function originAllowed(source: Source, origin: string): boolean {
  return source.corsOrigins.includes('*') || source.corsOrigins.includes(origin);
}
