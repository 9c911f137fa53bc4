import { type PlanDocument, toPlanDocument } from '@tributary/schema';
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { strictPlan } from '../test-fixtures/fixture-plan.js';
import { compileValidators } from './compile-validators.js';

/** The fixture plan without the regexes zod exports next to each format: only the format checks remain (as in an imported JSON Schema). */
function withoutPatterns(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutPatterns);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => key !== 'pattern')
      .map(([key, v]) => [key, withoutPatterns(v)]),
  );
}

const v = compileValidators(withoutPatterns(toPlanDocument(strictPlan)) as PlanDocument);
const signUp = (fields: Record<string, unknown>) =>
  v
    .validateProperties('sign_up', 1, {
      email: 'a@b.io',
      confirmed_at: '2024-01-01T00:00:00Z',
      marketing_opt_in: true,
      score: 1,
      ...fields,
    })
    .violations.map((x) => `${x.path}:${x.rule}`);

test.each([
  ['2024-02-29T23:59:59Z', true],
  ['2024-05-01t12:00:00z', true],
  ['2024-05-01 12:00:00.123456789+05:30', true],
  ['2024-05-01T12:00:00-0800', true],
  ['2024-05-01T12:00Z', true],
  ['2024-12-31T23:59:60Z', true],
  ['2023-02-29T00:00:00Z', false],
  ['2024-04-31T00:00:00Z', false],
  ['2024-05-01T12:00:00', false],
  ['2024-05-01T12:00:00.Z', false],
  ['2024-05-01T12:00.5Z', false],
  ['2024-05-01T12:00:00+0:00', false],
  ['2024-05-01T12:00:00+24:00', false],
  ['2024-05-01T12:00:00Z ', false],
  ['2024-05-01T24:00:00Z', false],
  ['2024-05-01T12:60:00Z', false],
  ['２０２４-05-01T12:00:00Z', false],
  ['2024-5-1T12:00:00Z', false],
  ['', false],
])('date-time %j → %s', (value, valid) => {
  expect(signUp({ confirmed_at: value })).toEqual(valid ? [] : ['properties.confirmed_at:format']);
});

test.each([
  ['2024-02-29', true],
  ['1900-02-29', false],
  ['2000-02-29', true],
  ['2024-13-01', false],
  ['2024-00-10', false],
  ['2024-01-32', false],
  ['2024-01-01T00:00:00Z', false],
])('date %j → %s', (value, valid) => {
  expect(signUp({ birthday: value })).toEqual(valid ? [] : ['properties.birthday:format']);
});

test.each([
  ['123e4567-e89b-12d3-a456-426614174000', true],
  ['123E4567-E89B-12D3-A456-426614174000', true],
  ['123e4567-e89b-12d3-a456-42661417400', false],
  ['123e4567e89b-12d3-a456-4266141740000', false],
  ['123e4567-e89b-12d3-a456-42661417400g', false],
])('uuid %j → %s', (value, valid) => {
  const r = v.validateProperties('level_up', 2, {
    level: 1,
    character: 'mage',
    player: { id: value, level: 1, nickname: null },
  });
  expect(r.violations.map((x) => `${x.path}:${x.rule}`)).toEqual(
    valid ? [] : ['properties.player.id:format'],
  );
});

test.each([
  ['a@b.io', true],
  ['first.last+tag@sub.example.org', true],
  ['no-at.example.org', false],
  ['a@b', false],
  ['a b@c.io', false],
  ['a@b.c.', true],
  ['a@.bc', false],
  ['a@b.', false],
  ['@b.io', false],
  ['a@b@c.io', false],
  ['a@b.i\u00a0o', false],
  ['a@b.i\u3000o', false],
  ['a@b.i\u200bo', true],
  ['a@b.io\n', false],
])('email %j → %s', (value, valid) => {
  expect(/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value), 'the reference regex').toBe(valid);
  expect(signUp({ email: value })).toEqual(valid ? [] : ['properties.email:format']);
});

test.each([
  ['https://example.com/path?q=1', true],
  [' https://example.com ', true],
  ['mailto:a@b.io', true],
  ['example.com', false],
  ['http://exa mple.com', false],
])('uri %j → %s (as zod: the URL parser on the trimmed text)', (value, valid) => {
  expect(signUp({ website: value })).toEqual(valid ? [] : ['properties.website:format']);
});

test('the hand-written email and date-time parsers agree with their reference regexes on random text', () => {
  const email = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
  const emailChars = fc.constantFrom('a', 'b', '@', '.', ' ', '\u00a0', '\u2028', '\ufeff', '\t', '-', 'é');
  fc.assert(
    fc.property(fc.string({ unit: emailChars, maxLength: 12 }), (value) => {
      expect(signUp({ email: value }).length === 0).toBe(email.test(value));
    }),
    { numRuns: 3_000 },
  );
  const dateTime =
    /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(?:[Zz]|[+-](\d{2}):?(\d{2}))$/;
  const daysIn = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();
  const reference = (s: string) => {
    const m = dateTime.exec(s);
    if (!m) return false;
    const [y, mo, d, h, mi, se, oh, om] = m.slice(1).map((x) => (x === undefined ? undefined : Number(x)));
    if (mo === undefined || mo < 1 || mo > 12 || d === undefined || d < 1 || d > daysIn(y ?? 0, mo))
      return false;
    if ((h ?? 0) > 23 || (mi ?? 0) > 59 || (se !== undefined && se > 60)) return false;
    return oh === undefined || (oh <= 23 && (om ?? 0) <= 59);
  };
  const pieces = fc.constantFrom(
    '2024',
    '2023',
    '0000',
    '-',
    '02',
    '29',
    '30',
    '13',
    '00',
    'T',
    't',
    ' ',
    ':',
    '59',
    '60',
    '24',
    '.',
    '5',
    'Z',
    'z',
    '+',
    '05',
    '0530',
    'x',
  );
  fc.assert(
    fc.property(fc.array(pieces, { maxLength: 14 }), (parts) => {
      const value = parts.join('');
      expect(signUp({ confirmed_at: value }).length === 0, value).toBe(reference(value));
    }),
    { numRuns: 3_000 },
  );
  // Near-misses of valid values, which random joins rarely reach.
  for (const value of [
    '2024-02-29T12:00:00Z',
    '2024-02-29 12:00+05:30',
    '2023-02-29T12:00:00Z',
    '2024-02-29T12:00:60.5z',
  ]) {
    expect(signUp({ confirmed_at: value }).length === 0, value).toBe(reference(value));
  }
});
