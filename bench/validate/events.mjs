// Deterministic sample events (seeded PRNG): mostly valid, some invalid, like real traffic.

function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const hex = (random, n) => Array.from({ length: n }, () => Math.floor(random() * 16).toString(16)).join('');
const pick = (random, list) => list[Math.floor(random() * list.length)];
const int = (random, min, max) => min + Math.floor(random() * (max - min + 1));

const makers = {
  level_up: (r) => ({
    level: int(r, 1, 1000),
    character: pick(r, ['knight', 'mage', 'rogue', 'ranger']),
    ...(r() < 0.5 ? { coins: int(r, 0, 100_000) } : {}),
    player: {
      id: `${hex(r, 8)}-${hex(r, 4)}-4${hex(r, 3)}-a${hex(r, 3)}-${hex(r, 12)}`,
      xp: int(r, 0, 1e6),
      nickname: r() < 0.2 ? null : `p${hex(r, 6)}`,
    },
  }),
  purchase: (r) => ({
    sku: `SKU-${int(r, 10, 9999)}`,
    price_cents: int(r, 99, 9999),
    currency: pick(r, ['EUR', 'USD', 'JPY']),
    items: Array.from({ length: int(r, 1, 4) }, () => ({
      sku: `i${hex(r, 5)}`,
      quantity: int(r, 1, 5),
      ...(r() < 0.3 ? { gift: true } : {}),
    })),
    channel: pick(r, ['store', 'web', 'promo']),
  }),
  session_end: (r) => ({ duration_ms: int(r, 0, 3_600_000), screens: int(r, 0, 40), crashed: r() < 0.01 }),
  sign_up: (r) => ({
    email: `user${int(r, 1, 1e6)}@example.com`,
    confirmed_at: new Date(1_700_000_000_000 + int(r, 0, 1e9) * 1000).toISOString(),
    ...(r() < 0.5 ? { referrer: r() < 0.5 ? null : 'friend' } : {}),
    marketing_opt_in: r() < 0.5,
    score: (r() - 0.5) * 1e5,
  }),
};

const breakers = [
  (p) => ({ ...p, unexpected: 1 }),
  (p) => {
    const { [Object.keys(p)[0]]: _dropped, ...rest } = p;
    return rest;
  },
  (p) => ({ ...p, [Object.keys(p)[0]]: 'wrong type' }),
];

/** `count` events `{ name, version, properties }`, `invalidShare` of them broken in one way. */
export function sampleEvents(events, count, invalidShare, seed = 42) {
  const random = mulberry32(seed);
  return Array.from({ length: count }, () => {
    const event = pick(random, events);
    let properties = makers[event.name](random);
    if (random() < invalidShare) properties = pick(random, breakers)(properties);
    return { name: event.name, version: event.version, properties };
  });
}
