/**
 * Forwarding in two real browsers: A forwards one message to B, then selects two messages (one an
 * image) and merge-forwards them to B; B opens the merged chat history and sees the image; a link
 * A copied opens an old message for B, loaded around it and highlighted; someone outside the chat
 * who opens the link gets the "not available" state. The forward dialog, the multi-select bar, the
 * merged bubble and the viewer are photographed at desktop and at phone width
 * (artifacts/e2e/forward-*.png).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type ApiSession,
  addPerson,
  apiCall,
  type BrowserPerson,
  chromiumPath,
  screenshots,
  setUpOrganisation,
  type TwoBrowsers,
  useE2eKite,
} from './e2e-harness.ts';

const alice = { tenant: '风筝科技', name: '陈管理', email: 'admin@kite-forward-e2e.test', password: 'correct horse battery' };
const bob = { name: '李四', email: 'lisi@kite-forward-e2e.test', password: 'another horse battery' };
const dave = { name: '王五', email: 'wangwu@kite-forward-e2e.test', password: 'third horse battery' };
/** A 2×2 PNG. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAYAAABytg0kAAAAFklEQVR42mP8z8BQz0AEYBxVSF+FAP5FDvcfRYWgAAAAAElFTkSuQmCC',
  'base64',
);
const DESKTOP = { width: 1440, height: 900 };
const PHONE = { width: 390, height: 844 };

describe.skipIf(!existsSync(chromiumPath))('forwarding in two browsers', () => {
  const suite = useE2eKite('kite-forward-e2e-', 'forward');
  let baseUrl = '';
  let browsers: TwoBrowsers | undefined;
  let pageA: Page;
  let pageB: Page;
  let session: ApiSession;
  let bobId = '';
  let group = { id: '', chatId: '' };
  /** The first message of the group: older than the first page of history. */
  let oldest = '';

  async function snap(page: Page, name: string) {
    await page.screenshot({ path: join(screenshots, `forward-${name}.png`), fullPage: false });
  }

  /** Someone at a browser that lets the page copy links. */
  const atBrowser = (who: { email: string; password: string }, locale: string, viewport: BrowserPerson['viewport']): BrowserPerson => ({
    ...who,
    locale,
    viewport,
    permissions: ['clipboard-read', 'clipboard-write'],
  });

  async function person(who: { name: string; email: string; password: string }) {
    return (await addPerson(baseUrl, session, { ...who, title: '工程师' })).id;
  }

  async function say(content: Record<string, unknown>, msgType = 'text') {
    return apiCall<{ messageId: string }>(baseUrl, session, 'POST', `/api/im/chats/${group.id}/messages`, {
      msgType,
      content: JSON.stringify(content),
    });
  }

  async function uploadImage(): Promise<string> {
    const response = await fetch(`${baseUrl}/api/im/images?name=mock.png`, {
      method: 'POST',
      headers: { cookie: session.cookie, 'x-csrf-token': session.csrf, 'content-type': 'image/png' },
      body: new Uint8Array(PNG),
    });
    return ((await response.json()) as { key: string }).key;
  }

  function row(page: Page, text: string) {
    return page.getByTestId('message').filter({ hasText: text }).last();
  }

  beforeAll(async () => {
    baseUrl = await suite.start();

    // A's group with B: a long history (its first message is far back), then what gets forwarded.
    session = await setUpOrganisation(baseUrl, alice);
    bobId = await person(bob);
    await person(dave);
    group = await apiCall(baseUrl, session, 'POST', '/api/im/chats', { chatType: 'group', name: '设计评审', userIds: [bobId] });
    oldest = (await say({ text: '项目启动：第一条消息' })).messageId;
    for (let index = 1; index <= 70; index++) await say({ text: `进度同步 #${index}` });
    await say({ text: '周五发布新版消息模块，请大家确认' });
    await say({ image_key: await uploadImage() }, 'image');
    await say({ text: '设计稿已更新，见上图' });

    browsers = await suite.openTwoBrowsers(atBrowser(alice, 'zh-CN', DESKTOP), atBrowser(bob, 'en-US', { width: 1280, height: 800 }));
    ({ pageA, pageB } = browsers);
  });

  it('lets A forward one message to B, who gets it in their chat with A', async () => {
    await pageA.goto(`${baseUrl}/messenger/${group.id}`);
    const message = row(pageA, '周五发布新版消息模块');
    await message.waitFor();
    await message.hover();
    await message.getByTestId('action-forward').click();
    const dialog = pageA.getByTestId('forward-dialog');
    await dialog.waitFor();
    await expect(dialog.getByTestId('forward-subject').textContent()).resolves.toContain('周五发布新版消息模块');
    await pageA.getByTestId(`forward-chat-${group.id}`).click();
    await pageA.getByTestId('forward-search').fill('lisi');
    await pageA.getByTestId(`forward-person-${bobId}`).click();
    await snap(pageA, '01-dialog-desktop');
    await pageA.getByTestId('forward-send').click();
    await expect.poll(() => pageA.getByTestId('forward-dialog').count()).toBe(0);
    // A's own copy lands at the end of the group too (A also picked the group).
    await expect.poll(() => pageA.getByTestId('message').filter({ hasText: '周五发布新版消息模块' }).count()).toBe(2);

    const chatWithA = pageB.locator(`[data-chat-name="${alice.name}"]`);
    await pageB.goto(`${baseUrl}/messenger`);
    await chatWithA.waitFor({ timeout: 15_000 });
    await chatWithA.click();
    await row(pageB, '周五发布新版消息模块').waitFor();
  });

  it('lets A select two messages, one an image, and merge-forward them to B', async () => {
    await pageA.goto(`${baseUrl}/messenger/${group.id}`);
    const image = pageA.getByTestId('message').filter({ has: pageA.getByTestId('chat-image') });
    await image.waitFor();
    await image.hover();
    await image.getByTestId('action-more').click();
    await pageA.getByTestId('action-select').click();
    await pageA.getByTestId('selection-bar').waitFor();
    await row(pageA, '设计稿已更新').getByTestId('select-message').click();
    await expect(pageA.getByTestId('selection-bar').textContent()).resolves.toContain('已选择 2 条消息');
    await snap(pageA, '02-selection-desktop');
    await pageA.getByTestId('selection-merge').click();
    const dialog = pageA.getByTestId('forward-dialog');
    await expect(dialog.getByTestId('forward-subject').textContent()).resolves.toContain('设计评审的聊天记录');
    await pageA.getByTestId('forward-search').fill(bob.name);
    await pageA.locator(`[data-target-name="${bob.name}"]`).first().click();
    await pageA.getByTestId('forward-send').click();
    await expect.poll(() => pageA.getByTestId('selection-bar').count()).toBe(0);
    await pageA.getByTestId('composer-input').waitFor();
  });

  it('shows B the merged history as a bubble that opens the messages, image included', async () => {
    const bubble = pageB.getByTestId('merged-card');
    await bubble.waitFor({ timeout: 15_000 });
    await expect(bubble.textContent()).resolves.toContain('Chat history: 设计评审');
    await expect(bubble.textContent()).resolves.toContain('[Image]');
    await snap(pageB, '03-merged-bubble-desktop');
    await bubble.click();
    const viewer = pageB.getByTestId('merged-history');
    await viewer.getByTestId('merged-item').nth(1).waitFor();
    await expect(viewer.getByTestId('merged-item').count()).resolves.toBe(2);
    await expect(viewer.getByTestId('merged-item').nth(1).textContent()).resolves.toContain('设计稿已更新');
    const picture = viewer.getByTestId('chat-image').locator('img');
    await expect.poll(() => picture.evaluate((img) => (img as HTMLImageElement).naturalWidth)).toBe(2);
    await snap(pageB, '04-merged-viewer-desktop');
    // A sender's name in the snapshot opens their card, above the viewer; a second click closes it.
    const sender = viewer.getByTestId('merged-item').nth(1).getByTestId('merged-sender');
    const senderName = (await sender.textContent()) ?? '';
    await sender.click();
    const card = pageB.getByTestId('profile-popover');
    await expect.poll(() => card.getByTestId('profile-name').textContent()).toBe(senderName);
    await snap(pageB, '04b-merged-viewer-profile-card');
    await sender.click();
    await card.waitFor({ state: 'detached' });
    await pageB.keyboard.press('Escape');
    await expect.poll(() => pageB.getByTestId('merged-history').count()).toBe(0);
  });

  it('works at phone width: the dialog, the selection bar, the bubble and the viewer', async () => {
    await pageA.setViewportSize(PHONE);
    await pageA.goto(`${baseUrl}/messenger/${group.id}`);
    const message = row(pageA, '设计稿已更新');
    await message.waitFor();
    // No hover on a phone: a long press (the context menu) shows the actions.
    await message.getByTestId('message-bubble').dispatchEvent('contextmenu');
    await message.getByTestId('action-forward').click();
    await pageA.getByTestId('forward-dialog').waitFor();
    await pageA.getByTestId('forward-search').fill('wang');
    await pageA.locator(`[data-target-name="${dave.name}"]`).first().click();
    await snap(pageA, '05-dialog-phone');
    await pageA.getByTestId('forward-cancel').click();

    await message.getByTestId('message-bubble').dispatchEvent('contextmenu');
    await message.getByTestId('action-more').click();
    await pageA.getByTestId('action-select').click();
    await row(pageA, '周五发布新版消息模块').getByTestId('select-message').click();
    await snap(pageA, '06-selection-phone');
    await pageA.getByTestId('selection-cancel').click();
    await pageA.setViewportSize(DESKTOP);

    await pageB.setViewportSize(PHONE);
    await pageB.getByTestId('merged-card').scrollIntoViewIfNeeded();
    await pageB.getByTestId('merged-card').evaluate((element) => (element as HTMLElement).blur());
    await snap(pageB, '07-merged-bubble-phone');
    await pageB.getByTestId('merged-card').click();
    await pageB.getByTestId('merged-history').getByTestId('chat-image').waitFor();
    // Full screen once the opening animation is over.
    await expect
      .poll(() => pageB.locator('.semi-modal-content').evaluate((element) => element.getBoundingClientRect().width))
      .toBe(PHONE.width);
    await snap(pageB, '08-merged-viewer-phone');
    await pageB.keyboard.press('Escape');
    await pageB.setViewportSize({ width: 1280, height: 800 });
  });

  it('opens a copied link at the message, loading the history around it, and highlights it', async () => {
    // The first message is far above the first page A sees: the link is copied after jumping there.
    await pageA.setViewportSize(DESKTOP);
    await pageA.goto(`${baseUrl}/messenger/${group.id}?message=${oldest}`);
    const first = pageA.locator(`[data-message-id="${oldest}"]`);
    await first.waitFor();
    await first.hover();
    await first.getByTestId('action-copy-link').click();
    const link = await pageA.evaluate(() => navigator.clipboard.readText());
    expect(link).toBe(`${baseUrl}/messenger/${encodeURIComponent(group.id)}?message=${oldest}`);

    await pageB.goto(link);
    const target = pageB.locator(`[data-message-id="${oldest}"]`);
    await target.waitFor();
    await expect.poll(() => target.getAttribute('class')).toContain('kite-im-row--highlight');
    await expect
      .poll(() =>
        target.evaluate((element) => {
          const box = element.getBoundingClientRect();
          return box.top >= 0 && box.bottom <= window.innerHeight;
        }),
      )
      .toBe(true);
    await snap(pageB, '09-link-highlight');
    // The window reaches back to the latest message, and stays there.
    await pageB.getByTestId('jump-to-latest').click();
    await row(pageB, '设计稿已更新').waitFor();
    await pageB.waitForTimeout(500);
    await expect(target.count()).resolves.toBe(0);
    await expect(pageB.getByTestId('jump-to-latest').count()).resolves.toBe(0);

    // Someone outside the chat gets a designed dead end, not a crash.
    const pageD = await browsers!.signInAnother(atBrowser(dave, 'zh-CN', PHONE));
    await pageD.goto(link);
    await pageD.getByTestId('chat-not-found').waitFor();
    await snap(pageD, '10-link-no-access-phone');
  });
});
