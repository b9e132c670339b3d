import { resolve } from 'node:path';
import type { LogLevel } from '@kite/kernel/logger';

/** Everything the server reads from the environment, in one place (README § Configuration). */
export interface KiteConfig {
  port: number;
  host: string;
  /** PGlite files, the data-dir lock, attachments. */
  dataDir: string;
  /** PostgreSQL instead of PGlite when set. */
  databaseUrl?: string;
  /** The URL people use to reach Kite; https here turns on Secure cookies. */
  publicUrl: string;
  logLevel: LogLevel;
  /** Requests per app per open-platform route per second. */
  openApiRateLimit: number;
  /** Largest request body, bytes. */
  bodyLimit: number;
  /** Where the built web app lives; the server runs without it (API only). */
  webDist: string;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): KiteConfig {
  const port = Number(env.PORT ?? 3000);
  const host = env.HOST ?? '127.0.0.1';
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error(`PORT must be a port number, got ${env.PORT}`);
  const level = (env.KITE_LOG_LEVEL ?? 'info') as LogLevel;
  return {
    port,
    host,
    dataDir: resolve(env.KITE_DATA_DIR ?? './data'),
    databaseUrl: env.DATABASE_URL || undefined,
    publicUrl: (env.KITE_PUBLIC_URL ?? `http://${host}:${port}`).replace(/\/$/, ''),
    logLevel: ['debug', 'info', 'warn', 'error', 'silent'].includes(level) ? level : 'info',
    openApiRateLimit: Number(env.KITE_OPENAPI_RATE_LIMIT ?? 50),
    bodyLimit: Number(env.KITE_BODY_LIMIT ?? 1024 * 1024),
    webDist: resolve(env.KITE_WEB_DIST ?? new URL('../../web/dist', import.meta.url).pathname),
  };
}
