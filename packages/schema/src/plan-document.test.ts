import { describe, expect, it } from 'vitest';
import { SchemaDefinitionError } from './errors.js';
import { classifyVersions } from './evolution.js';
import { fromPlanDocument, toPlanDocument } from './plan-document.js';
import { stableStringify } from './stable-json.js';
import { testPlan } from './test-plan.js';

describe('plan documents', () => {
  it('round-trips plan → document → plan deep-equal', () => {
    const document = toPlanDocument(testPlan);
    const back = fromPlanDocument(JSON.parse(JSON.stringify(document)));
    expect(back).toEqual(testPlan);
    expect(toPlanDocument(back)).toEqual(document);
  });

  it('is stable and key-sorted', () => {
    const text = stableStringify(toPlanDocument(testPlan));
    expect(stableStringify(toPlanDocument(fromPlanDocument(JSON.parse(text))))).toBe(text);
    const doc = JSON.parse(text);
    expect(Object.keys(doc)).toEqual([...Object.keys(doc)].sort());
    expect(doc.events.map((e: { $id: string }) => e.$id)).toEqual([
      'tributary:mobile-game/app_install/1',
      'tributary:mobile-game/level_up/1',
      'tributary:mobile-game/level_up/2',
      'tributary:mobile-game/purchase/1',
    ]);
    expect(doc.events[0]).toMatchObject({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      description: 'First launch after install.',
      'x-tributary-event': { name: 'app_install', version: 1, priority: 'critical' },
    });
  });

  it('refuses malformed documents with a specific message', () => {
    const good = JSON.parse(JSON.stringify(toPlanDocument(testPlan)));
    const cases: [unknown, RegExp][] = [
      [null, /expected an object/],
      [{ ...good, format: 'other' }, /format must be "tributary.plan\/1"/],
      [{ ...good, events: 'x' }, /events must be an array/],
      [
        { ...good, events: [{ ...good.events[0], 'x-tributary-event': undefined }] },
        /no "x-tributary-event" metadata/,
      ],
      [
        { ...good, events: [{ ...good.events[0], $id: 'tributary:x/y/1' }] },
        /has \$id "tributary:x\/y\/1", expected/,
      ],
      [
        {
          ...good,
          events: [{ ...good.events[0], properties: { BadName: { type: 'string' } }, required: [] }],
        },
        /BadName/,
      ],
      [
        { ...good, events: [{ ...good.events[0], properties: { a: { $ref: '#/x' } } }] },
        /"\$ref" is not supported/,
      ],
      [{ ...good, events: [good.events[0], good.events[0]] }, /defined twice/],
      [
        { ...good, events: [{ ...good.events[0], properties: { a: { type: 'weird' } }, required: [] }] },
        /a: type "weird" is not supported; use string, integer, number, boolean, object, array or null/,
      ],
    ];
    for (const [doc, message] of cases) {
      expect(() => fromPlanDocument(doc)).toThrow(SchemaDefinitionError);
      expect(() => fromPlanDocument(doc)).toThrow(message);
    }
  });

  it('classifies versions into table lines', () => {
    const lines = classifyVersions(testPlan).map((c) => [
      c.event.name,
      c.event.version,
      c.major,
      c.fromPrevious?.kind,
    ]);
    expect(lines).toEqual([
      ['app_install', 1, 1, undefined],
      ['level_up', 1, 1, undefined],
      ['level_up', 2, 1, 'compatible'],
      ['purchase', 1, 1, undefined],
    ]);
  });
});
