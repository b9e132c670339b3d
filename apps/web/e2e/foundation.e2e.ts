/**
 * The platform foundation through a real browser: first-run setup, sign-out and sign-in, switching
 * the language, creating a department and a person in the admin console, the new person signing in
 * with their temporary password, and finding them in Contacts by pinyin initials.
 *
 * It builds the web app into a temp folder and starts a real Kite server process (`apps/server`,
 * fresh temp data dir, free port) serving that build, so it tests what `npm start` ships.
 * Screenshots go to artifacts/e2e/. Needs Chromium (KITE_CHROMIUM, default /usr/bin/chromium).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { chromiumPath, type E2eKite, launchChromium, screenshots, startE2eKite } from './e2e-harness.ts';

const admin = { tenant: '风筝科技', name: '陈管理', email: 'admin@kite-e2e.test', password: 'correct horse battery' };
const colleague = { name: '张三', email: 'zhangsan@kite-e2e.test' };
const department = '研发中心';

describe.skipIf(!existsSync(chromiumPath))('platform foundation in the browser', () => {
  let baseUrl = '';
  let kite: E2eKite | undefined;
  let browser: Browser | undefined;
  let context: BrowserContext | undefined;
  let page: Page;

  async function snap(name: string) {
    await page.screenshot({ path: join(screenshots, `${name}.png`), fullPage: false });
  }

  beforeAll(async () => {
    kite = await startE2eKite('kite-e2e-');
    baseUrl = kite.baseUrl;

    browser = await launchChromium();
    // A Chinese browser: the app starts in zh-CN until someone switches.
    context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1440, height: 900 } });
    page = await context.newPage();
  });

  afterEach(async (context) => {
    // What the browser showed when a step failed, for the CI artifacts.
    if (context.task.result?.state === 'fail' && page) {
      await snap(`failed-${context.task.name.replace(/[^a-z0-9]+/gi, '-')}`).catch(() => undefined);
    }
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await kite?.stop();
  });

  it('sets up the organisation on first run', async () => {
    await page.goto(baseUrl);
    await page.waitForURL('**/setup');
    await page.getByTestId('setup-page').waitFor();
    await expect(page.getByRole('heading', { name: '初始化 Kite' }).isVisible()).resolves.toBe(true);
    await snap('01-setup-zh-CN');

    await page.getByTestId('setup-tenant-name').fill(admin.tenant);
    await page.getByTestId('setup-admin-name').fill(admin.name);
    await page.getByTestId('setup-admin-email').fill(admin.email);
    await page.getByTestId('setup-admin-password').fill(admin.password);
    await page.getByTestId('setup-admin-password-confirm').fill(admin.password);
    await page.getByTestId('setup-submit').click();

    await page.getByTestId('app-shell').waitFor();
    await expect(page.getByTestId('org-name').textContent()).resolves.toContain(admin.tenant);
    await page.getByTestId('home-greeting').waitFor();
    await snap('02-home-after-setup');
  });

  it('logs out and signs back in', async () => {
    await page.getByTestId('user-menu').click();
    await page.getByTestId('logout').click();
    await page.getByTestId('login-page').waitFor();
    await snap('03-login');

    await page.getByTestId('login-email').fill(admin.email);
    await page.getByTestId('login-password').fill('wrong password');
    await page.getByTestId('login-submit').click();
    await expect(page.getByTestId('login-error').textContent()).resolves.toContain('邮箱或密码错误');

    await page.getByTestId('login-password').fill(admin.password);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('app-shell').waitFor();
  });

  it('switches the language from zh-CN to en-US and keeps it', async () => {
    await expect(page.getByTestId('nav-contacts').textContent()).resolves.toBe('通讯录');
    await page.getByTestId('user-menu').click();
    await page.getByTestId('language-switch').waitFor();
    await page.getByTestId('language-option-en-US').click();
    await expect(page.getByTestId('nav-contacts').textContent()).resolves.toBe('Contacts');
    await snap('04-home-en-US');

    // Saved on the account (PATCH /api/me) and on this device (localStorage).
    await expect
      .poll(
        async () => ((await (await page.request.get(`${baseUrl}/api/auth/session`)).json()) as { user: { locale: string } }).user.locale,
      )
      .toBe('en-US');
    await page.reload();
    await expect(page.getByTestId('nav-contacts').textContent()).resolves.toBe('Contacts');
  });

  it('creates a department in the admin console', async () => {
    await page.getByTestId('nav-admin').click();
    await page.getByTestId('departments-admin-page').waitFor();
    await page.getByTestId('add-department').click();
    await page.getByTestId('department-name-input').fill(department);
    await page.getByTestId('department-submit').click();
    await expect(page.getByTestId('department-detail-name').textContent()).resolves.toBe(department);
    await snap('05-admin-department-created');
  });

  let temporaryPassword = '';

  it('adds a person to that department and shows their temporary password once', async () => {
    await page.getByTestId('admin-nav-users').click();
    await page.getByTestId('users-admin-page').waitFor();
    await page.getByTestId('add-user').click();
    await page.getByTestId('user-name-input').fill(colleague.name);
    await page.getByTestId('user-email-input').fill(colleague.email);
    await page.getByTestId('user-departments-select').click();
    await page.locator('.semi-tree-select-popover').getByText(department, { exact: true }).click();
    // Close the tree dropdown by clicking elsewhere in the form (Escape would close the whole sheet).
    await page.getByTestId('user-name-input').click();
    await snap('06-admin-user-form');
    await page.getByTestId('user-submit').click();

    const password = page.getByTestId('temporary-password');
    await password.waitFor();
    temporaryPassword = (await password.textContent())?.trim() ?? '';
    expect(temporaryPassword.length).toBeGreaterThanOrEqual(8);
    await snap('07-admin-user-temporary-password');
    await page.getByTestId('temporary-password-done').click();
    await page.getByTestId(`user-row-${colleague.email}`).waitFor();
  });

  it('finds the person in Contacts by pinyin initials', async () => {
    await page.getByTestId('nav-contacts').click();
    await page.getByTestId('contacts-page').waitFor();
    await page.getByTestId('people-search').fill('zs');
    const results = page.getByTestId('search-results');
    await results.waitFor();
    await expect(results.locator(`[data-person-name="${colleague.name}"]`).count()).resolves.toBe(1);
    await results.locator(`[data-person-name="${colleague.name}"]`).click();
    await expect(page.getByTestId('profile-name').textContent()).resolves.toBe(colleague.name);
    await expect(page.getByTestId('profile-card').textContent()).resolves.toContain(department);
    await snap('08-contacts-search-zs');
  });

  it('lets the new person sign in with the temporary password, without the admin console', async () => {
    const newcomer = await browser?.newContext({ locale: 'en-US', viewport: { width: 390, height: 844 } });
    if (!newcomer) throw new Error('no browser');
    try {
      const phone = await newcomer.newPage();
      await phone.goto(`${baseUrl}/login`);
      await phone.getByTestId('login-email').fill(colleague.email);
      await phone.getByTestId('login-password').fill(temporaryPassword);
      await phone.getByTestId('login-submit').click();
      await phone.getByTestId('app-shell').waitFor();
      await expect(phone.getByTestId('tab-contacts').textContent()).resolves.toBe('Contacts');
      await phone.getByTestId('tab-more').click();
      await phone.getByTestId('more-wiki').waitFor();
      await expect(phone.getByTestId('more-admin').count()).resolves.toBe(0);
      await phone.screenshot({ path: join(screenshots, '09-phone-member.png') });
    } finally {
      await newcomer.close();
    }
  });

  it('registers an app’s OIDC redirect URLs in the admin console, refusing a malformed one', async () => {
    const appsList = async () =>
      ((await (await page.request.get(`${baseUrl}/api/admin/apps`)).json()) as { items: Array<{ appId: string; redirectUrls: string[] }> })
        .items;
    await page.getByTestId('nav-admin').click();
    await page.getByTestId('admin-nav-apps').click();
    await page.getByTestId('apps-page').waitFor();
    await page.getByTestId('create-app').click();
    await page.getByTestId('app-name-input').fill('SSO Portal');
    await page.getByTestId('add-redirect-url').click();
    await page.getByTestId('app-redirect-url-input-0').fill('ftp://portal.test/callback');
    await page.getByTestId('app-submit').click();
    await page.getByText('Enter a full URL starting with http:// or https://, without a # part').waitFor();
    await page.getByTestId('app-redirect-url-input-0').fill('https://portal.test/oidc/callback');
    await page.getByTestId('add-redirect-url').click();
    await page.getByTestId('app-redirect-url-input-1').fill('http://127.0.0.1:9000/cb');
    await snap('10-admin-app-redirect-urls');
    await page.getByTestId('app-submit').click();
    await page.getByTestId('app-secret-done').click();

    const [created] = await appsList();
    expect(created?.redirectUrls).toEqual(['https://portal.test/oidc/callback', 'http://127.0.0.1:9000/cb']);
    const shown = page.getByTestId(`app-redirect-urls-${created!.appId}`);
    await expect(shown.textContent()).resolves.toContain('https://portal.test/oidc/callback');
    await expect(shown.textContent()).resolves.toContain('2 URLs');

    // Editing keeps the list; removing one saves the rest.
    await page.getByTestId(`edit-app-${created!.appId}`).click();
    await expect(page.getByTestId('app-redirect-url-input-1').inputValue()).resolves.toBe('http://127.0.0.1:9000/cb');
    await page.getByTestId('remove-redirect-url-1').click();
    await page.getByTestId('app-submit').click();
    await expect.poll(async () => (await appsList())[0]?.redirectUrls).toEqual(['https://portal.test/oidc/callback']);
    await snap('11-admin-app-card');
  });
});
