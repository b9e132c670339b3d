/**
 * What every browser test needs: a production build of the web app, a real Kite server process
 * serving it (fresh data dir, free port), and headless Chromium started the way this machine allows.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ServerProcess, startServerProcess } from '@kite/testing/server-process';
import { type Browser, chromium } from 'playwright-core';
import { build } from 'vite';

export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
export const chromiumPath = process.env.KITE_CHROMIUM ?? '/usr/bin/chromium';
export const screenshots = join(repoRoot, 'artifacts', 'e2e');

/** Builds the web app as `npm start` ships it, into `outDir`. */
export async function buildWebApp(outDir: string): Promise<void> {
  // Vitest sets NODE_ENV=test, which would make Vite bundle React's development build.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({
      configFile: join(repoRoot, 'apps/web/vite.config.ts'),
      mode: 'production',
      logLevel: 'warn',
      build: { outDir, emptyOutDir: true },
    });
  } finally {
    process.env.NODE_ENV = nodeEnv;
  }
}

/** A real server process on a fresh data dir in `workDir`, serving the build in `webDist`. */
export function startKiteServer(workDir: string, webDist: string): Promise<ServerProcess> {
  return startServerProcess({ KITE_DATA_DIR: join(workDir, 'data'), KITE_WEB_DIST: webDist, KITE_LOG_LEVEL: 'warn' }, 150_000);
}

/** Headless Chromium from Debian, without the background traffic this closed network refuses. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
