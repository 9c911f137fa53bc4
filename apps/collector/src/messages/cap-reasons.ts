import type { Reason } from './reason.js';
import { redactReason } from './redact-secrets.js';

/** How much of one rejected message's reasons is listed (in the response and its raw.rejected row). */
const REASON_CAPS = {
  /** Reasons listed in full; the others are counted per rule. */
  listed: 10,
  /** Characters kept of each text (path, expected, received, message). */
  chars: 256,
} as const;

/**
 * The reasons to list for a message: the first 10 (write keys redacted, each text cut to 256
 * characters), then one reason per rule of the rest, `{ path: '', rule, received: '<n> more' }`.
 * So a message with 5,000 undeclared properties yields 11 reasons, not 5,000.
 */
export function capReasons(reasons: readonly Reason[], secrets: readonly string[]): Reason[] {
  const listed = reasons
    .slice(0, REASON_CAPS.listed)
    .map((reason) => cutReason(redactReason(reason, secrets)));
  const more = new Map<string, number>();
  for (const reason of reasons.slice(REASON_CAPS.listed))
    more.set(reason.rule, (more.get(reason.rule) ?? 0) + 1);
  for (const [rule, count] of more)
    listed.push({
      path: '',
      rule,
      expected: '',
      received: `${count} more`,
      message: `${count} more ${rule} violation${count === 1 ? '' : 's'} in this message (not listed).`,
    });
  return listed;
}

function cutReason(reason: Reason): Reason {
  return {
    path: cut(reason.path),
    rule: reason.rule,
    expected: cut(reason.expected),
    received: cut(reason.received),
    message: cut(reason.message),
  };
}

/** At most `REASON_CAPS.chars` characters, never ending in half a surrogate pair (jsonb rejects those). */
export function cut(text: string): string {
  if (text.length <= REASON_CAPS.chars) return text;
  let end = REASON_CAPS.chars - 1;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return `${text.slice(0, end)}…`;
}
