import { randomToken } from '@kite/kernel/ids';
import { DataDirInUseError } from '@kite/platform/data-dir-lock';
import { loadConfig } from './config.ts';
import { createKite } from './kite.ts';

/** `npm start`: one process serving the web app, the APIs and the sockets on one port. */
async function main(): Promise<void> {
  const config = loadConfig();
  let kite: Awaited<ReturnType<typeof createKite>>;
  try {
    kite = await createKite(config, { adminSecret: randomToken(32) });
  } catch (error) {
    if (error instanceof DataDirInUseError) {
      process.stderr.write(`kite: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const url = await kite.listen();
  const engine = kite.database.engine === 'pglite' ? `embedded PostgreSQL (PGlite) in ${config.dataDir}` : 'PostgreSQL (DATABASE_URL)';
  process.stdout.write(`Kite is running at ${url} — database: ${engine}\n`);
  if (await kite.auth.needsSetup()) process.stdout.write(`Open ${config.publicUrl} to create your organisation.\n`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    kite.logger.info('stopping', { signal });
    await kite.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((error) => {
  process.stderr.write(`kite: failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
