const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(zone, f);
  }
  return f;
}

/** The offset of `zone` from UTC at instant `ms`, in milliseconds (positive east of Greenwich). */
export function zoneOffsetMs(zone: string, ms: number): number {
  const parts = Object.fromEntries(
    formatter(zone)
      .formatToParts(new Date(ms))
      .map((p) => [p.type, p.value]),
  );
  const asUtc = Date.UTC(
    Number(parts.year),
    Number(parts.month) - 1,
    Number(parts.day),
    Number(parts.hour),
    Number(parts.minute),
    Number(parts.second),
  );
  return asUtc - Math.floor(ms / 1000) * 1000;
}

/**
 * The UTC instant of a local wall-clock time in `zone` (`day` is `YYYY-MM-DD`). Times that do not
 * exist (spring-forward gap) move forward by the gap; ambiguous times take the first occurrence.
 */
export function zonedTimeToUtc(day: string, seconds: number, zone: string): number {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const wall = Date.UTC(y, m - 1, d) + seconds * 1000;
  let guess = wall - zoneOffsetMs(zone, wall);
  guess = wall - zoneOffsetMs(zone, guess);
  return guess;
}

/** `YYYY-MM-DD` of the local day in `zone` at instant `ms`. */
export function localDay(ms: number, zone: string): string {
  return new Date(ms + zoneOffsetMs(zone, ms)).toISOString().slice(0, 10);
}

/** `day` plus `n` days, as `YYYY-MM-DD`. */
export function addDays(day: string, n: number): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10);
}
