import type { SqlRunner } from '../warehouse.js';

/** A column as the live database describes it (information_schema). */
export interface CatalogColumn {
  readonly schema: string;
  readonly table: string;
  readonly column: string;
  /** `information_schema.columns.data_type`: `integer`, `character varying`, `timestamp with time zone`, … */
  readonly dataType: string;
  readonly maxLength: number | null;
  readonly nullable: boolean;
}

/** Reads every column of the given schemas from information_schema, ordered by table and position. */
export async function introspectColumns(db: SqlRunner, schemas: readonly string[]): Promise<CatalogColumn[]> {
  const rows = await db.query<{
    table_schema: string;
    table_name: string;
    column_name: string;
    data_type: string;
    character_maximum_length: number | null;
    is_nullable: 'YES' | 'NO';
  }>(
    `SELECT c.table_schema, c.table_name, c.column_name, c.data_type, c.character_maximum_length, c.is_nullable
       FROM information_schema.columns c
       JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
      WHERE c.table_schema = ANY($1::text[]) AND t.table_type = 'BASE TABLE'
      ORDER BY c.table_schema, c.table_name, c.ordinal_position`,
    [schemas],
  );
  return rows.map((r) => ({
    schema: r.table_schema,
    table: r.table_name,
    column: r.column_name,
    dataType: r.data_type,
    maxLength: r.character_maximum_length === null ? null : Number(r.character_maximum_length),
    nullable: r.is_nullable === 'YES',
  }));
}
