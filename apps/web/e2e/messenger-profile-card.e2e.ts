/**
 * Profile cards in the messenger through real browsers: A (desktop, zh-CN) clicks B's avatar on B's
 * message in a group and sees B's card (name, English name, department path, title, e-mail); its
 * "Message" opens the 1:1 chat with B, where A writes and B (phone, en-US) sees it live. The card
 * also opens from an @mention, a system line, the members panel and a read receipt's list of
 * readers (by mouse and keyboard, and as a sheet at phone width); a deactivated person's card
 * says so and offers no "Message"; a custom bot's card is the smaller bot card. At phone width the
 * card is a bottom sheet. "View in Contacts" opens the person on the Contacts page.
 *
 * Screenshots: artifacts/e2e/profile-card-*.png (desktop zh-CN popover, bot card, read receipt, phone
 * en-US sheets).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  addPerson,
  animationsSettled,
  apiCall,
  apiSignIn,
  chromiumPath,
  screenshots,
  setUpOrganisation,
  useE2eKite,
} from './e2e-harness.ts';

const alice = { tenant: '风筝科技', name: '陈管理', email: 'admin@kite-card-e2e.test', password: 'correct horse battery' };
const bob = { name: '李四', email: 'lisi@kite-card-e2e.test', password: 'another horse battery' };
const carol = { name: '王五', email: 'wangwu@kite-card-e2e.test', password: 'third horse battery' };

describe.skipIf(!existsSync(chromiumPath))('profile cards in the messenger', () => {
  const suite = useE2eKite('kite-card-e2e-', 'profile-card');
  let baseUrl = '';
  let pageA: Page;
  let pageB: Page;
  let groupId = '';
  let bobId = '';

  async function snap(page: Page, name: string) {
    await animationsSettled(page);
    await page.screenshot({ path: join(screenshots, `profile-card-${name}.png`), fullPage: false });
  }

  /** The message row whose bubble says `text`. */
  const messageRow = (page: Page, text: string) => page.getByTestId('message').filter({ hasText: text });

  beforeAll(async () => {
    baseUrl = await suite.start();

    const admin = await setUpOrganisation(baseUrl, alice);
    const centre = await apiCall<{ id: string }>(baseUrl, admin, 'POST', '/api/contact/departments', { name: '研发中心' });
    const frontEnd = await apiCall<{ id: string }>(baseUrl, admin, 'POST', '/api/contact/departments', {
      name: '前端组',
      parentId: centre.id,
    });
    const added = await addPerson(baseUrl, admin, { ...bob, title: '前端工程师' });
    bobId = added.id;
    await apiCall(baseUrl, admin, 'PATCH', `/api/contact/users/${bobId}`, {
      enName: 'Li Si',
      mobile: '+86 138 0013 8000',
      departmentIds: [frontEnd.id],
    });
    const carolId = (await addPerson(baseUrl, admin, carol)).id;

    const group = await apiCall<{ id: string }>(baseUrl, admin, 'POST', '/api/im/chats', {
      chatType: 'group',
      name: '产品发布群',
      userIds: [bobId, carolId],
    });
    groupId = group.id;
    const say = (session: { cookie: string; csrf: string }, text: string) =>
      apiCall(baseUrl, session, 'POST', `/api/im/chats/${groupId}/messages`, { msgType: 'text', content: JSON.stringify({ text }) });
    const bobSession = await apiSignIn(baseUrl, bob.email, bob.password);
    const carolSession = await apiSignIn(baseUrl, carol.email, carol.password);
    await say(carolSession, '我下周起转岗，交接文档已放在群公告里');
    await say(bobSession, '发布清单我已经更新好了，请大家过目');
    const bobOpenId = added.openId;
    await say(admin, `<at user_id="${bobOpenId}">${bob.name}</at> 今晚的发布由你来值守`);
    // Carol leaves the company: her card must say so.
    await apiCall(baseUrl, admin, 'POST', `/api/contact/users/${carolId}/deactivate`, {});

    const hook = await apiCall<{ webhookUrl: string }>(baseUrl, admin, 'POST', `/api/im/chats/${groupId}/webhooks`, {
      name: '构建通知',
      description: 'Jenkins 构建结果：main 分支每次合并后推送',
    });
    const posted = await fetch(hook.webhookUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ msg_type: 'text', content: { text: '构建 #128 成功：已部署到预发环境' } }),
    });
    expect(posted.status).toBe(200);

    ({ pageA, pageB } = await suite.openTwoBrowsers(
      { ...alice, locale: 'zh-CN', viewport: { width: 1440, height: 900 } },
      { ...bob, locale: 'en-US', viewport: { width: 390, height: 844 }, phone: true },
    ));
  });

  it('opens B’s card from the avatar on B’s message, with name, department and title', async () => {
    await pageA.goto(`${baseUrl}/messenger/${groupId}`);
    await pageA.getByTestId('conversation').waitFor();
    await messageRow(pageA, '发布清单我已经更新好了').getByTestId('sender-avatar').click();
    const card = pageA.getByTestId('profile-popover');
    await card.getByTestId('profile-card').waitFor();
    await expect(card.getByTestId('profile-name').textContent()).resolves.toBe(bob.name);
    const text = (await card.textContent()) ?? '';
    expect(text).toContain('Li Si');
    expect(text).toContain('研发中心 / 前端组');
    expect(text).toContain('前端工程师');
    expect(text).toContain(bob.email);
    await expect(card.getByTestId('profile-message').textContent()).resolves.toBe('发消息');
    await expect(card.getByTestId('profile-view-in-contacts').count()).resolves.toBe(1);
    await snap(pageA, '01-desktop-zh-CN');

    // Escape closes it and hands the keyboard back to the face; clicking the face again toggles it.
    await pageA.keyboard.press('Escape');
    await card.waitFor({ state: 'detached' });
    await expect(pageA.evaluate(() => document.activeElement?.getAttribute('data-testid'))).resolves.toBe('sender-avatar');
    const avatar = messageRow(pageA, '发布清单我已经更新好了').getByTestId('sender-avatar');
    await avatar.click();
    await card.getByTestId('profile-card').waitFor();
    await avatar.click();
    await card.waitFor({ state: 'detached' });
  });

  it('opens the card from an @mention, a system line and the members panel', async () => {
    await messageRow(pageA, '今晚的发布由你来值守').getByTestId('mention-chip').click();
    await expect(pageA.getByTestId('profile-popover').getByTestId('profile-name').textContent()).resolves.toBe(bob.name);
    await pageA.keyboard.press('Escape');

    const systemBob = pageA.getByTestId('system-party').filter({ hasText: bob.name }).first();
    await systemBob.click();
    await expect(pageA.getByTestId('profile-popover').getByTestId('profile-name').textContent()).resolves.toBe(bob.name);
    await pageA.keyboard.press('Escape');

    await pageA.getByTestId('open-members').click();
    await pageA.getByTestId(`member-${bobId}`).getByTestId('member-profile').click();
    const card = pageA.getByTestId('profile-popover');
    await expect(card.getByTestId('profile-name').textContent()).resolves.toBe(bob.name);
    await snap(pageA, '02-desktop-members-panel');
    await pageA.keyboard.press('Escape');
    await card.waitFor({ state: 'detached' });
    await pageA.getByTestId('close-panel').click();
  });

  it('says a deactivated person has left and offers no Message', async () => {
    await messageRow(pageA, '交接文档').getByTestId('sender-name').click();
    const card = pageA.getByTestId('profile-popover');
    await card.getByTestId('profile-deactivated').waitFor();
    await expect(card.getByTestId('profile-name').textContent()).resolves.toBe(carol.name);
    await expect(card.getByTestId('profile-message').count()).resolves.toBe(0);
    await snap(pageA, '03-desktop-deactivated');
    await pageA.keyboard.press('Escape');
  });

  it('shows a custom bot’s smaller card, without Message', async () => {
    await messageRow(pageA, '构建 #128 成功').getByTestId('sender-avatar').click();
    const card = pageA.getByTestId('profile-popover').getByTestId('bot-profile-card');
    await card.waitFor();
    await expect(card.getByTestId('bot-profile-name').textContent()).resolves.toBe('构建通知');
    await expect(card.getByTestId('bot-profile-description').textContent()).resolves.toContain('Jenkins 构建结果');
    await expect(card.getByTestId('bot-tag').count()).resolves.toBe(1);
    await expect(pageA.getByTestId('profile-message').count()).resolves.toBe(0);
    await snap(pageA, '04-desktop-bot');
    await pageA.keyboard.press('Escape');
  });

  it('opens the card from the read receipt’s list of who has not read, by mouse and by keyboard', async () => {
    // A's own message: B has not opened the group yet, so B is among who has not read it.
    await messageRow(pageA, '今晚的发布由你来值守').getByTestId('read-receipt').click();
    const readers = pageA.getByTestId('read-users');
    const bobEntry = readers.getByTestId('people-list-profile').filter({ hasText: bob.name });
    await bobEntry.click();
    const card = pageA.getByTestId('profile-popover');
    await expect(card.getByTestId('profile-name').textContent()).resolves.toBe(bob.name);
    await expect(card.getByTestId('profile-message').count()).resolves.toBe(1);
    await snap(pageA, '07-desktop-read-receipt');
    await pageA.keyboard.press('Escape');
    await card.waitFor({ state: 'detached' });

    // By keyboard: the entry is a button with the person's name for screen readers.
    if ((await readers.count()) === 0) await messageRow(pageA, '今晚的发布由你来值守').getByTestId('read-receipt').click();
    await expect(bobEntry.getAttribute('aria-label')).resolves.toBe(`查看${bob.name}的名片`);
    await bobEntry.focus();
    await pageA.keyboard.press('Enter');
    await expect(card.getByTestId('profile-name').textContent()).resolves.toBe(bob.name);
    await pageA.keyboard.press('Escape');
    await card.waitFor({ state: 'detached' });
    if ((await readers.count()) > 0) await pageA.keyboard.press('Escape');
  });

  it('opens the 1:1 chat with B from “Message”, where B sees A’s message live', async () => {
    await pageB.goto(`${baseUrl}/messenger`);
    await pageB.getByTestId('messenger-page').waitFor();

    await messageRow(pageA, '发布清单我已经更新好了').getByTestId('sender-avatar').click();
    await pageA.getByTestId('profile-popover').getByTestId('profile-message').click();
    await expect.poll(() => pageA.url()).not.toContain(groupId);
    // The header follows the route a moment later: wait for it, or the message goes to the group.
    await expect.poll(() => pageA.getByTestId('conversation-name').textContent()).toContain(bob.name);
    await expect(pageA.getByTestId('profile-popover').count()).resolves.toBe(0);
    await pageA.getByTestId('composer-input').fill('清单看过了，今晚八点准时开始');
    await pageA.getByTestId('composer-input').press('Enter');
    await pageA.getByTestId('message-bubble').filter({ hasText: '今晚八点准时开始' }).waitFor();

    const item = pageB.locator('[data-testid^="chat-item-"]').filter({ hasText: '今晚八点准时开始' });
    await item.waitFor({ timeout: 15_000 });
    await expect(item.textContent()).resolves.toContain(alice.name);
    await item.click();
    await pageB.getByTestId('message-bubble').filter({ hasText: '今晚八点准时开始' }).waitFor();
  });

  it('shows the card as a bottom sheet at phone width', async () => {
    await pageB.goto(`${baseUrl}/messenger/${groupId}`);
    await pageB.getByTestId('conversation').waitFor();
    await messageRow(pageB, '今晚的发布由你来值守').getByTestId('sender-avatar').click();
    const sheet = pageB.getByTestId('profile-sheet');
    await sheet.getByTestId('profile-card').waitFor();
    await expect(sheet.getByTestId('profile-name').textContent()).resolves.toBe(alice.name);
    await expect(sheet.getByTestId('profile-message').textContent()).resolves.toBe('Message');
    const box = await sheet.boundingBox();
    expect(box?.width).toBeGreaterThan(340);
    await snap(pageB, '05-phone-en-US');

    // "Message" from the sheet opens the 1:1 chat with A, the one A just wrote in.
    await sheet.getByTestId('profile-message').click();
    await pageB.getByTestId('message-bubble').filter({ hasText: '今晚八点准时开始' }).waitFor();
    await expect(pageB.url()).not.toContain(groupId);
  });

  it('shows a bot’s card in the phone sheet too', async () => {
    await pageB.goto(`${baseUrl}/messenger/${groupId}`);
    await pageB.getByTestId('conversation').waitFor();
    await messageRow(pageB, '构建 #128 成功').getByTestId('sender-avatar').click();
    const sheet = pageB.getByTestId('profile-sheet');
    await sheet.getByTestId('bot-profile-card').waitFor();
    await expect(sheet.getByTestId('bot-profile-description').textContent()).resolves.toContain('Jenkins');
    await snap(pageB, '06-phone-bot-en-US');
  });

  it('opens a reader’s card as a bottom sheet at phone width', async () => {
    await pageB.goto(`${baseUrl}/messenger/${groupId}`);
    await pageB.getByTestId('conversation').waitFor();
    // B's own message, which A has read (A opened the group above).
    await messageRow(pageB, '发布清单我已经更新好了').getByTestId('read-receipt').click();
    const readers = pageB.getByTestId('read-users');
    await readers.getByRole('tab', { name: /^Read/ }).click();
    await readers.getByTestId('people-list-profile').filter({ hasText: alice.name }).click();
    const sheet = pageB.getByTestId('profile-sheet');
    await expect(sheet.getByTestId('profile-name').textContent()).resolves.toBe(alice.name);
    // The list gives way to the sheet rather than floating above it.
    await readers.waitFor({ state: 'hidden' });
    await snap(pageB, '08-phone-read-receipt-en-US');
  });

  it('opens B in Contacts from “View in Contacts”', async () => {
    await pageA.goto(`${baseUrl}/messenger/${groupId}`);
    await messageRow(pageA, '发布清单我已经更新好了').getByTestId('sender-avatar').click();
    await pageA.getByTestId('profile-popover').getByTestId('profile-view-in-contacts').click();
    await pageA.getByTestId('contacts-page').waitFor();
    expect(new URL(pageA.url()).searchParams.get('person')).toBe(bobId);
    await expect(pageA.getByTestId('contacts-page').getByTestId('profile-name').textContent()).resolves.toBe(bob.name);
    await expect(pageA.getByTestId('profile-popover').count()).resolves.toBe(0);
  });
});
