/**
 * Messenger through two real browsers, two people, in real time: A starts a 1:1 chat with B and
 * writes; B sees it arrive (with an unread badge) without reloading and replies; A sees the reply;
 * B's reaction shows on A's side; A creates a group with B and B gets the @mention.
 *
 * Like foundation.e2e.ts it builds the web app into a temp folder and starts a real Kite server
 * (fresh data dir, free port). Screenshots go to artifacts/e2e/messenger-*.png. Needs Chromium
 * (KITE_CHROMIUM, default /usr/bin/chromium).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { addPerson, apiCall, chromiumPath, screenshots, setUpOrganisation, type TwoBrowsers, useE2eKite } from './e2e-harness.ts';

const alice = { tenant: '风筝科技', name: '陈管理', email: 'admin@kite-im-e2e.test', password: 'correct horse battery' };
const bob = { name: '李四', email: 'lisi@kite-im-e2e.test', password: 'another horse battery' };

describe.skipIf(!existsSync(chromiumPath))('messenger in two browsers', () => {
  const suite = useE2eKite('kite-im-e2e-', 'messenger');
  let baseUrl = '';
  let browsers: TwoBrowsers | undefined;
  let pageA: Page;
  let pageB: Page;
  let bobId = '';
  let adminSession = { cookie: '', csrf: '' };

  async function snap(page: Page, name: string) {
    await page.screenshot({ path: join(screenshots, `messenger-${name}.png`), fullPage: false });
  }

  beforeAll(async () => {
    baseUrl = await suite.start();

    // The organisation and the second person, through the same API the admin console uses.
    const session = await setUpOrganisation(baseUrl, alice);
    adminSession = session;
    bobId = (await addPerson(baseUrl, session, { ...bob, title: '前端工程师' })).id;

    browsers = await suite.openTwoBrowsers(
      { ...alice, locale: 'zh-CN', viewport: { width: 1440, height: 900 } },
      { ...bob, locale: 'en-US', viewport: { width: 1280, height: 800 } },
    );
    ({ pageA, pageB } = browsers);
  });

  it('shows an empty messenger with a way to start a chat', async () => {
    await pageA.getByTestId('nav-messenger').click();
    await pageA.getByTestId('chats-empty').waitFor();
    await pageB.goto(`${baseUrl}/messenger`);
    await pageB.getByTestId('chats-empty').waitFor();
    await snap(pageA, '01-empty-zh-CN');
  });

  it('lets A open a 1:1 chat with B by pinyin and send a message', async () => {
    await pageA.getByTestId('empty-start-chat').click();
    await pageA.getByTestId('people-search-input').fill('lisi');
    await pageA.getByTestId(`pick-person-${bobId}`).click();
    await pageA.getByTestId('conversation').waitFor();
    await expect(pageA.getByTestId('conversation-name').textContent()).resolves.toContain(bob.name);
    await pageA.getByTestId('composer-input').fill('你好李四，新版消息模块上线了 https://kite.example/im');
    await pageA.getByTestId('composer-input').press('Enter');
    const bubble = pageA.getByTestId('message-bubble').filter({ hasText: '新版消息模块上线了' });
    await bubble.waitFor();
    await expect(pageA.getByTestId('composer-input').inputValue()).resolves.toBe('');
    await expect(bubble.locator('a[href="https://kite.example/im"]').count()).resolves.toBe(1);
    await snap(pageA, '02-A-sent');
  });

  it('shows B the new chat with an unread badge, without a reload', async () => {
    const item = pageB.locator('[data-testid^="chat-item-"]').filter({ hasText: alice.name });
    await item.waitFor({ timeout: 15_000 });
    await expect(item.getByTestId('chat-unread-badge').textContent()).resolves.toBe('1');
    await expect(item.textContent()).resolves.toContain('新版消息模块上线了');
    await expect(pageB.getByTestId('messenger-unread-total').textContent()).resolves.toBe('1');
    await snap(pageB, '03-B-unread-en-US');

    await item.click();
    await pageB.getByTestId('message-bubble').filter({ hasText: '新版消息模块上线了' }).waitFor();
    // Reading the chat clears its badge and the total.
    await expect.poll(() => pageB.getByTestId('messenger-unread-total').count()).toBe(0);
  });

  it('delivers B’s reply to A', async () => {
    await pageB.getByTestId('composer-input').fill('Got it, looks great!');
    await pageB.getByTestId('composer-send').click();
    await pageB.getByTestId('message-bubble').filter({ hasText: 'Got it, looks great!' }).waitFor();
    await pageA.getByTestId('message-bubble').filter({ hasText: 'Got it, looks great!' }).waitFor({ timeout: 15_000 });
    await snap(pageA, '04-A-sees-reply');
  });

  it('shows B’s reaction on A’s side', async () => {
    const message = pageB.getByTestId('message').filter({ hasText: '新版消息模块上线了' });
    await message.hover();
    await message.getByTestId('action-react').click();
    await pageB.getByTestId('emoji-picker').getByTestId('emoji-THUMBSUP').click();
    await message.getByTestId('reaction-THUMBSUP').waitFor();
    await expect(message.getByTestId('reaction-THUMBSUP').getAttribute('aria-pressed')).resolves.toBe('true');

    const onA = pageA.getByTestId('message').filter({ hasText: '新版消息模块上线了' }).getByTestId('reaction-THUMBSUP');
    await onA.waitFor({ timeout: 15_000 });
    await expect(onA.getAttribute('data-count')).resolves.toBe('1');
    // A did not react; the button is not pressed for A.
    await expect(onA.getAttribute('aria-pressed')).resolves.toBe('false');
    await snap(pageA, '05-A-sees-reaction');
  });

  it('lets A create a group with B and @mention B', async () => {
    await pageA.getByTestId('new-chat').click();
    await pageA.getByTestId('new-group').click();
    await pageA.getByTestId('group-name-input').fill('发布小组');
    await pageA.getByTestId('people-search-input').fill('ls');
    await pageA.getByTestId(`pick-person-${bobId}`).click();
    await pageA.getByTestId('create-group-submit').click();
    await pageA.getByTestId('conversation').waitFor();
    await expect.poll(() => pageA.getByTestId('conversation-name').textContent()).toContain('发布小组');

    const input = pageA.getByTestId('composer-input');
    await input.click();
    await input.pressSequentially('@li');
    await pageA.getByTestId('mention-picker').getByText(bob.name).waitFor();
    await snap(pageA, '06-A-mention-picker');
    await input.press('Enter');
    await expect(input.inputValue()).resolves.toBe(`@${bob.name} `);
    await input.pressSequentially('please review the release notes');
    await input.press('Enter');
    const sent = pageA.getByTestId('message-bubble').filter({ hasText: 'please review the release notes' });
    await sent.waitFor();
    await expect(sent.locator('.kite-im-mention').textContent()).resolves.toBe(`@${bob.name}`);
    await snap(pageA, '07-A-group-mention');
  });

  it('brings the group and the mention to B', async () => {
    const item = pageB.locator('[data-testid^="chat-item-"]').filter({ hasText: '发布小组' });
    await item.waitFor({ timeout: 15_000 });
    await expect(item.getByTestId('chat-unread-badge').textContent()).resolves.toBe('1');
    await expect(item.textContent()).resolves.toContain('[@You]');
    await snap(pageB, '08-B-mentioned');
    await item.click();
    const mention = pageB
      .getByTestId('message-bubble')
      .filter({ hasText: 'please review the release notes' })
      .locator('.kite-im-mention--me');
    await mention.waitFor();
    await expect(mention.textContent()).resolves.toBe(`@${bob.name}`);
    await snap(pageB, '09-B-group-conversation');
    // A's "1 unread" turns into a tick without a reload: B's read reaches the sender live.
    await expect.poll(() => pageA.getByTestId('read-receipt').last().getAttribute('aria-label'), { timeout: 10_000 }).toBe('全部已读');
  });
  it('lets A send an image and a file that B sees, opens and can download', async () => {
    // A 1×1 PNG, picked with the attach button.
    const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
    await pageA.getByTestId('composer-file').setInputFiles({ name: '截图.png', mimeType: 'image/png', buffer: png });
    const sentImage = pageA.getByTestId('message-bubble').getByTestId('chat-image');
    await sentImage.waitFor({ timeout: 15_000 });
    await expect.poll(() => pageA.getByTestId('upload').count()).toBe(0);

    const seen = pageB.getByTestId('message-bubble').getByTestId('chat-image').locator('img');
    await seen.waitFor({ timeout: 15_000 });
    await expect.poll(() => seen.evaluate((img) => (img as HTMLImageElement).naturalWidth)).toBe(1);
    await pageB.getByTestId('message-bubble').getByTestId('chat-image').click();
    await pageB.getByTestId('image-lightbox').waitFor();
    await snap(pageB, '10-B-image-lightbox');
    await pageB.keyboard.press('Escape');
    await expect.poll(() => pageB.getByTestId('image-lightbox').count()).toBe(0);

    await pageA.getByTestId('composer-file').setInputFiles({
      name: 'release-notes.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from('Release notes\n'.repeat(100)),
    });
    const card = pageB.getByTestId('file-card').filter({ hasText: 'release-notes.txt' });
    await card.waitFor({ timeout: 15_000 });
    await expect.poll(() => card.textContent()).toContain('1.4 KB');
    const href = await card.locator('a').getAttribute('href');
    const cookies = await pageB.context().cookies();
    const download = await fetch(`${baseUrl}${href}`, { headers: { cookie: cookies.map((c) => `${c.name}=${c.value}`).join('; ') } });
    expect(download.status).toBe(200);
    expect(download.headers.get('content-disposition')).toContain('attachment');
    expect(await download.text()).toBe('Release notes\n'.repeat(100));
    await snap(pageB, '11-B-file-card');
  });

  it('opens a message’s actions on a phone when B holds it', async () => {
    const page = await browsers!.signInAnother({ ...bob, locale: 'en-US', viewport: { width: 390, height: 844 }, phone: true });
    const phone = page.context();
    try {
      await page.goto(`${baseUrl}/messenger`);
      await page.locator('[data-testid^="chat-item-"]').filter({ hasText: 'Got it, looks great!' }).click();
      const row = page.getByTestId('message').filter({ hasText: 'Got it, looks great!' });
      await row.waitFor();
      await expect(row.getByTestId('action-react').isVisible()).resolves.toBe(false);
      // A real long press: the finger rests on the bubble for 700 ms (Chromium's touch input).
      const box = (await row.getByTestId('message-bubble').boundingBox())!;
      const touch = await phone.newCDPSession(page);
      const point = { x: box.x + box.width / 2, y: box.y + box.height / 2 };
      await touch.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [point] });
      await new Promise((resolve) => setTimeout(resolve, 700));
      await touch.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
      await row.getByTestId('action-react').waitFor({ state: 'visible' });
      // The whole bar is on screen, the last button included (an own message sits at the right edge).
      const bar = (await row.getByRole('toolbar').boundingBox())!;
      expect(bar.x).toBeGreaterThanOrEqual(0);
      expect(bar.x + bar.width).toBeLessThanOrEqual(390);
      await page.screenshot({ path: join(screenshots, 'messenger-16-B-phone-long-press.png') });
      await page.getByTestId('conversation-name').tap();
      await expect.poll(() => row.getByTestId('action-react').isVisible()).toBe(false);
    } finally {
      await phone.close();
    }
  });

  it('lets the administrator create a department group that B joins by being in the department', async () => {
    const department = await apiCall<{ id: string }>(baseUrl, adminSession, 'POST', '/api/contact/departments', { name: '研发中心' });
    await apiCall(baseUrl, adminSession, 'PATCH', `/api/contact/users/${bobId}`, { departmentIds: [department.id] });

    await pageA.getByTestId('new-chat').click();
    await pageA.getByTestId('new-department-group').click();
    await pageA.getByTestId('create-department-group-submit').click();
    await pageA.getByText('请选择部门').waitFor();
    await pageA.getByTestId('department-select').click();
    await pageA.getByRole('option', { name: '研发中心' }).click();
    await expect.poll(() => pageA.getByTestId('department-select').textContent()).toContain('研发中心');
    await snap(pageA, '12-A-department-group-modal');
    await pageA.getByTestId('create-department-group-submit').click();
    await expect.poll(() => pageA.getByTestId('conversation-name').textContent()).toContain('研发中心');
    await expect.poll(() => pageA.getByTestId('conversation-name').textContent()).toContain('部门');

    // B is in the department: the group appears in B's list without a reload.
    await pageB.getByTestId('chat-list-pane').getByText('研发中心').waitFor({ timeout: 15_000 });
    await expect.poll(() => pageA.getByTestId('history-loading').count()).toBe(0);
    await snap(pageA, '13-A-department-group');
  });

  it('lets the administrator choose how long messages are kept, after a warning', async () => {
    await pageA.goto(`${baseUrl}/admin/message-retention`);
    await pageA.getByTestId('retention-admin-page').getByText('消息将永久保留。').waitFor();
    await pageA.getByTestId('retention-select').click();
    await pageA.getByRole('option', { name: '180 天' }).click();
    await pageA.getByTestId('retention-save').click();
    await pageA.getByText('删除较早的消息？').waitFor();
    await snap(pageA, '14-A-retention-confirm');
    await pageA.getByTestId('retention-confirm-ok').click();
    await pageA.getByText('超过 180 天 的消息会在一小时内删除，之后每小时检查一次。').waitFor();
    await expect.poll(() => pageA.locator('.semi-modal-confirm').count()).toBe(0);
    await snap(pageA, '15-A-retention-saved');
    const saved = await apiCall<{ retentionDays: number | null }>(baseUrl, adminSession, 'GET', '/api/im/settings');
    expect(saved.retentionDays).toBe(180);
  });

  it('lets B work from the keyboard: edit the last message, switch chats, see the shortcuts', async () => {
    await pageB.goto(`${baseUrl}/messenger`);
    await pageB.locator('[data-testid^="chat-item-"]').filter({ hasText: 'Got it, looks great!' }).click();
    await pageB.getByTestId('message-bubble').filter({ hasText: 'Got it, looks great!' }).waitFor();
    const input = pageB.getByTestId('composer-input');
    await input.focus();
    // ↑ in the empty box edits B's last message in place; Enter saves and hands the keyboard back.
    await input.press('ArrowUp');
    const editor = pageB.getByTestId('edit-input');
    await expect(editor.inputValue()).resolves.toBe('Got it, looks great!');
    await editor.fill('Got it, looks great! Shipping today.');
    await editor.press('Enter');
    const edited = pageB.getByTestId('message').filter({ hasText: 'Shipping today.' });
    await edited.getByText('edited').waitFor();
    await expect.poll(() => pageB.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('composer-input');

    // Alt+↓ opens the chat below the open one in the list (Alt+↑ the one above); the other way comes back.
    const selected = async () => pageB.locator('[data-testid^="chat-item-"][aria-current="true"]').getAttribute('data-testid');
    const before = await selected();
    const list = await pageB
      .locator('[data-testid^="chat-item-"]')
      .evaluateAll((items) => items.map((item) => item.getAttribute('data-testid')));
    const index = list.indexOf(before);
    const down = index < list.length - 1;
    await input.press(down ? 'Alt+ArrowDown' : 'Alt+ArrowUp');
    await expect.poll(selected).toBe(list[index + (down ? 1 : -1)]);
    await pageB.keyboard.press(down ? 'Alt+ArrowUp' : 'Alt+ArrowDown');
    await expect.poll(selected).toBe(before);

    await pageB.keyboard.press('Control+/');
    await pageB.getByTestId('shortcuts-dialog').getByText('Edit your last message (empty message box)').waitFor();
    await snap(pageB, '17-B-shortcuts-en-US');
    await pageB.keyboard.press('Escape');
    await expect.poll(() => pageB.getByTestId('shortcuts-dialog').isVisible()).toBe(false);

    await pageA.goto(`${baseUrl}/messenger`);
    await pageA.getByTestId('chat-list').waitFor();
    await pageA.keyboard.press('Control+/');
    await pageA.getByTestId('shortcuts-dialog').getByText('编辑你的上一条消息（输入框为空时）').waitFor();
    await snap(pageA, '18-A-shortcuts-zh-CN');
  });
});
