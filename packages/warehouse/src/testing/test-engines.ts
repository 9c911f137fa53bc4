/** A database engine a test suite runs on. */
export type TestEngine =
  | { readonly kind: 'pglite' }
  | { readonly kind: 'postgres'; readonly adminUrl: string };

/** PGlite always; PostgreSQL as well when `DATABASE_URL` is set. */
export function testEngines(env: Readonly<Record<string, string | undefined>> = process.env): TestEngine[] {
  const adminUrl = env.DATABASE_URL?.trim();
  return adminUrl ? [{ kind: 'pglite' }, { kind: 'postgres', adminUrl }] : [{ kind: 'pglite' }];
}

/** The PostgreSQL engine when `DATABASE_URL` is set (for tests that only make sense on a server). */
export function postgresTestEngine(
  env: Readonly<Record<string, string | undefined>> = process.env,
): TestEngine | undefined {
  return testEngines(env).find((engine) => engine.kind === 'postgres');
}
