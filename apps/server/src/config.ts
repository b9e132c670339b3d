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
  /** Whether KITE_PUBLIC_URL was set (else URLs handed to clients follow the Host header). */
  publicUrlExplicit: boolean;
  /**
   * Which peers' X-Forwarded-For to believe (Fastify `trustProxy`): proxy addresses, CIDRs or the
   * names loopback/linklocal/uniquelocal, comma-separated (`KITE_TRUST_PROXY`, `false` for none).
   * Default when the public URL is https (a TLS proxy in front): proxies on loopback and private
   * networks; otherwise none. Never "all": the left-most entry is whatever the client wrote, and the
   * address keys the login lockout and the audit log.
   */
  trustProxy: string | false;
  logLevel: LogLevel;
  /** Requests per app per open-platform route per second. */
  openApiRateLimit: number;
  /** Token requests per client address and app per minute (secret guessing). */
  tokenRateLimit: number;
  /** Largest request body, bytes. */
  bodyLimit: number;
  /** Where the built web app lives; the server runs without it (API only). */
  webDist: string;
  /** How long senders may recall their own messages (`KITE_IM_RECALL_MINUTES`; chat owners and admins: any time). */
  imRecallMinutes: number;
  /** Largest uploaded file (`KITE_MAX_UPLOAD_MB`, default 30) and image (`KITE_MAX_IMAGE_MB`, default 10, at most the file limit), bytes. */
  maxUploadBytes: number;
  maxImageBytes: number;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): KiteConfig {
  const port = Number(env.PORT ?? 3000);
  const host = env.HOST ?? '127.0.0.1';
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error(`PORT must be a port number, got ${env.PORT}`);
  const level = (env.KITE_LOG_LEVEL ?? 'info') as LogLevel;
  const publicUrl = (env.KITE_PUBLIC_URL ?? `http://${host}:${port}`).replace(/\/$/, '');
  const trustProxy = env.KITE_TRUST_PROXY?.trim();
  const megabytes = (name: string, fallback: number) => {
    const value = Number(env[name] ?? fallback);
    if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number of megabytes, got ${env[name]}`);
    return Math.floor(value * 1024 * 1024);
  };
  const maxUploadBytes = megabytes('KITE_MAX_UPLOAD_MB', 30);
  return {
    port,
    host,
    dataDir: resolve(env.KITE_DATA_DIR ?? './data'),
    databaseUrl: env.DATABASE_URL || undefined,
    publicUrl,
    publicUrlExplicit: Boolean(env.KITE_PUBLIC_URL),
    trustProxy: trustProxy ? trustProxy !== 'false' && trustProxy : publicUrl.startsWith('https://') && 'loopback,linklocal,uniquelocal',
    logLevel: ['debug', 'info', 'warn', 'error', 'silent'].includes(level) ? level : 'info',
    openApiRateLimit: Number(env.KITE_OPENAPI_RATE_LIMIT ?? 50),
    tokenRateLimit: Number(env.KITE_TOKEN_RATE_LIMIT ?? 600),
    bodyLimit: Number(env.KITE_BODY_LIMIT ?? 1024 * 1024),
    webDist: resolve(env.KITE_WEB_DIST ?? new URL('../../web/dist', import.meta.url).pathname),
    imRecallMinutes: Number(env.KITE_IM_RECALL_MINUTES ?? 1440),
    maxUploadBytes,
    maxImageBytes: Math.min(megabytes('KITE_MAX_IMAGE_MB', 10), maxUploadBytes),
  };
}
