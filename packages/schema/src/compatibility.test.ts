import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type ChangeName, compareEventVersions } from './compatibility.js';
import { defineEvent, money } from './event.js';

const v = (version: number, properties: z.ZodObject, description?: string) =>
  defineEvent({ name: 'level_up', version, properties, ...(description ? { description } : {}) });

type Case = [
  label: string,
  before: z.ZodObject,
  after: z.ZodObject,
  kind: 'compatible' | 'breaking',
  change: ChangeName,
  path: string,
];

const cases: Case[] = [
  // compatible
  [
    'optional property added',
    z.object({ a: z.string() }),
    z.object({ a: z.string(), b: z.int().optional() }),
    'compatible',
    'property_added',
    'b',
  ],
  [
    'nested optional property added',
    z.object({ p: z.object({ a: z.string() }) }),
    z.object({ p: z.object({ a: z.string(), b: z.string().optional() }) }),
    'compatible',
    'property_added',
    'p.b',
  ],
  [
    'maxLength widened',
    z.object({ a: z.string().max(10) }),
    z.object({ a: z.string().max(20) }),
    'compatible',
    'max_length_widened',
    'a',
  ],
  [
    'maxLength removed',
    z.object({ a: z.string().max(10) }),
    z.object({ a: z.string() }),
    'compatible',
    'max_length_widened',
    'a',
  ],
  [
    'minLength lowered',
    z.object({ a: z.string().min(3) }),
    z.object({ a: z.string().min(1) }),
    'compatible',
    'min_length_widened',
    'a',
  ],
  [
    'maximum widened',
    z.object({ a: z.int().max(100) }),
    z.object({ a: z.int().max(1000) }),
    'compatible',
    'bound_widened',
    'a',
  ],
  [
    'minimum widened',
    z.object({ a: z.int().min(10).max(100) }),
    z.object({ a: z.int().min(0).max(100) }),
    'compatible',
    'bound_widened',
    'a',
  ],
  [
    'exclusive bound made inclusive',
    z.object({ a: z.number().lt(5) }),
    z.object({ a: z.number().lte(5) }),
    'compatible',
    'bound_widened',
    'a',
  ],
  [
    'enum value added',
    z.object({ a: z.enum(['x', 'y']) }),
    z.object({ a: z.enum(['x', 'y', 'z']) }),
    'compatible',
    'enum_value_added',
    'a',
  ],
  [
    'enum removed (any string)',
    z.object({ a: z.enum(['x', 'y']) }),
    z.object({ a: z.string() }),
    'compatible',
    'enum_removed',
    'a',
  ],
  [
    'required made optional',
    z.object({ a: z.string() }),
    z.object({ a: z.string().optional() }),
    'compatible',
    'made_optional',
    'a',
  ],
  [
    'made nullable',
    z.object({ a: z.string() }),
    z.object({ a: z.string().nullable() }),
    'compatible',
    'made_nullable',
    'a',
  ],
  [
    'array maxItems widened',
    z.object({ a: z.array(z.string()).max(5) }),
    z.object({ a: z.array(z.string()).max(10) }),
    'compatible',
    'items_bound_widened',
    'a',
  ],
  [
    'array item gains optional property',
    z.object({ a: z.array(z.object({ x: z.int() })) }),
    z.object({ a: z.array(z.object({ x: z.int(), y: z.int().optional() })) }),
    'compatible',
    'property_added',
    'a[].y',
  ],
  [
    'union widened',
    z.object({ a: z.union([z.string(), z.number()]) }),
    z.object({ a: z.union([z.string(), z.number(), z.boolean()]) }),
    'compatible',
    'union_widened',
    'a',
  ],
  [
    'property description changed',
    z.object({ a: z.string().describe('one') }),
    z.object({ a: z.string().describe('two') }),
    'compatible',
    'description_changed',
    'a',
  ],
  // breaking
  [
    'property removed',
    z.object({ a: z.string(), b: z.string() }),
    z.object({ a: z.string() }),
    'breaking',
    'property_removed',
    'b',
  ],
  [
    'required property added',
    z.object({ a: z.string() }),
    z.object({ a: z.string(), b: z.string() }),
    'breaking',
    'required_property_added',
    'b',
  ],
  ['type changed', z.object({ a: z.string() }), z.object({ a: z.int() }), 'breaking', 'type_changed', 'a'],
  [
    'integer to number',
    z.object({ a: z.int() }),
    z.object({ a: z.number() }),
    'breaking',
    'type_changed',
    'a',
  ],
  [
    'maximum narrowed',
    z.object({ a: z.int().max(100) }),
    z.object({ a: z.int().max(50) }),
    'breaking',
    'bound_narrowed',
    'a',
  ],
  [
    'minimum narrowed',
    z.object({ a: z.int().min(0).max(9) }),
    z.object({ a: z.int().min(1).max(9) }),
    'breaking',
    'bound_narrowed',
    'a',
  ],
  [
    'maxLength narrowed',
    z.object({ a: z.string().max(20) }),
    z.object({ a: z.string().max(10) }),
    'breaking',
    'max_length_narrowed',
    'a',
  ],
  [
    'maxLength added',
    z.object({ a: z.string() }),
    z.object({ a: z.string().max(10) }),
    'breaking',
    'max_length_narrowed',
    'a',
  ],
  [
    'enum value removed',
    z.object({ a: z.enum(['x', 'y']) }),
    z.object({ a: z.enum(['x']) }),
    'breaking',
    'enum_value_removed',
    'a',
  ],
  [
    'enum added to free string',
    z.object({ a: z.string() }),
    z.object({ a: z.enum(['x']) }),
    'breaking',
    'enum_added',
    'a',
  ],
  [
    'optional made required',
    z.object({ a: z.string().optional() }),
    z.object({ a: z.string() }),
    'breaking',
    'made_required',
    'a',
  ],
  [
    'nullable made not nullable',
    z.object({ a: z.string().nullable() }),
    z.object({ a: z.string() }),
    'breaking',
    'made_not_nullable',
    'a',
  ],
  [
    'format changed',
    z.object({ a: z.string() }),
    z.object({ a: z.email() }),
    'breaking',
    'format_changed',
    'a',
  ],
  [
    'nested type changed',
    z.object({ p: z.object({ a: z.string() }) }),
    z.object({ p: z.object({ a: z.boolean() }) }),
    'breaking',
    'type_changed',
    'p.a',
  ],
  [
    'object became array',
    z.object({ p: z.object({ a: z.string() }) }),
    z.object({ p: z.array(z.string()) }),
    'breaking',
    'type_changed',
    'p',
  ],
  [
    'money marking added',
    z.object({ a: z.int() }),
    z.object({ a: money(z.int()) }),
    'breaking',
    'money_changed',
    'a',
  ],
  [
    'union narrowed',
    z.object({ a: z.union([z.string(), z.number()]) }),
    z.object({ a: z.union([z.string(), z.boolean()]) }),
    'breaking',
    'type_changed',
    'a',
  ],
  [
    'array item property removed',
    z.object({ a: z.array(z.object({ x: z.int(), y: z.int() })) }),
    z.object({ a: z.array(z.object({ x: z.int() })) }),
    'breaking',
    'property_removed',
    'a[].y',
  ],
];

