import { SqlError } from '../errors.js';
import { shortenIdentifier } from '../identifiers.js';

/** A name the warehouse will create, with where it came from (for collision messages). */
export interface NameClaim {
  /** The name before shortening. */
  readonly full: string;
  /** `property "store.country" of purchase v1`, `envelope column`, … */
  readonly source: string;
}

/**
 * Checks that no two claims end up with the same identifier after shortening; throws an
 * `identifier_collision` SqlError naming both sources otherwise.
 */
export function assertDistinctNames(
  claims: readonly NameClaim[],
  what: string,
  where: string,
  sameName = 'after flattening nested objects with "_"',
): void {
  const seen = new Map<string, NameClaim>();
  for (const claim of claims) {
    const name = shortenIdentifier(claim.full);
    const earlier = seen.get(name);
    if (earlier === undefined) {
      seen.set(name, claim);
      continue;
    }
    const how =
      earlier.full === claim.full
        ? sameName
        : `after shortening to 63 bytes ("${earlier.full}" and "${claim.full}")`;
    throw new SqlError(
      'identifier_collision',
      `${where}: ${earlier.source} and ${claim.source} both become ${what} "${name}" ${how}; rename one of them.`,
      { where, name, sources: [earlier.source, claim.source] },
    );
  }
}

/** `<table>_pkey`, shortened to 63 bytes when needed (PostgreSQL's own default spelling). */
export function primaryKeyName(table: string): string {
  return shortenIdentifier(`${table}_pkey`);
}

/** `<table>_<columns>_key`. */
export function uniqueName(table: string, columns: readonly string[]): string {
  return shortenIdentifier(`${table}_${columns.join('_')}_key`);
}

/** `<table>_<column>_check`. */
export function checkName(table: string, column: string): string {
  return shortenIdentifier(`${table}_${column}_check`);
}

/** `<table>_<columns>_idx`. */
export function indexName(table: string, columns: readonly string[]): string {
  return shortenIdentifier(`${table}_${columns.join('_')}_idx`);
}
