const MS_PER_DAY = 86_400_000;
/** 0000-01-01 and 10000-01-01: `toISOString` uses six-digit signed years outside this range. */
const MIN_MS = -62_167_219_200_000;
const MAX_MS = 253_402_300_800_000;
const TWO = Array.from({ length: 60 }, (_, n) => String(n).padStart(2, '0'));
const THREE = Array.from({ length: 1000 }, (_, n) => String(n).padStart(3, '0'));

let cachedDay = Number.NaN;
let cachedDate = '';

/**
 * `new Date(ms).toISOString()` (`2026-03-01T12:00:02.000Z`) without a Date per call: the date part
 * is kept for the last day seen (timestamps of a batch share a day), the time part comes from
 * tables. Undefined for what is not a valid date, like `new Date(ms)` giving Invalid Date.
 */
export function formatIsoUtc(ms: number): string | undefined {
  if (!Number.isFinite(ms) || Math.abs(ms) > 8.64e15) return undefined;
  const whole = Math.trunc(ms);
  if (whole < MIN_MS || whole >= MAX_MS) return new Date(whole).toISOString();
  const day = Math.floor(whole / MS_PER_DAY);
  if (day !== cachedDay) {
    cachedDate = new Date(day * MS_PER_DAY).toISOString().slice(0, 11);
    cachedDay = day;
  }
  let rest = whole - day * MS_PER_DAY;
  const hours = Math.floor(rest / 3_600_000);
  rest -= hours * 3_600_000;
  const minutes = Math.floor(rest / 60_000);
  rest -= minutes * 60_000;
  const seconds = Math.floor(rest / 1000);
  return `${cachedDate}${TWO[hours]}:${TWO[minutes]}:${TWO[seconds]}.${THREE[rest - seconds * 1000]}Z`;
}
