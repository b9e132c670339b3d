/**
 * Urgent buzz and pins through two real browsers: A (zh-CN) buzzes B (en-US) from a message's menu;
 * B, on another page, gets the alert live, keeps it across a reload, opens the message and
 * acknowledges; A's marker counts the acknowledgement live. A pins the message and B finds it in
 * the pinned panel. Then the same at phone width.
 *
 * Builds the web app into a temp folder and starts a real Kite server (fresh data dir, free port).
 * Screenshots go to artifacts/e2e/buzz-pins-*.png. Needs Chromium (KITE_CHROMIUM, default /usr/bin/chromium).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { type ApiSession, addPerson, apiCall, apiSignIn, chromiumPath, screenshots, setUpOrganisation, useE2eKite } from './e2e-harness.ts';

const alice = { tenant: '风筝科技', name: '陈管理', email: 'admin@kite-buzz-e2e.test', password: 'correct horse battery' };
const bob = { name: 'Bob Li', email: 'bob@kite-buzz-e2e.test', password: 'another horse battery' };
const releaseNote = '今晚 20:00 发布 3.2 版本，请确认回滚方案';

describe.skipIf(!existsSync(chromiumPath))('buzz and pins in two browsers', () => {
  const suite = useE2eKite('kite-buzz-e2e-', 'buzz-pins');
  let baseUrl = '';
  let pageA: Page;
  let pageB: Page;
  let sessionA: ApiSession;
  let bobId = '';
  let chat: { id: string };
  let message: { id: string; messageId: string };

  async function snap(page: Page, name: string) {
    await page.screenshot({ path: join(screenshots, `buzz-pins-${name}.png`), fullPage: false });
  }

  /** A's message row, with its hover actions opened to the "More" menu. */
  async function openMoreMenu(page: Page) {
    const row = page.getByTestId('message').filter({ hasText: releaseNote });
    await row.hover();
    await row.getByTestId('action-more').click();
    return row;
  }

  beforeAll(async () => {
    baseUrl = await suite.start();
    sessionA = await setUpOrganisation(baseUrl, alice);
    bobId = (await addPerson(baseUrl, sessionA, bob)).id;
    chat = await apiCall(baseUrl, sessionA, 'POST', '/api/im/chats', { chatType: 'group', name: '发布小组', userIds: [bobId] });
    message = await apiCall(baseUrl, sessionA, 'POST', `/api/im/chats/${chat.id}/messages`, {
      msgType: 'text',
      content: JSON.stringify({ text: releaseNote }),
    });
    ({ pageA, pageB } = await suite.openTwoBrowsers(
      { ...alice, locale: 'zh-CN', viewport: { width: 1440, height: 900 } },
      { ...bob, locale: 'en-US', viewport: { width: 1280, height: 800 } },
    ));
  });

  it('lets A buzz B from the message menu; B sees the alert live on another page, and after a reload', async () => {
    // B is not in the messenger: the alert must reach any page.
    await pageB.goto(`${baseUrl}/`);
    await pageB.getByTestId('app-shell').waitFor();

    await pageA.goto(`${baseUrl}/messenger/${chat.id}`);
    await openMoreMenu(pageA);
    await pageA.getByTestId('action-buzz').click();
    await pageA.getByTestId(`buzz-pick-${bobId}`).click();
    await snap(pageA, '01-A-buzz-dialog');
    await pageA.getByTestId('buzz-submit').click();
    const marker = pageA.getByTestId('message').filter({ hasText: releaseNote }).getByTestId('buzz-marker');
    await marker.waitFor();
    await expect(marker.textContent()).resolves.toBe('加急 · 0/1 已确认');

    const alert = pageB.getByTestId('buzz-alert');
    await alert.waitFor({ timeout: 15_000 });
    await expect(alert.textContent()).resolves.toContain(`${alice.name} buzzed you in 发布小组`);
    await expect(alert.textContent()).resolves.toContain(releaseNote);
    await snap(pageB, '02-B-alert-desktop');

    await pageB.reload();
    await pageB.getByTestId('buzz-alert').waitFor();
    await expect(pageB.getByTestId('buzz-acknowledge').textContent()).resolves.toBe('Acknowledge');
  });

  it('takes B to the message; B acknowledges and A’s marker shows it live', async () => {
    await pageB.getByTestId('buzz-alert-open').click();
    await pageB.waitForURL(/\/messenger\/.+\?message=om_/);
    await pageB.locator('.kite-im-row--highlight').filter({ hasText: releaseNote }).waitFor();
    await pageB.getByTestId('buzz-acknowledge').click();
    await expect.poll(() => pageB.getByTestId('buzz-alert').count()).toBe(0);

    const marker = pageA.getByTestId('message').filter({ hasText: releaseNote }).getByTestId('buzz-marker');
    await expect.poll(() => marker.getAttribute('data-acknowledged'), { timeout: 15_000 }).toBe('1');
    await expect(marker.textContent()).resolves.toBe('加急 · 1/1 已确认');
    await marker.click();
    const status = pageA.getByTestId('buzz-status');
    await status.waitFor();
    await expect.poll(() => status.textContent()).toContain('已确认 (1)');
    await expect(status.textContent()).resolves.toContain(bob.name);
    await snap(pageA, '03-A-acknowledged');
    await pageA.keyboard.press('Escape');
  });

  it('lets A pin the message; B sees the marker and the pin in the open pinned panel, live', async () => {
    await pageB.getByTestId('open-pins').click();
    await pageB.getByTestId('pins-panel').getByTestId('pins-empty').waitFor();
    await snap(pageB, '04-B-pinned-panel-empty');

    await openMoreMenu(pageA);
    await pageA.getByTestId('action-pin').click();
    await pageA.getByTestId('message').filter({ hasText: releaseNote }).getByTestId('pin-marker').waitFor();

    const onB = pageB.getByTestId('message').filter({ hasText: releaseNote }).getByTestId('pin-marker');
    await onB.waitFor({ timeout: 15_000 });
    await expect(onB.textContent()).resolves.toBe(`Pinned by ${alice.name}`);
    const item = pageB.getByTestId('pins-panel').getByTestId('pinned-item');
    await item.waitFor();
    await expect(item.textContent()).resolves.toContain(releaseNote);
    await expect(item.textContent()).resolves.toContain(`Pinned by ${alice.name}`);
    // B did not pin it and is no admin: no unpin button for B.
    await expect(item.getByTestId('pin-unpin').count()).resolves.toBe(0);
    await snap(pageB, '05-B-pinned-panel-desktop');
    await item.getByTestId('pin-jump').click();
    await pageB.locator('.kite-im-row--highlight').filter({ hasText: releaseNote }).waitFor();
  });

  it('works at phone width: the alert on top, the pinned panel full screen', async () => {
    // Same tab, no reload (the live connection stays): the open pinned panel now fills the screen.
    await pageB.setViewportSize({ width: 390, height: 844 });
    await pageB.getByTestId('pins-panel').getByTestId('pinned-item').waitFor();
    await expect.poll(() => pageB.getByTestId('conversation').count()).toBe(0);
    await snap(pageB, '06-B-pinned-panel-phone');
    // A buzzes B again (B acknowledged, so the alert comes back).
    await apiCall(baseUrl, sessionA, 'POST', `/api/im/messages/${message.id}/urgent`, { userIds: [bobId] });
    await pageB.getByTestId('buzz-alert').waitFor({ timeout: 15_000 });
    await snap(pageB, '07-B-alert-phone');
    await pageB.getByTestId('buzz-acknowledge').click();
    await expect.poll(() => pageB.getByTestId('buzz-alert').count()).toBe(0);

    // And in Chinese: B buzzes A about B's own message.
    const fromBob = await apiSignIn(baseUrl, bob.email, bob.password);
    const reply = await apiCall<{ id: string }>(baseUrl, fromBob, 'POST', `/api/im/chats/${chat.id}/messages`, {
      msgType: 'text',
      content: JSON.stringify({ text: 'Rollback plan is in the runbook, please check' }),
    });
    await apiCall(baseUrl, fromBob, 'POST', `/api/im/messages/${reply.id}/urgent`, { userIds: [await aliceId()] });
    const alertA = pageA.getByTestId('buzz-alert');
    await alertA.waitFor({ timeout: 15_000 });
    await expect(alertA.textContent()).resolves.toContain(`${bob.name} 在「发布小组」中加急了你`);
    await expect(pageA.getByTestId('buzz-acknowledge').textContent()).resolves.toBe('知道了');
    await snap(pageA, '08-A-alert-zh-CN');

    // The owner may buzz about B's message too: nobody is left to buzz (not B, not herself). The
    // hover actions exist at desktop width only; the open dialog then fits a phone's width.
    const bobsRow = pageA.getByTestId('message').filter({ hasText: 'Rollback plan is in the runbook' });
    await bobsRow.hover();
    await bobsRow.getByTestId('action-more').click();
    await pageA.getByTestId('action-buzz').click();
    await expect.poll(() => pageA.locator('.semi-modal').textContent()).toContain('此会话中没有其他可以加急的人');
    await pageA.setViewportSize({ width: 390, height: 844 });
    await snap(pageA, '09-A-buzz-dialog-phone');
    await pageA.keyboard.press('Escape');
  });

  async function aliceId(): Promise<string> {
    return (await apiCall<{ user: { id: string } }>(baseUrl, sessionA, 'GET', '/api/auth/session')).user.id;
  }
});
