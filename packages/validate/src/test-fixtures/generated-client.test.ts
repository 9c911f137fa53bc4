import { expect, test } from 'vitest';
import {
  type LevelUp,
  type LevelUpPlayer,
  type PurchaseV1,
  type TrackingClient,
  trackLevelUp,
  trackLevelUpV1,
  trackPurchase,
} from './generated/tracking-plan.js';
import { events, validateMessage, validateProperties } from './generated/validators.js';

/**
 * Type tests: this file is type-checked by `npm run typecheck` (the package tsconfig includes src),
 * so every `@ts-expect-error` below must match a real error or tsc reports it as unused.
 */
function recordingClient() {
  const calls: unknown[][] = [];
  const client: TrackingClient = {
    track(...args: unknown[]) {
      calls.push(args);
      return 'message-id';
    },
  };
  return { client, calls };
}

test('the generated client is typed by the plan and sends the event version', () => {
  const { client, calls } = recordingClient();
  const player: LevelUpPlayer = { id: '00000000-0000-0000-0000-000000000000', level: 3, nickname: null };
  trackLevelUp(client, { level: 3, character: 'ranger', player });
  trackLevelUpV1(client, { level: 3, character: 'mage' });
  const purchase: PurchaseV1 = {
    sku: 'ABC-12',
    price_cents: 499,
    currency: 'EUR',
    channel: 'store',
    items: [{ sku: 'a', quantity: 1 }],
  };
  trackPurchase(client, purchase);
  expect(calls).toEqual([
    ['level_up', { level: 3, character: 'ranger', player }, { version: 2 }],
    ['level_up', { level: 3, character: 'mage' }, { version: 1 }],
    ['purchase', purchase, { version: 1 }],
  ]);

  // @ts-expect-error level is a number, not a string
  trackLevelUp(client, { level: '3', character: 'ranger' });
  // @ts-expect-error 'ranger' does not exist in version 1 (a string-literal union, not an enum)
  trackLevelUpV1(client, { level: 3, character: 'ranger' });
  // @ts-expect-error character is required
  trackLevelUp(client, { level: 3 });
  // @ts-expect-error undeclared properties are refused
  trackLevelUpV1(client, { level: 3, character: 'mage', bonus: 1 });
  // @ts-expect-error nested objects are typed too
  const badPlayer: LevelUp = { level: 3, character: 'mage', player: { id: 'x', level: '1', nickname: null } };
  expect(badPlayer.level).toBe(3);
});

test('the generated validator module (validators.js + validators.d.ts) runs without @tributary/validate', () => {
  expect(events.map((e) => `${e.name}@${e.version}`)).toEqual([
    'level_up@1',
    'level_up@2',
    'purchase@1',
    'sign_up@1',
  ]);
  const result = validateMessage({
    type: 'track',
    event: 'level_up',
    userId: 'u',
    context: { platform: 'web', app_version: '1' },
    properties: { level: 0, character: 'mage' },
  });
  expect(result.violations.map((v) => `${v.path}:${v.rule}`)).toEqual(['properties.level:minimum']);
  expect(validateProperties('purchase', undefined, {}).valid).toBe(false);
  // @ts-expect-error the version is a number or undefined
  validateProperties('purchase', '1', {});
});
