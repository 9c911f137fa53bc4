import type { SqlRunner } from '@tributary/warehouse';
import { generateDataset, type RawRow } from '@tributary/warehouse/testing';

/** The rows appended before the incremental run, and the new links they carry. */
export interface NewEvents {
  readonly rows: RawRow[];
  /** Anonymous-only users of the loaded data who sign in now (one new link each). */
  readonly signIns: number;
  /** Of those, how many sign in to a user id the data already has (two existing persons merge). */
  readonly intoExistingUsers: number;
}

/** Raw rows of one sign-in: an identify with both ids, then three level-ups with both. */
export const ROWS_PER_SIGN_IN = 4;

/**
 * About `events` new raw rows: `signIns` anonymous-only users of the loaded data sign in (an
 * identify with both ids, then three level-ups with both), half of them to a user id already in
 * the data and half to a new one; the rest is a data set of new users with
 * another id prefix and seed (its own anonymous-then-identified users, second devices, shared
 * devices and aliases). Every sign-in re-cooks the whole history of the persons it merges.
 */
export async function newEventsWithLinks(
  db: SqlRunner,
  options: { readonly events: number; readonly signIns: number; readonly start: string },
): Promise<NewEvents> {
  // Anonymous ids seen without a user id and never linked yet, and existing user ids to sign in to,
  // both in a fixed pseudo-random order.
  const anonymous = await db.query<{ id: string }>(
    `SELECT u.user_key AS id FROM cooked.users AS u
WHERE u.time_zone = 'UTC' AND u.user_id IS NULL
  AND NOT EXISTS (SELECT 1 FROM cooked.identity_links AS l WHERE l.from_id = u.user_key)
ORDER BY md5(u.user_key) LIMIT $1`,
    [options.signIns],
  );
  const users = await db.query<{ id: string }>(
    `SELECT u.user_key AS id FROM cooked.users AS u
WHERE u.time_zone = 'UTC' AND u.user_id IS NOT NULL
ORDER BY md5(u.user_key || '#') LIMIT $1`,
    [Math.ceil(anonymous.length / 2)],
  );
  const start = Date.parse(options.start);
  const signInRows: RawRow[] = [];
  let intoExistingUsers = 0;
  anonymous.forEach(({ id: anonymousId }, i) => {
    const existing = i % 2 === 0 ? users[i / 2]?.id : undefined;
    if (existing) intoExistingUsers += 1;
    const ids = { anonymousId, userId: existing ?? `user-signin${i}` };
    // Spread over three days, one sign-in every few minutes.
    const at = start + ((i * 7 * 60_000) % (3 * 86_400_000));
    const messages: Record<string, unknown>[] = [
      { type: 'identify', traits: { signed_in: true } },
      ...Array.from({ length: ROWS_PER_SIGN_IN - 1 }, (_, n) => ({
        type: 'track',
        event: 'level_up',
        properties: { level: n + 1, character: 'mage' },
      })),
    ];
    messages.forEach((message, k) => {
      const timestamp = new Date(at + k * 60_000).toISOString();
      const messageId = `signin-${i}-${k}`;
      const context = { platform: 'ios', ...(message.type === 'track' ? { eventVersion: 1 } : {}) };
      signInRows.push({
        messageId,
        receivedAt: timestamp,
        type: String(message.type),
        event: (message.event as string | undefined) ?? null,
        payload: { ...message, ...ids, timestamp, context, messageId },
        intent: 'valid',
      });
    });
  });
  const newUsers = generateDataset({
    events: Math.max(10, options.events - signInRows.length),
    seed: 100,
    idPrefix: 'new',
    start: options.start,
  });
  const rows = [...newUsers, ...signInRows].sort((a, b) => a.receivedAt.localeCompare(b.receivedAt));
  return { rows, signIns: anonymous.length, intoExistingUsers };
}
