import type { SqlRunner } from '../../warehouse.js';
import { TEST_TIME_ZONES } from './etl-reference.js';

interface StatQuery {
  readonly prefix: string;
  readonly from: string;
  readonly where?: string;
  readonly stats: Readonly<Record<string, string>>;
}

const cents = (expr: string) => `round(coalesce(sum(${expr}), 0) * 100)`;
const seconds = (expr: string) => `coalesce(sum(round(extract(epoch from ${expr}))), 0)`;

function queries(): StatQuery[] {
  const fixed: StatQuery[] = [
    {
      prefix: 'raw.rejected',
      from: 'raw.rejected',
      where: "stage = 'etl'",
      stats: { rows: 'count(*)', spam: `count(*) FILTER (WHERE reasons @> '[{"rule":"spam"}]')` },
    },
    { prefix: 'processed.identifies', from: 'processed.identifies', stats: { rows: 'count(*)' } },
    { prefix: 'processed.pages', from: 'processed.pages', stats: { rows: 'count(*)' } },
    {
      prefix: 'processed.tracks',
      from: 'processed.tracks',
      stats: {
        rows: 'count(*)',
        users: 'count(DISTINCT user_key)',
        session_ids: 'count(DISTINCT session_id)',
        revenue_cents: cents('revenue'),
        countries: 'count(DISTINCT context_country)',
        languages: 'count(DISTINCT context_language)',
        app_major: 'coalesce(sum(context_app_major), 0)',
        app_minor: 'coalesce(sum(context_app_minor), 0)',
        timestamp_s: seconds('"timestamp"'),
        ...Object.fromEntries(
          ['app_install_v1', 'level_up_v1', 'level_up_v2', 'level_up_v3', 'purchase_v1'].map((k) => {
            const [event, version] = [k.slice(0, k.lastIndexOf('_v')), k.slice(k.lastIndexOf('_v') + 2)];
            return [k, `count(*) FILTER (WHERE event = '${event}' AND event_version = ${version})`];
          }),
        ),
      },
    },
    {
      prefix: 'processed.app_install',
      from: 'processed.app_install',
      stats: {
        rows: 'count(*)',
        campaigns: 'count(DISTINCT campaign)',
        organic: `count(*) FILTER (WHERE campaign = 'organic')`,
      },
    },
    {
      prefix: 'processed.level_up',
      from: 'processed.level_up',
      stats: {
        rows: 'count(*)',
        level: 'sum(level)',
        coins: 'coalesce(sum(coins), 0)',
        coins_count: 'count(coins)',
        characters: 'count(DISTINCT "character")',
      },
    },
    {
      prefix: 'processed.level_up_v3',
      from: 'processed.level_up_v3',
      stats: {
        rows: 'count(*)',
        level: 'sum(level)',
        heroes: 'count(DISTINCT hero)',
        age_count: 'count(age)',
        age: 'coalesce(sum(age), 0)',
        duration_count: 'count(duration_ms)',
        duration_ms: 'round(coalesce(sum(duration_ms), 0) * 1000)',
      },
    },
    {
      prefix: 'processed.purchase',
      from: 'processed.purchase',
      stats: {
        rows: 'count(*)',
        price_cents: cents('price_cents'),
        sku_currencies: 'count(DISTINCT sku_currency)',
      },
    },
    {
      prefix: 'cooked.sessions',
      from: 'cooked.sessions',
      stats: {
        rows: 'count(*)',
        events: 'coalesce(sum(events), 0)',
        started_s: seconds('started_at'),
        ended_s: seconds('ended_at'),
        numbered: 'count(session_number)',
      },
    },
  ];
  const perZone = TEST_TIME_ZONES.flatMap((tz): StatQuery[] => {
    const where = `time_zone = '${tz}'`;
    return [
      {
        prefix: `cooked.user_days[${tz}]`,
        from: 'cooked.user_days',
        where,
        stats: {
          rows: 'count(*)',
          events: 'coalesce(sum(events), 0)',
          sessions: 'coalesce(sum(sessions), 0)',
          revenue_cents: cents('revenue'),
          purchases: 'coalesce(sum(purchases), 0)',
          users: 'count(DISTINCT user_key)',
          days: 'count(DISTINCT day)',
          first_s: seconds('first_event_at'),
          last_s: seconds('last_event_at'),
        },
      },
      {
        prefix: `cooked.user_day_dimensions[${tz}]`,
        from: 'cooked.user_day_dimensions',
        where,
        stats: {
          rows: 'count(*)',
          events: 'coalesce(sum(events), 0)',
          sessions: 'coalesce(sum(sessions), 0)',
          revenue_cents: cents('revenue'),
          purchases: 'coalesce(sum(purchases), 0)',
          values: "count(DISTINCT dimension || '|' || value)",
        },
      },
      {
        prefix: `cooked.session_days[${tz}]`,
        from: 'cooked.session_days',
        where,
        stats: { rows: 'count(*)' },
      },
      {
        prefix: `cooked.users[${tz}]`,
        from: 'cooked.users',
        where,
        stats: {
          rows: 'count(*)',
          identified: 'count(user_id)',
          installs: 'count(install_day)',
          install_days: 'count(DISTINCT install_day)',
          payers: 'count(first_purchase_day)',
          first_days: 'count(DISTINCT first_day)',
          last_days: 'count(DISTINCT last_day)',
          events: 'coalesce(sum(events), 0)',
          revenue_cents: cents('revenue'),
          first_seen_s: seconds('first_seen_at'),
          install_s: seconds('install_at'),
        },
      },
    ];
  });
  return [...fixed, ...perZone];
}

/** The statistics `referenceStats` computes, read from the warehouse (row counts, sums, distinct counts). */
export async function databaseStats(db: SqlRunner): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const q of queries()) {
    const columns = Object.entries(q.stats).map(([key, expr]) => `(${expr})::text AS "${key}"`);
    const [row] = await db.query<Record<string, string>>(
      `SELECT ${columns.join(', ')} FROM ${q.from}${q.where ? ` WHERE ${q.where}` : ''}`,
    );
    for (const key of Object.keys(q.stats)) {
      const value = Number(row?.[key] ?? 0);
      if (q.prefix === 'processed.tracks' && /_v\d$/.test(key) && value === 0) continue;
      out[`${q.prefix}.${key}`] = value;
    }
  }
  return out;
}

/** Columns that differ between identical runs: load and update times, surrogate ids. */
const VOLATILE = ['loaded_at', 'id', 'updated_at'];

/** Every row of each table (without load times and surrogate ids), sorted, as one text per table. */
export async function tableContents(
  db: SqlRunner,
  tables: readonly string[],
): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const table of tables) {
    const [schema, name] = table.replaceAll('"', '').split('.') as [string, string];
    const columns = await db.query<{ column_name: string }>(
      'SELECT column_name FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position',
      [schema, name],
    );
    const list = columns
      .map((c) => c.column_name)
      .filter((c) => !VOLATILE.includes(c))
      .map((c) => `t."${c}"`)
      .join(', ');
    const rows = await db.query<{ body: string | null }>(
      `SELECT string_agg(r.line, E'\\n' ORDER BY r.line) AS body FROM (SELECT ROW(${list})::text AS line FROM ${table} AS t) AS r`,
    );
    out[table] = rows[0]?.body ?? '';
  }
  return out;
}
