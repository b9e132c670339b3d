/**
 * System lines in the timeline, through two real browsers: A (zh-CN) and B (en-US) are in a group;
 * A adds C, renames the group and leaves posting to the owner and admins, and B sees "陈管理 added
 * 王五 to the group", the rename and the settings line arrive live, each worded in B's language,
 * centred and muted — no bubble, no actions — while A reads them in Chinese with no spaces around
 * names ("你邀请王五加入群聊"). A pins a message and B's line links to it; A unpins it. Then the same
 * history at phone width.
 *
 * Builds the web app into a temp folder and starts a real Kite server (fresh data dir, free port).
 * Screenshots go to artifacts/e2e/system-*.png. Needs Chromium (KITE_CHROMIUM, default /usr/bin/chromium).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type ApiSession,
  addPerson,
  apiCall,
  chromiumPath,
  screenshots,
  setUpOrganisation,
  type TwoBrowsers,
  useE2eKite,
} from './e2e-harness.ts';

const alice = { tenant: '风筝科技', name: '陈管理', email: 'admin@kite-system-e2e.test', password: 'correct horse battery' };
const bob = { name: 'Bob Li', email: 'bob@kite-system-e2e.test', password: 'another horse battery' };
const carol = { name: '王五', email: 'wangwu@kite-system-e2e.test', password: 'third horse battery' };
const releaseNote = '今晚 20:00 发布 3.2 版本';

describe.skipIf(!existsSync(chromiumPath))('system lines in two browsers', () => {
  const suite = useE2eKite('kite-system-e2e-', 'system');
  let baseUrl = '';
  let browsers: TwoBrowsers;
  let pageA: Page;
  let pageB: Page;
  let sessionA: ApiSession;
  let bobId = '';
  let carolId = '';
  let chat: { id: string };

  async function snap(page: Page, name: string) {
    await page.screenshot({ path: join(screenshots, `system-${name}.png`), fullPage: false });
  }

  /** The system lines of the open conversation, as the page shows them. */
  const lines = (page: Page) => page.getByTestId('message-history').getByTestId('message-system');

  beforeAll(async () => {
    baseUrl = await suite.start();
    sessionA = await setUpOrganisation(baseUrl, alice);
    bobId = (await addPerson(baseUrl, sessionA, bob)).id;
    carolId = (await addPerson(baseUrl, sessionA, carol)).id;
    chat = await apiCall(baseUrl, sessionA, 'POST', '/api/im/chats', { chatType: 'group', name: '发布小组', userIds: [bobId] });
    browsers = await suite.openTwoBrowsers(
      { ...alice, locale: 'zh-CN', viewport: { width: 1440, height: 900 } },
      { ...bob, locale: 'en-US', viewport: { width: 1280, height: 800 } },
    );
    ({ pageA, pageB } = browsers);
  });

  it('words the creation line for each viewer: “you” for B, in English; in Chinese for A', async () => {
    await pageB.goto(`${baseUrl}/messenger/${chat.id}`);
    await lines(pageB)
      .filter({ hasText: `${alice.name} created the group and invited you` })
      .waitFor();
    await pageA.goto(`${baseUrl}/messenger/${chat.id}`);
    await lines(pageA)
      .filter({ hasText: `你创建了群组并邀请${bob.name}加入` })
      .waitFor();
    // A line is no bubble: no sender, no actions on hover.
    const row = pageB
      .getByTestId('message')
      .filter({ has: pageB.getByTestId('message-system') })
      .first();
    await row.hover();
    await expect(row.getByTestId('message-bubble').count()).resolves.toBe(0);
    await expect(row.getByTestId('action-more').count()).resolves.toBe(0);
  });

  it('brings B “A added C” and the rename line live, and the chat list says it too', async () => {
    await apiCall(baseUrl, sessionA, 'POST', `/api/im/chats/${chat.id}/members`, { userIds: [carolId] });
    await lines(pageB)
      .filter({ hasText: `${alice.name} added ${carol.name} to the group` })
      .waitFor({ timeout: 15_000 });
    await lines(pageA)
      .filter({ hasText: `你邀请${carol.name}加入群聊` })
      .waitFor({ timeout: 15_000 });

    // A renames the group in its settings panel.
    await pageA.goto(`${baseUrl}/messenger/${chat.id}?panel=settings`);
    await pageA.getByTestId('setting-name').click();
    await pageA.getByTestId('setting-name-input').fill('发布小组 3.2');
    await pageA.getByTestId('setting-name-input').press('Enter');
    await lines(pageB)
      .filter({ hasText: `${alice.name} changed the group name to “发布小组 3.2”` })
      .waitFor({ timeout: 15_000 });
    await lines(pageA).filter({ hasText: '你将群名称修改为“发布小组 3.2”' }).waitFor({ timeout: 15_000 });
    await expect.poll(() => pageB.getByTestId('conversation-name').textContent()).toContain('发布小组 3.2');
    const item = pageB.getByTestId(`chat-item-${chat.id}`);
    await expect.poll(() => item.textContent()).toContain(`${alice.name} changed the group name to “发布小组 3.2”`);

    // A leaves posting to the owner and admins: one line naming the new setting, in each language.
    await pageA.getByTestId('setting-post-policy').click();
    await pageA.locator('.semi-select-option').filter({ hasText: '仅群主和管理员' }).click();
    await lines(pageA).filter({ hasText: '你将群设置修改为仅群主和群管理员可发言' }).waitFor({ timeout: 15_000 });
    await lines(pageB)
      .filter({ hasText: `${alice.name} changed the group settings: only the owner and admins can post` })
      .waitFor({ timeout: 15_000 });
    await expect.poll(() => item.textContent()).toContain(`${alice.name} changed the group settings: only the owner and admins can post`);
    // Lines ask for nobody's attention: B has nothing unread.
    await expect(item.getAttribute('data-unread')).resolves.toBe('0');
    await expect(pageB.getByTestId('messenger-unread-total').count()).resolves.toBe(0);
    await snap(pageB, '01-B-lines-en-US');
    await snap(pageA, '02-A-lines-zh-CN');
  });

  it('links the pin line to the pinned message', async () => {
    const message = await apiCall<{ id: string; messageId: string }>(baseUrl, sessionA, 'POST', `/api/im/chats/${chat.id}/messages`, {
      msgType: 'text',
      content: JSON.stringify({ text: releaseNote }),
    });
    await apiCall(baseUrl, sessionA, 'POST', `/api/im/messages/${message.id}/pin`, {});
    const pinLine = lines(pageB).filter({ hasText: `${alice.name} pinned a message` });
    await pinLine.waitFor({ timeout: 15_000 });
    await pinLine.getByTestId('system-message-link').click();
    await expect.poll(() => new URL(pageB.url()).searchParams.get('message')).toBe(message.messageId);
    await pageB.locator(`[data-message-id="${message.messageId}"].kite-im-row--highlight`).waitFor();
    await snap(pageB, '03-B-pin-line');

    await apiCall(baseUrl, sessionA, 'DELETE', `/api/im/messages/${message.id}/pin`, {});
    await lines(pageB)
      .filter({ hasText: `${alice.name} unpinned a message` })
      .waitFor({ timeout: 15_000 });
    await lines(pageA).filter({ hasText: '你取消Pin了一条消息' }).waitFor({ timeout: 15_000 });
    await snap(pageA, '04-A-unpin-line-zh-CN');
  });

  it('shows the same lines at phone width', async () => {
    const phone = await browsers.signInAnother({ ...bob, locale: 'en-US', viewport: { width: 390, height: 844 }, phone: true });
    try {
      await phone.goto(`${baseUrl}/messenger`);
      await phone.getByTestId(`chat-item-${chat.id}`).getByText(`${alice.name} unpinned a message`).waitFor();
      await snap(phone, '05-phone-chat-list');
      await phone.getByTestId(`chat-item-${chat.id}`).click();
      await lines(phone)
        .filter({ hasText: `${alice.name} added ${carol.name} to the group` })
        .waitFor();
      // Created, added, renamed, the setting, pinned, unpinned.
      await expect(lines(phone).count()).resolves.toBe(6);
      await snap(phone, '06-phone-lines');
    } finally {
      await phone.context().close();
    }
  });
});
