import type { Kysely } from 'kysely';
import { expectTypeOf, it } from 'vitest';
import type { Database } from './__fixtures__/sample-database.js';

// Checked by `tsc` in the typecheck step; the function is never called.
async function typedQueries(db: Kysely<Database>) {
  const levels = await db
    .selectFrom('processed.level_up')
    .select(['user_id', 'level', 'difficulty'])
    .execute();
  expectTypeOf(levels).toEqualTypeOf<
    { user_id: string | null; level: number; difficulty: 'easy' | 'hard' | 'normal' }[]
  >();

  const purchases = await db
    .selectFrom('processed.purchase')
    .select(['items', 'price', 'placed_at', 'coupon'])
    .executeTakeFirstOrThrow();
  expectTypeOf(purchases.items).toEqualTypeOf<{ id: string; quantity: number }[]>();
  expectTypeOf(purchases.price).toEqualTypeOf<string>();
  expectTypeOf(purchases.placed_at).toEqualTypeOf<Date>();
  expectTypeOf(purchases.coupon).toEqualTypeOf<string | null>();

  const days = await db
    .selectFrom('raw.events')
    .select(['seq', 'payload', 'received_at'])
    .executeTakeFirstOrThrow();
  expectTypeOf(days.seq).toEqualTypeOf<string>();

  // @ts-expect-error misspelt column
  await db.selectFrom('processed.level_up').select(['levle']).execute();
  // @ts-expect-error wrong value type in a where clause
  await db.selectFrom('processed.level_up').selectAll().where('level', '=', 'three').execute();
  // @ts-expect-error value outside the enum
  await db.selectFrom('processed.level_up').selectAll().where('difficulty', '=', 'insane').execute();
  // @ts-expect-error unknown table
  await db.selectFrom('processed.level_down').selectAll().execute();
}

it('is type-checked by tsc', () => {
  expectTypeOf(typedQueries).toBeFunction();
});
