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
  type ApiSession,
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
  let adminSession: ApiSession;
  let bobSession: ApiSession;
  /** A's message with an @mention of B: the one people react to. */
  let mentionId = '';

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
    adminSession = admin;
    bobSession = await apiSignIn(baseUrl, bob.email, bob.password);
    const carolSession = await apiSignIn(baseUrl, carol.email, carol.password);
    await say(carolSession, '我下周起转岗，交接文档已放在群公告里');
    const checklist = (await say(bobSession, '发布清单我已经更新好了，请大家过目')) as { messageId: string };
    const bobOpenId = added.openId;
    mentionId = ((await say(admin, `<at user_id="${bobOpenId}">${bob.name}</at> 今晚的发布由你来值守`)) as { id: string }).id;
    // A quotes B's checklist later on (a reply in the timeline).
    await apiCall(baseUrl, admin, 'POST', `/api/im/chats/${groupId}/messages`, {
      msgType: 'text',
      content: JSON.stringify({ text: '第三项我来跟进' }),
      parentId: checklist.messageId,
    });
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

  it('shows who reacted, live, and opens a reactor’s card from the list (desktop, keyboard, phone)', async () => {
    // Three more colleagues join, to react after B.
    const others = [] as ApiSession[];
    const otherIds = [] as string[];
    for (const [index, name] of ['赵六', '钱七', '孙八'].entries()) {
      const person = { name, email: `react${index}@kite-card-e2e.test`, password: 'reacting horse battery' };
      otherIds.push((await addPerson(baseUrl, adminSession, person)).id);
      others.push(await apiSignIn(baseUrl, person.email, person.password));
    }
    await apiCall(baseUrl, adminSession, 'POST', `/api/im/chats/${groupId}/members`, { userIds: otherIds });
    const react = (session: ApiSession) =>
      apiCall(baseUrl, session, 'POST', `/api/im/messages/${mentionId}/reactions`, { emojiType: 'THUMBSUP' });

    await pageA.goto(`${baseUrl}/messenger/${groupId}`);
    await pageA.getByTestId('conversation').waitFor();
    const row = messageRow(pageA, '今晚的发布由你来值守');
    // B reacts; the chip comes live, and resting the pointer on it names B.
    await react(bobSession);
    const chip = row.getByTestId('reaction-THUMBSUP');
    await expect.poll(() => chip.getAttribute('data-count'), { timeout: 15_000 }).toBe('1');
    await chip.hover();
    const popover = pageA.getByTestId('reactors-popover');
    const summary = popover.getByTestId('reactors-summary');
    await expect.poll(() => summary.textContent()).toBe(`${bob.name}回复了👍`);

    // While it is open the others react: the list follows live.
    for (const session of others) await react(session);
    await expect.poll(() => summary.textContent(), { timeout: 15_000 }).toBe(`${bob.name}、赵六、钱七和孙八回复了👍`);

    // A reacts too (a click on the chip): "you" first, then the first reactors, then a count.
    await pageA.mouse.move(0, 0);
    await popover.waitFor({ state: 'detached' });
    await chip.click();
    await expect.poll(() => chip.getAttribute('data-count')).toBe('5');
    await pageA.mouse.move(0, 0);
    await chip.hover();
    await expect.poll(() => summary.textContent(), { timeout: 15_000 }).toBe(`你、${bob.name}、赵六和其他2人回复了👍`);
    await popover.getByTestId('reactors-others').click();
    await expect.poll(() => popover.getByTestId('reactor-row').count()).toBe(5);
    await snap(pageA, '09-desktop-reactors-zh-CN');

    // B's name opens B's card.
    await summary.getByTestId('reactor-name').filter({ hasText: bob.name }).click();
    const card = pageA.getByTestId('profile-popover');
    await expect(card.getByTestId('profile-name').textContent()).resolves.toBe(bob.name);
    await expect(card.getByTestId('profile-message').count()).resolves.toBe(1);
    await snap(pageA, '10-desktop-reactor-card');
    await pageA.keyboard.press('Escape');
    await card.waitFor({ state: 'detached' });
    await pageA.mouse.move(0, 0);
    await popover.waitFor({ state: 'detached' });

    // By keyboard: ↓ on the chip opens the list at its first name; Escape gives the chip back.
    await chip.focus();
    await pageA.keyboard.press('ArrowDown');
    await summary.waitFor();
    await expect.poll(() => pageA.evaluate(() => document.activeElement?.textContent)).toBe('你');
    await pageA.keyboard.press('Tab');
    await expect.poll(() => pageA.evaluate(() => document.activeElement?.textContent)).toBe(bob.name);
    await pageA.keyboard.press('Enter');
    await expect(card.getByTestId('profile-name').textContent()).resolves.toBe(bob.name);
    await pageA.keyboard.press('Escape');
    await card.waitFor({ state: 'detached' });

    // B takes the reaction back: the count and the list follow.
    await apiCall(baseUrl, bobSession, 'DELETE', `/api/im/messages/${mentionId}/reactions`, { emojiType: 'THUMBSUP' });
    await expect.poll(() => chip.getAttribute('data-count'), { timeout: 15_000 }).toBe('4');

    // Phone (B, en-US): holding the chip shows the people; a name opens the card as a sheet.
    await pageB.goto(`${baseUrl}/messenger/${groupId}`);
    await pageB.getByTestId('conversation').waitFor();
    const phoneChip = messageRow(pageB, '今晚的发布由你来值守').getByTestId('reaction-THUMBSUP');
    await phoneChip.dispatchEvent('contextmenu');
    const phoneSummary = pageB.getByTestId('reactors-popover').getByTestId('reactors-summary');
    await expect.poll(() => phoneSummary.textContent(), { timeout: 15_000 }).toBe(`赵六, 钱七, 孙八, and ${alice.name} reacted with 👍`);
    // The hold neither toggled the reaction nor opened the message's actions.
    await expect(phoneChip.getAttribute('data-count')).resolves.toBe('4');
    await snap(pageB, '11-phone-reactors-en-US');
    await phoneSummary.getByTestId('reactor-name').filter({ hasText: alice.name }).click();
    const sheet = pageB.getByTestId('profile-sheet');
    await expect(sheet.getByTestId('profile-name').textContent()).resolves.toBe(alice.name);
    await pageB.getByTestId('reactors-popover').waitFor({ state: 'detached' });
    await pageB.keyboard.press('Escape');
  });

  it('opens the quoted sender’s card from a reply’s quote, while the rest of the quote shows the original', async () => {
    await pageA.goto(`${baseUrl}/messenger/${groupId}`);
    await pageA.getByTestId('conversation').waitFor();
    const quote = messageRow(pageA, '第三项我来跟进').getByTestId('message-quote');
    await expect.poll(() => quote.textContent()).toBe(`回复 ${bob.name}发布清单我已经更新好了，请大家过目`);
    // No button inside a button: the name and the jump are siblings.
    await expect(quote.locator('button button').count()).resolves.toBe(0);
    await snap(pageA, '12-desktop-reply-quote-zh-CN');

    await quote.getByTestId('quote-sender').click();
    const card = pageA.getByTestId('profile-popover');
    await expect(card.getByTestId('profile-name').textContent()).resolves.toBe(bob.name);
    await pageA.keyboard.press('Escape');
    await card.waitFor({ state: 'detached' });
    // The card did not jump anywhere; Tab from the name reaches the jump, Enter shows the original.
    await expect(pageA.locator('.kite-im-row--highlight').count()).resolves.toBe(0);
    await pageA.keyboard.press('Tab');
    await expect.poll(() => pageA.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('message-quote-jump');
    await pageA.keyboard.press('Enter');
    await pageA.locator('.kite-im-row--highlight').filter({ hasText: '发布清单我已经更新好了' }).waitFor();
    // A click on the quote's line of text does the same.
    await quote.getByTestId('message-quote-jump').click();
    await pageA.locator('.kite-im-row--highlight').filter({ hasText: '发布清单我已经更新好了' }).waitFor();

    // Phone (B, en-US): the name opens the sheet.
    await pageB.goto(`${baseUrl}/messenger/${groupId}`);
    await pageB.getByTestId('conversation').waitFor();
    const phoneQuote = messageRow(pageB, '第三项我来跟进').getByTestId('message-quote');
    await expect.poll(() => phoneQuote.textContent()).toBe(`Reply to ${bob.name}发布清单我已经更新好了，请大家过目`);
    await snap(pageB, '13-phone-reply-quote-en-US');
    await phoneQuote.getByTestId('quote-sender').click();
    await expect(pageB.getByTestId('profile-sheet').getByTestId('profile-name').textContent()).resolves.toBe(bob.name);
    await pageB.keyboard.press('Escape');
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
  it('opens a search hit’s sender card from the name, while the rest of the hit opens the message', async () => {
    await pageA.goto(`${baseUrl}/messenger/${groupId}`);
    await pageA.getByTestId('conversation').waitFor();
    await pageA.getByTestId('open-chat-search').click();
    const panel = pageA.getByTestId('chat-search-panel');
    await panel.getByTestId('chat-search-input').fill('清单');
    const hit = panel.locator('[data-testid^="search-hit-om_"]').filter({ hasText: '发布清单我已经更新好了' });
    await hit.waitFor();
    await expect(hit.locator('button button').count()).resolves.toBe(0);
    await hit.getByTestId('hit-sender').click();
    const card = pageA.getByTestId('profile-popover');
    await expect(card.getByTestId('profile-name').textContent()).resolves.toBe(bob.name);
    await snap(pageA, '14-desktop-search-hit-card');
    await pageA.keyboard.press('Escape');
    await card.waitFor({ state: 'detached' });
    await hit.getByTestId('hit-open').click();
    await pageA.locator('.kite-im-row--highlight').filter({ hasText: '发布清单我已经更新好了' }).waitFor();
    await pageA.getByTestId('close-panel').click();
  });

  it('shows who reacted in both languages at both widths (screenshots)', async () => {
    const show = async (page: Page, phone: boolean) => {
      await page.goto(`${baseUrl}/messenger/${groupId}`);
      await page.getByTestId('conversation').waitFor();
      const chip = messageRow(page, '今晚的发布由你来值守').getByTestId('reaction-THUMBSUP');
      if (phone) await chip.dispatchEvent('contextmenu');
      else await chip.hover();
      await page.getByTestId('reactors-popover').getByTestId('reactors-summary').waitFor();
    };
    // A in English on a desktop, then in Chinese at phone width.
    await pageA.evaluate(() => window.localStorage.setItem('kite.locale', 'en-US'));
    await show(pageA, false);
    await expect(pageA.getByTestId('reactors-summary').textContent()).resolves.toBe('You, 赵六, 钱七, and 孙八 reacted with 👍');
    await snap(pageA, '15-desktop-reactors-en-US');
    await pageA.evaluate(() => window.localStorage.setItem('kite.locale', 'zh-CN'));
    await pageA.setViewportSize({ width: 390, height: 844 });
    await show(pageA, true);
    await expect(pageA.getByTestId('reactors-summary').textContent()).resolves.toBe('你、赵六、钱七和孙八回复了👍');
    await snap(pageA, '16-phone-reactors-zh-CN');
    await pageA.setViewportSize({ width: 1440, height: 900 });
  });
});
