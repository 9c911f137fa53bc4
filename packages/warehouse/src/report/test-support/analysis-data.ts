import { makePlan, normalizeObjectSchema, type PlanDocument, toPlanDocument } from '@tributary/schema';
import { compileDdl, planToWarehouse } from '@tributary/sql';
import { runEtl } from '../../etl/run-etl.js';
import type { Warehouse } from '../../warehouse.js';
import { planEvent as event } from '../../testing/plan-event.js';

/** A small game plan with an exposure event, for the report's funnel and experiment sections. */
export const analysisTestDocument: PlanDocument = toPlanDocument(
  makePlan({
    name: 'report-analysis-test',
    additionalProperties: 'reject',
    context: normalizeObjectSchema(
      {
        type: 'object',
        properties: { platform: { type: 'string', enum: ['ios', 'android'] } },
        required: ['platform'],
        additionalProperties: false,
      },
      'report analysis test context',
    ),
    events: [
      event('app_install', {}),
      event('session_start', {}),
      event('level_up', { level: { type: 'integer', minimum: 1, maximum: 1000 } }, ['level']),
      event(
        'purchase',
        {
          amount_cents: { type: 'integer', minimum: 0, 'x-tributary-money': true },
          currency: { type: 'string', minLength: 3, maxLength: 3 },
        },
        ['amount_cents', 'currency'],
      ),
      event(
        'experiment_viewed',
        { experiment: { type: 'string', maxLength: 64 }, variant: { type: 'string', maxLength: 64 } },
        ['experiment', 'variant'],
      ),
    ],
    roles: {
      install: 'app_install',
      revenue: { event: 'purchase', amount: 'amount_cents', unit: 'minor', currency: 'currency' },
      session: { inactivityMinutes: 30 },
      dimensions: ['platform'],
    },
    etl: { reportingTimeZones: ['UTC', 'America/New_York'] },
  }),
);

interface Message {
  readonly user: string;
  readonly event: string;
  readonly at: number;
  readonly platform: string;
  readonly properties?: Record<string, unknown>;
}

const DAY = 86_400_000;
const HOUR = 3_600_000;

/** mulberry32. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Players installing over the days from `firstDay`: level-ups with gaps from 30 s to 3 days (every
 * time-to-convert bucket), a store visit two hours after install that exposes them to
 * `starter-pack` (50/50; `cheaper` converts 1.5× as often; heavy buyers also buy before the
 * visit, CUPED's covariate) and to `broken-split` (planned 50/50, logged 62/38: a sample-ratio
 * mismatch), and purchases.
 */
export function analysisMessages(options: { players: number; firstDay: string; days: number }): Message[] {
  const random = seeded(11);
  const start = Date.parse(`${options.firstDay}T00:00:00Z`);
  const logUniform = (min: number, max: number) => Math.round(min * (max / min) ** random());
  const out: Message[] = [];
  for (let i = 0; i < options.players; i++) {
    const user = `p${i}`;
    const platform = random() < 0.55 ? 'android' : 'ios';
    const push = (event: string, at: number, properties: Record<string, unknown> = {}) =>
      out.push({ user, event, at, platform, properties });
    const installed = start + Math.floor(random() * options.days) * DAY + Math.floor(random() * 20 * HOUR);
    push('app_install', installed);
    push('session_start', installed + 1000);
    let at = installed + 2000;
    const levels = Math.floor(random() * 9);
    for (let level = 2; level < 2 + levels; level++) {
      at += logUniform(30_000, 3 * DAY);
      push('level_up', at, { level });
    }
    const cheaper = random() < 0.5;
    const heavy = random() < 0.3;
    const visit = installed + 2 * HOUR;
    if (heavy) push('purchase', installed + HOUR, { amount_cents: 499, currency: 'USD' });
    push('experiment_viewed', visit, {
      experiment: 'starter-pack',
      variant: cheaper ? 'cheaper' : 'control',
    });
    push('experiment_viewed', visit + 1000, {
      experiment: 'broken-split',
      variant: random() < 0.62 ? 'a' : 'b',
    });
    if (random() < (heavy ? 0.45 : 0.12) * (cheaper ? 1.5 : 1))
      push('purchase', Math.max(at, visit) + logUniform(10_000, 5 * DAY), {
        amount_cents: cheaper ? 199 : 299,
        currency: 'USD',
      });
  }
  return out;
}

/** The messages into raw.events, then a full ETL run; throws when anything is rejected. */
export async function loadAnalysisMessages(db: Warehouse, messages: readonly Message[]): Promise<void> {
  await db.exec(compileDdl(planToWarehouse(analysisTestDocument)));
  const payloads = messages.map((m, i) =>
    JSON.stringify({
      type: 'track',
      messageId: `r${i}`,
      event: m.event,
      userId: m.user,
      timestamp: new Date(m.at).toISOString(),
      properties: m.properties ?? {},
      context: { platform: m.platform },
    }),
  );
  for (let i = 0; i < payloads.length; i += 5000)
    await db.query(
      `INSERT INTO raw.events (message_id, received_at, source, type, event, payload)
       SELECT x.p ->> 'messageId', now(), 'test', 'track', x.p ->> 'event', x.p
       FROM unnest($1::jsonb[]) WITH ORDINALITY AS x(p, n) ORDER BY x.n`,
      [payloads.slice(i, i + 5000)],
    );
  const result = await runEtl({ warehouse: db, document: analysisTestDocument, mode: 'full' });
  if (result.rejected > 0 || result.loaded !== messages.length)
    throw new Error(
      `loadAnalysisMessages: loaded ${result.loaded} of ${messages.length} (rejected ${result.rejected}).`,
    );
}
