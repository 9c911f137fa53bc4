import { format } from 'sql-formatter';

/**
 * Formats PostgreSQL text for people to read (migration files, exact-text tests): keywords kept
 * as Kysely writes them (lower case), two-space indentation. Only used at the output edge; never changes literals.
 */
export function formatSql(text: string): string {
  return format(text, {
    language: 'postgresql',
    keywordCase: 'preserve',
    dataTypeCase: 'lower',
    tabWidth: 2,
  });
}
