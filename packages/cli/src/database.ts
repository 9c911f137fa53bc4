import { TributaryError } from '@tributary/schema';
import { connect, type Warehouse } from '@tributary/warehouse';
import type { CommandIo } from './command.js';
import type { DatabaseTarget } from './config.js';

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
