import { storableText } from '../body/scan-value.js';
import { stripWriteKeys } from '../body/strip-write-keys.js';
import type { Reason } from './reason.js';

/** What replaces a write key found in stored text. */
const REDACTED = '[redacted]';

/** Removed `writeKey` values at least this long are also redacted wherever else they occur. */
const MIN_REDACTED_LENGTH = 8;

/** The validators quote at most this many characters of a string in `received` (then "…"). */
const VALIDATOR_STRING_PREVIEW = 40;

/** The text to store for a rejected body or message, and the secrets to keep out of its reasons too. */
export interface FilteredText {
  readonly text: string;
  readonly secrets: readonly string[];
}

/**
 * The text stored in `raw.rejected` for what arrived as `raw`: every `writeKey` member removed
 * (`stripWriteKeys`), then every other occurrence of a write key — the key that authenticated the
 * request and the removed members' values — replaced by `[redacted]`, then NUL and lone
 * surrogates escaped (`storableText`). Everything else stays exactly as received.
 */
export function filterRejectedText(raw: string, requestKey: string): FilteredText {
  const stripped = stripWriteKeys(raw);
  // A removed value shorter than a plausible key ("x", "1") is not hunted through the rest of the
  // text: replacing every "x" would destroy the payload to hide what is no secret.
  const removed = stripped.removedKeys.filter((key) => key.length >= MIN_REDACTED_LENGTH);
  const secrets = [...new Set([requestKey, ...removed])]
    .filter((secret) => secret !== '')
    // Longest first, so a key that contains another is replaced whole.
    .sort((a, b) => b.length - a.length);
  return { text: storableText(redactSecrets(stripped.text, secrets)), secrets };
}

/** `text` with each secret, as written or JSON-escaped, replaced by `[redacted]`. */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (out.includes(secret)) out = out.replaceAll(secret, REDACTED);
    const escaped = JSON.stringify(secret).slice(1, -1);
    if (escaped !== secret && out.includes(escaped)) out = out.replaceAll(escaped, REDACTED);
  }
  return out;
}

/**
 * A reason without the secrets: the validators echo a value in `received` and `message` (a
 * property named `writeKey`, a key pasted into another field), cut to its first 40 characters.
 */
export function redactReason(reason: Reason, secrets: readonly string[]): Reason {
  if (secrets.length === 0) return reason;
  const heads = secrets.flatMap((secret) =>
    secret.length > VALIDATOR_STRING_PREVIEW ? [secret, secret.slice(0, VALIDATOR_STRING_PREVIEW)] : [secret],
  );
  return {
    path: redactSecrets(reason.path, heads),
    rule: reason.rule,
    expected: redactSecrets(reason.expected, heads),
    received: redactSecrets(reason.received, heads),
    message: redactSecrets(reason.message, heads),
  };
}