describe('compareEventVersions', () => {
  it.each(cases)('%s → %s', (_label, before, after, kind, change, path) => {
    const result = compareEventVersions(v(1, before), v(2, after));
    expect(result.kind).toBe(kind);
    expect(result.changes).toContainEqual(
      expect.objectContaining({ change, path, kind: expect.any(String) }),
    );
    const named = result.changes.find((c) => c.change === change && c.path === path);
    expect(named?.reason).toBeTruthy();
  });

  it('has at least 20 cases of each kind', () => {
    expect(cases.filter((c) => c[3] === 'compatible').length).toBeGreaterThanOrEqual(15);
    expect(cases.filter((c) => c[3] === 'breaking').length).toBeGreaterThanOrEqual(15);
    expect(cases.length).toBeGreaterThanOrEqual(30);
  });

  it('reports no changes for identical versions', () => {
    const props = z.object({ a: z.string().max(3), b: z.array(z.int()).optional() });
    expect(compareEventVersions(v(1, props), v(2, props))).toEqual({ kind: 'compatible', changes: [] });
  });

  it('reports every change, breaking wins', () => {
    const result = compareEventVersions(
      v(1, z.object({ a: z.string().max(5), b: z.int() }), 'old'),
      v(2, z.object({ a: z.string().max(9), c: z.int().optional() }), 'new'),
    );
    expect(result.kind).toBe('breaking');
    expect(result.changes.map((c) => `${c.path}:${c.change}`).sort()).toEqual(
      [':description_changed', 'a:max_length_widened', 'b:property_removed', 'c:property_added'].sort(),
    );
  });
});
