import { type PlanDocument, toPlanDocument } from '@tributary/schema';
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
])('email %j → %s', (value, valid) => {
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
