import { stableStringify } from '@tributary/schema';
import { SqlError } from './errors.js';
import type { WarehouseModel } from './model/types.js';
import { validateModel } from './snapshot-validate.js';

export const SNAPSHOT_FORMAT = 'tributary.warehouse-snapshot/1';

/** What a migrations directory remembers about the warehouse: the model the last migration produced. */
export interface WarehouseSnapshot {
  readonly format: typeof SNAPSHOT_FORMAT;
  readonly model: WarehouseModel;
}

/** The versioned, JSON-serialisable snapshot of a model. */
export function snapshotOf(model: WarehouseModel): WarehouseSnapshot {
  return { format: SNAPSHOT_FORMAT, model };
}

/** Stable JSON text of a snapshot (sorted keys, two-space indent, trailing newline): byte-identical for equal models. */
export function serializeSnapshot(snapshot: WarehouseSnapshot): string {
  return stableStringify(snapshot);
}

/**
 * Reads a snapshot from JSON text (or an already-parsed value) and validates every field; throws
 * an `invalid_snapshot` SqlError naming the path of the first problem.
 */
export function parseSnapshot(json: unknown): WarehouseSnapshot {
  let value = json;
  if (typeof json === 'string') {
    try {
      value = JSON.parse(json);
    } catch (error) {
      throw new SqlError(
        'invalid_snapshot',
        `warehouse snapshot is not valid JSON: ${(error as Error).message}. Restore it from version control or regenerate it.`,
      );
    }
  }
  if (typeof value !== 'object' || value === null) throw invalid('(root)', 'expected an object');
  const record = value as Record<string, unknown>;
  if (record.format !== SNAPSHOT_FORMAT) {
    throw invalid('format', `expected "${SNAPSHOT_FORMAT}", got ${JSON.stringify(record.format)}`);
  }
  const problem = validateModel(record.model, 'model');
  if (problem) throw invalid(problem.path, problem.message);
  return { format: SNAPSHOT_FORMAT, model: record.model as WarehouseModel };
}

function invalid(path: string, message: string): SqlError {
  return new SqlError(
    'invalid_snapshot',
    `warehouse snapshot: ${path}: ${message}. Restore it from version control or regenerate it.`,
    { path },
  );
}
