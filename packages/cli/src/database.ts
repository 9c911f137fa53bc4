import { TributaryError } from '@tributary/schema';
import { connect, type Warehouse } from '@tributary/warehouse';
import { type CommandIo, EXIT } from './command.js';
import { type DatabaseTarget, resolveDatabaseTarget } from './config.js';

/**
 * Opens the command's database and checks it answers. A connection problem is printed with what
 * to check and returns undefined (the command exits 1); Tributary's own errors (e.g. a locked
 * embedded data directory) propagate with their message.
 */
export async function openWarehouse(
  command: string,
  target: DatabaseTarget,
  io: CommandIo,
): Promise<Warehouse | undefined> {
  let db: Warehouse | undefined;
  try {
    db =
      target.kind === 'url'
        ? await connect(target.url)
        : await connect(undefined, { dataDir: target.dataDir });
    await db.query('SELECT 1');
    return db;
  } catch (error) {
    await db?.close().catch(() => {});
    if (TributaryError.isInstance(error)) throw error;
    io.stderr(
      `tributary ${command}: cannot connect to ${target.description}: ${(error as Error).message}\n` +
        (target.kind === 'url'
          ? 'Check --database-url / DATABASE_URL (is the server running? does the database exist?), or unset it to use the embedded database.\n'
          : 'Check TRIBUTARY_DATA_DIR, or set DATABASE_URL to use a PostgreSQL server.\n'),
    );
    return undefined;
  }
}

/**
 * Runs `work` on the database of the command's `--database-url` (else DATABASE_URL, the config,
 * the embedded data directory) and closes it; exit code 1 when it cannot connect.
 */
export async function withWarehouse(
  command: string,
  databaseUrl: string | undefined,
  io: CommandIo,
  work: (db: Warehouse) => Promise<number>,
): Promise<number> {
  const target = resolveDatabaseTarget(databaseUrl, io.env, io.cwd, io.config);
  const db = await openWarehouse(command, target, io);
  if (!db) return EXIT.failure;
  try {
    return await work(db);
  } finally {
    await db.close();
  }
}
