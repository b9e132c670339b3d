/**
 * What every browser test needs: a production build of the web app, a real Kite server process
 * serving it (fresh data dir, free port), and headless Chromium started the way this machine allows.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ServerProcess, startServerProcess } from '@kite/testing/server-process';
import { type Browser, type BrowserContext, chromium, type Locator, type Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, afterEach } from 'vitest';

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

/** A signed-in API session: the cookie header and the CSRF token unsafe requests carry. */
export interface ApiSession {
  cookie: string;
  csrf: string;
}

/** JSON over HTTP with the session cookie and CSRF header, for setting up what a test needs. */
export async function apiCall<T>(baseUrl: string, session: ApiSession, method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { 'content-type': 'application/json', cookie: session.cookie, 'x-csrf-token': session.csrf },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${method} ${path} → ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

/** First-run setup through the API: the organisation and its administrator, whose session it returns. */
export async function setUpOrganisation(
  baseUrl: string,
  admin: { tenant: string; name: string; email: string; password: string },
): Promise<ApiSession> {
  const setup = await fetch(`${baseUrl}/api/setup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ tenantName: admin.tenant, adminName: admin.name, adminEmail: admin.email, adminPassword: admin.password }),
  });
  if (!setup.ok) throw new Error(`setup failed: ${setup.status} ${await setup.text()}`);
  return sessionOf(setup);
}

/** Someone the administrator adds through the contact API (with a password, so they can sign in). */
export async function addPerson(
  baseUrl: string,
  admin: ApiSession,
  person: { name: string; email: string; password: string; title?: string },
): Promise<{ id: string; openId: string }> {
  return (await apiCall<{ user: { id: string; openId: string } }>(baseUrl, admin, 'POST', '/api/contact/users', person)).user;
}

/** Signs in through the API (no browser), for acting as someone in a test's setup. */
export async function apiSignIn(baseUrl: string, email: string, password: string): Promise<ApiSession> {
  const response = await fetch(`${baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  if (!response.ok) throw new Error(`sign-in failed: ${response.status} ${await response.text()}`);
  return sessionOf(response);
}

/** The session a setup or sign-in answer opened: its cookies and CSRF token. */
async function sessionOf(response: Response): Promise<ApiSession> {
  const { csrfToken } = (await response.json()) as { csrfToken: string };
  const cookie = response.headers
    .getSetCookie()
    .map((value) => value.split(';')[0])
    .join('; ');
  return { cookie, csrf: csrfToken };
}

/** Signs a browser page in through the login form and waits for the app. */
export async function signIn(page: Page, baseUrl: string, email: string, password: string): Promise<void> {
  await page.goto(`${baseUrl}/login`);
  await page.getByTestId('login-email').fill(email);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('app-shell').waitFor();
}

/** Resolves once the page's finite animations (modals fading, sheets sliding in) are over, before a screenshot. */
export async function animationsSettled(page: Page): Promise<void> {
  await page.evaluate(() =>
    Promise.all(
      document
        .getAnimations()
        .filter((animation) => animation.effect?.getComputedTiming().endTime !== Number.POSITIVE_INFINITY)
        .map((animation) => animation.finished.catch(() => undefined)),
    ),
  );
}

/** After a failed test, a screenshot of each page: `<prefix>-failed-<page>-<test name>.png`. */
export async function screenshotFailure(
  test: { task: { name: string; result?: { state?: string } } },
  prefix: string,
  pages: Record<string, Page | undefined>,
): Promise<void> {
  if (test.task.result?.state === 'fail') await screenshotPages(prefix, test.task.name, pages);
}

/** Each page as it is, as `<prefix>-failed-<page>-<test name>.png`; a page that cannot be shot is skipped. */
async function screenshotPages(prefix: string, testName: string, pages: Record<string, Page | undefined>): Promise<void> {
  const name = testName.replace(/[^a-z0-9]+/gi, '-');
  for (const [who, page] of Object.entries(pages)) {
    await page?.screenshot({ path: join(screenshots, `${prefix}-failed-${who}-${name}.png`) }).catch(() => undefined);
  }
}

/** A Kite server for one browser test file, serving its own build. */
export interface E2eKite {
  baseUrl: string;
  /** Stops the server and removes its folder. */
  stop(): Promise<void>;
}

/** A fresh build served by a fresh server (fresh data dir, free port), both in a temp folder `prefix…`. */
export async function startE2eKite(prefix: string): Promise<E2eKite> {
  mkdirSync(screenshots, { recursive: true });
  const workDir = mkdtempSync(join(tmpdir(), prefix));
  const webDist = join(workDir, 'web');
  await buildWebApp(webDist);
  const server = await startKiteServer(workDir, webDist);
  return {
    baseUrl: server.url,
    async stop() {
      await server.stop();
      rmSync(workDir, { recursive: true, force: true });
    },
  };
}

/** Someone at a browser: how they sign in and what their browser looks like. */
export interface BrowserPerson {
  email: string;
  password: string;
  locale: string;
  viewport: { width: number; height: number };
  /** A phone: touch input and a mobile viewport. */
  phone?: boolean;
  /** What the browser lets Kite's pages do, e.g. `clipboard-read`. */
  permissions?: string[];
}

/** Two people in two browser contexts of one Chromium, each signed in. */
export interface TwoBrowsers {
  contextA: BrowserContext;
  contextB: BrowserContext;
  pageA: Page;
  pageB: Page;
  /** Someone else, signed in in a context of their own that `close()` closes too. */
  signInAnother(person: BrowserPerson): Promise<Page>;
  /** Both pages as they are, after a failed test: `<prefix>-failed-A-<test>.png` and `…-B-…`. */
  screenshotFailure(prefix: string, testName: string): Promise<void>;
  close(): Promise<void>;
}

export async function openTwoBrowsers(baseUrl: string, a: BrowserPerson, b: BrowserPerson): Promise<TwoBrowsers> {
  const browser = await launchChromium();
  const contexts: BrowserContext[] = [];
  async function signInAnother(person: BrowserPerson): Promise<Page> {
    const context = await browser.newContext({
      locale: person.locale,
      viewport: person.viewport,
      ...(person.phone ? { isMobile: true, hasTouch: true } : {}),
    });
    contexts.push(context);
    if (person.permissions) await context.grantPermissions(person.permissions, { origin: baseUrl });
    const page = await context.newPage();
    await signIn(page, baseUrl, person.email, person.password);
    return page;
  }
  const pageA = await signInAnother(a);
  const pageB = await signInAnother(b);
  return {
    contextA: pageA.context(),
    contextB: pageB.context(),
    pageA,
    pageB,
    signInAnother,
    screenshotFailure: (prefix, testName) => screenshotPages(prefix, testName, { A: pageA, B: pageB }),
    async close() {
      for (const context of contexts) await context.close();
      await browser.close();
    },
  };
}

/** One browser test file's server and browsers, which `useE2eKite` tears down after the file. */
export interface E2eSuite {
  /** Builds the web app and starts the server (in `beforeAll`); resolves to its base URL. */
  start(): Promise<string>;
  /** Opens the two people's browsers on the started server, each signed in. */
  openTwoBrowsers(a: BrowserPerson, b: BrowserPerson): Promise<TwoBrowsers>;
}

/**
 * What every two-browser test file needs, in its `describe`: a server in a temp folder `tempPrefix…`,
 * both pages photographed when a test fails (`<screenshotPrefix>-failed-A-<test>.png`, `…-B-…`), and
 * at the end the browsers closed and the server stopped.
 */
export function useE2eKite(tempPrefix: string, screenshotPrefix: string): E2eSuite {
  let kite: E2eKite | undefined;
  let browsers: TwoBrowsers | undefined;
  afterEach(async (context) => {
    if (context.task.result?.state === 'fail') await browsers?.screenshotFailure(screenshotPrefix, context.task.name);
  });
  afterAll(async () => {
    await browsers?.close();
    await kite?.stop();
  });
  return {
    async start() {
      kite = await startE2eKite(tempPrefix);
      return kite.baseUrl;
    },
    async openTwoBrowsers(a, b) {
      if (!kite) throw new Error('start the server before opening browsers');
      browsers = await openTwoBrowsers(kite.baseUrl, a, b);
      return browsers;
    },
  };
}

/** The conversation's row of a message by its text (not the thread panel's, nor a row quoting it). */
export function timelineRow(page: Page, text: string): Locator {
  return page
    .getByTestId('conversation')
    .getByTestId('message')
    .filter({ has: page.getByTestId('message-text').filter({ hasText: text }) });
}
