import { describe, expect, test } from 'vitest';
import { SqlError } from './errors.js';
import { planToWarehouse } from './model/plan-to-warehouse.js';
import { parseSnapshot, serializeSnapshot, snapshotOf } from './snapshot.js';
import { samplePlanDocument } from './test-fixtures/index.js';

const snapshot = snapshotOf(planToWarehouse(samplePlanDocument));

function problem(input: unknown): string {
  try {
    parseSnapshot(input);
  } catch (error) {
    if (error instanceof SqlError && error.code === 'invalid_snapshot') return error.message;
    throw error;
  }
  throw new Error('expected invalid_snapshot');
}

describe('snapshots', () => {
  test('serialise to stable JSON and parse back to an equal snapshot', () => {
    const text = serializeSnapshot(snapshot);
    expect(text.endsWith('}\n')).toBe(true);
    expect(text.startsWith('{\n  "format": "tributary.warehouse-snapshot/1",\n  "model": {')).toBe(true);
    expect(parseSnapshot(text)).toEqual(snapshot);
    expect(serializeSnapshot(parseSnapshot(text))).toBe(text);
    expect(parseSnapshot(JSON.parse(text))).toEqual(snapshot);
  });

  test('reject malformed input with the path of the problem', () => {
    expect(problem('{ nope')).toMatch(
      /^warehouse snapshot is not valid JSON: .*Restore it from version control or regenerate it\.$/,
    );
    expect(problem({ format: 'tributary.warehouse-snapshot/0', model: snapshot.model })).toBe(
      'warehouse snapshot: format: expected "tributary.warehouse-snapshot/1", got "tributary.warehouse-snapshot/0". Restore it from version control or regenerate it.',
    );
    const broken = JSON.parse(serializeSnapshot(snapshot));
    broken.model.tables[3].columns[2].type = { name: 'varchar' };
    expect(problem(broken)).toContain('model.tables[3].columns[2].type.length: expected a positive integer');
    broken.model.tables[3].columns[2].type = { name: 'money' };
    expect(problem(broken)).toContain('model.tables[3].columns[2].type.name: expected one of "smallint"');
    const noChecks = JSON.parse(serializeSnapshot(snapshot));
    delete noChecks.model.tables[0].checks;
    expect(problem(noChecks)).toContain('model.tables[0].checks: expected an array');
    const badOrigin = JSON.parse(serializeSnapshot(snapshot));
    badOrigin.model.tables[4].origin = { kind: 'event', event: 'x', major: 1, versions: ['1'] };
    expect(problem(badOrigin)).toContain('model.tables[4].origin.versions[0]: expected an integer');
    expect(problem(null)).toContain('(root): expected an object');
  });
});
