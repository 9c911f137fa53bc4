/** PostgreSQL truncates identifiers to 63 bytes (NAMEDATALEN - 1). */
export const MAX_IDENTIFIER_BYTES = 63;

const HASH_LENGTH = 8;
const encoder = new TextEncoder();

/**
 * Quotes an identifier for PostgreSQL: always double-quoted, embedded quotes doubled, so reserved
 * words (`user`, `order`, `select`) and any other name are safe.
 *
 * @example quoteIdentifier('user') // → "user"
 */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** The UTF-8 byte length of a name, which is what PostgreSQL's 63-byte limit counts. */
export function identifierBytes(name: string): number {
  return encoder.encode(name).length;
}

/**
 * Shortens a name longer than 63 bytes deterministically: a prefix of the name, `_`, and an
 * 8-hex-digit hash of the full name, 63 bytes in all. Names that fit are returned unchanged.
 *
 * @example shortenIdentifier('a'.repeat(70)) // → 'aaa…aaa_1c3b2d4e' (63 bytes)
 */
export function shortenIdentifier(name: string): string {
  if (identifierBytes(name) <= MAX_IDENTIFIER_BYTES) return name;
  const budget = MAX_IDENTIFIER_BYTES - HASH_LENGTH - 1;
  let prefix = '';
  let bytes = 0;
  for (const char of name) {
    const size = identifierBytes(char);
    if (bytes + size > budget) break;
    prefix += char;
    bytes += size;
  }
  return `${prefix}_${fnv1a32(name)}`;
}

/** FNV-1a (32 bit) over the UTF-8 bytes, as 8 hex digits: small, stable and dependency-free. */
function fnv1a32(text: string): string {
  let hash = 0x811c9dc5;
  for (const byte of encoder.encode(text)) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(HASH_LENGTH, '0');
}
