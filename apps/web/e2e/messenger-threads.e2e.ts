/**
 * Replying in two real browsers, as Feishu does it: B (en-US) quotes A's message with Reply — the
 * composer shows what is quoted, the answer lands in the timeline with the quote, live on A's side
 * (zh-CN) — and replies in a thread with "Reply in thread": the answer stays in the thread panel,
 * the timeline only says "1 reply" under the root, live for A, who opens the thread from there.
 * A's click on the quote shows the quoted message. Then the thread and the timeline at phone width.
 * Then a thread reply opened from elsewhere: B's new reply counts on the badge of A, who wrote the
 * root; A's search hit opens the chat with the thread at it (highlighted) and the badge clears; a
 * copied link to a thread reply opens the thread at it, on a desktop (A) and a phone (B).
 * Then per-thread read state: B's reply in A's thread shows "1 条新回复" under the root and on the
 * chat's badge in two tabs of A; opening the thread in one clears both. The same for B in English
 * at phone width. Last, a thread of 130 replies loads older replies on scrolling up, and a link to a
 * reply deep in it opens the page around it.
 *
 * Builds the web app into a temp folder and starts a real Kite server (fresh data dir, free port).
 * Screenshots go to artifacts/e2e/threads-*.png. Needs Chromium (KITE_CHROMIUM, default /usr/bin/chromium).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type ApiSession,
  addPerson,
  apiCall,
  apiSignIn,
  chromiumPath,
  screenshots,
  setUpOrganisation,
  timelineRow,
  useE2eKite,
} from './e2e-harness.ts';

const alice = { tenant: '风筝科技', name: '陈管理', email: 'admin@kite-threads-e2e.test', password: 'correct horse battery' };
const bob = { name: 'Bob Li', email: 'bob@kite-threads-e2e.test', password: 'another horse battery' };
const plan = '周五发布 3.2 版本，回滚方案见文档';
const quoteText = 'Looks good, I will check the rollback';
const threadText = 'Step 1 done: staging is green';

describe.skipIf(!existsSync(chromiumPath))('replies and threads in two browsers', () => {
  const suite = useE2eKite('kite-threads-e2e-', 'threads');
  let baseUrl = '';
  let pageA: Page;
  let pageB: Page;
  let chat: { id: string };
  let sessionA: ApiSession;
  let sessionB: ApiSession;

  /** A message through the API: `parentId` with `inThread` a reply in that message's thread. */
  const post = (session: ApiSession, text: string, thread?: { parentId: string }) =>
    apiCall<{ id: string; messageId: string; seq: number }>(baseUrl, session, 'POST', `/api/im/chats/${chat.id}/messages`, {
      msgType: 'text',
      content: JSON.stringify({ text }),
      ...(thread ? { parentId: thread.parentId, replyInThread: true } : {}),
    });

  async function snap(page: Page, name: string) {
    await page.screenshot({ path: join(screenshots, `threads-${name}.png`), fullPage: false });
  }

  beforeAll(async () => {
    baseUrl = await suite.start();
    const session = await setUpOrganisation(baseUrl, alice);
    sessionA = session;
    const bobId = (await addPerson(baseUrl, session, bob)).id;
    sessionB = await apiSignIn(baseUrl, bob.email, bob.password);
    chat = await apiCall(baseUrl, session, 'POST', '/api/im/chats', { chatType: 'group', name: '发布小组', userIds: [bobId] });
    await apiCall(baseUrl, session, 'POST', `/api/im/chats/${chat.id}/messages`, {
      msgType: 'text',
      content: JSON.stringify({ text: plan }),
    });
    ({ pageA, pageB } = await suite.openTwoBrowsers(
      { ...alice, locale: 'zh-CN', viewport: { width: 1440, height: 900 }, permissions: ['clipboard-read', 'clipboard-write'] },
      { ...bob, locale: 'en-US', viewport: { width: 1280, height: 800 } },
    ));
    await pageA.goto(`${baseUrl}/messenger/${chat.id}`);
    await pageB.goto(`${baseUrl}/messenger/${chat.id}`);
    await timelineRow(pageA, plan).waitFor();
    await timelineRow(pageB, plan).waitFor();
  });

  it('quotes with Reply: the composer shows the quote, the answer lands in the timeline with it, live for A', async () => {
    const root = timelineRow(pageB, plan);
    await root.hover();
    await root.getByTestId('action-reply').click();
    const bar = pageB.getByTestId('quote-bar');
    await bar.waitFor();
    await expect(bar.textContent()).resolves.toContain(`Replying to ${alice.name}`);
    await expect(bar.textContent()).resolves.toContain(plan);
    // Reply focuses the box: typing goes straight in.
    await pageB.keyboard.type(quoteText);
    await snap(pageB, '01-B-quoting-desktop');
    await pageB.keyboard.press('Enter');
    const answer = timelineRow(pageB, quoteText);
    await answer.waitFor();
    await expect(answer.getByTestId('message-quote').textContent()).resolves.toContain(plan);
    await expect.poll(() => pageB.getByTestId('quote-bar').count()).toBe(0);

    const onA = timelineRow(pageA, quoteText);
    await onA.waitFor({ timeout: 15_000 });
    await expect(onA.getByTestId('message-quote').textContent()).resolves.toBe(`回复 ${alice.name}${plan}`);
    // A quote is not a thread: no reply count under the root.
    await expect(timelineRow(pageA, plan).getByTestId('thread-link').count()).resolves.toBe(0);
  });

  it('replies in a thread: the answer stays in the panel, the root counts it, live for A', async () => {
    const root = timelineRow(pageB, plan);
    await root.hover();
    await root.getByTestId('action-thread').click();
    const panel = pageB.getByTestId('thread-panel');
    await panel.waitFor();
    await panel.getByTestId('thread-composer-input').fill(threadText);
    await panel.getByTestId('thread-composer-input').press('Enter');
    await panel.getByTestId('message').filter({ hasText: threadText }).waitFor();
    await expect.poll(() => root.getByTestId('thread-link').textContent()).toContain('1 reply');
    await expect(timelineRow(pageB, threadText).count()).resolves.toBe(0);
    await snap(pageB, '02-B-thread-desktop');

    const link = timelineRow(pageA, plan).getByTestId('thread-link');
    await link.waitFor({ timeout: 15_000 });
    await expect(link.textContent()).resolves.toContain('1 条回复');
    await expect(timelineRow(pageA, threadText).count()).resolves.toBe(0);
    await snap(pageA, '03-A-timeline-zh-CN');
    await link.click();
    const panelA = pageA.getByTestId('thread-panel');
    await panelA.getByTestId('message').filter({ hasText: threadText }).waitFor();
    // The quote reply is not part of the thread.
    await expect(panelA.getByTestId('message').filter({ hasText: quoteText }).count()).resolves.toBe(0);
    await snap(pageA, '04-A-thread-zh-CN');
  });

  it('shows the quoted message when A clicks the quote', async () => {
    await timelineRow(pageA, quoteText).getByTestId('message-quote').click();
    await pageA.locator('.kite-im-row--highlight').filter({ hasText: plan }).waitFor();
  });

  it('works at phone width: the thread fills the screen, the timeline keeps quote and count', async () => {
    await pageB.setViewportSize({ width: 390, height: 844 });
    const panel = pageB.getByTestId('thread-panel');
    await panel.getByTestId('message').filter({ hasText: threadText }).waitFor();
    await expect.poll(() => pageB.getByTestId('conversation').count()).toBe(0);
    await panel.getByTestId('thread-composer-input').fill('Step 2 done');
    await panel.getByTestId('thread-composer-input').press('Enter');
    await panel.getByTestId('message').filter({ hasText: 'Step 2 done' }).waitFor();
    await snap(pageB, '05-B-thread-phone');
    await pageB.goBack();
    await timelineRow(pageB, quoteText).waitFor();
    await expect.poll(() => timelineRow(pageB, plan).getByTestId('thread-link').textContent()).toContain('2 replies');
    await expect(timelineRow(pageB, 'Step 2 done').count()).resolves.toBe(0);
    await snap(pageB, '06-B-timeline-phone');

    // Holding a message shows its actions on a phone: Reply quotes it above the composer.
    const root = timelineRow(pageB, plan);
    const box = (await root.getByTestId('message-bubble').boundingBox())!;
    const touch = { identifier: 1, clientX: box.x + 20, clientY: box.y + 10 };
    await root.dispatchEvent('touchstart', { touches: [touch], changedTouches: [touch] });
    await root.getByTestId('action-reply').click();
    await pageB.getByTestId('quote-bar').waitFor();
    await pageB.getByTestId('composer-input').fill('On it');
    await snap(pageB, '07-B-quoting-phone');
    await pageB.getByTestId('quote-cancel').click();
    await expect.poll(() => pageB.getByTestId('quote-bar').count()).toBe(0);
  });

  /** A thread panel's row of a reply, and whether it is highlighted (for a moment after opening). */
  const threadRow = (page: Page, text: string) =>
    page
      .getByTestId('thread-panel')
      .getByTestId('message')
      .filter({ has: page.getByTestId('message-text').filter({ hasText: text }) });
  const highlighted = async (page: Page, text: string) => (await threadRow(page, text).getAttribute('class')) ?? '';
  const rolloutText = 'Step 3: production rollout at 18:00';
  let copiedLink = '';

  it('counts a thread reply for the root author, opens it from a search hit in its thread and clears the badge', async () => {
    await pageA.goto(`${baseUrl}/messenger`);
    const item = pageA.getByTestId(`chat-item-${chat.id}`);
    await item.waitFor();
    await expect(item.getByTestId('chat-unread-badge').count()).resolves.toBe(0);

    // B, still at phone width, answers in the thread again.
    await timelineRow(pageB, plan).getByTestId('thread-link').click();
    const panelB = pageB.getByTestId('thread-panel');
    await panelB.getByTestId('thread-composer-input').fill(rolloutText);
    await panelB.getByTestId('thread-composer-input').press('Enter');
    await threadRow(pageB, rolloutText).waitFor();
    await expect.poll(() => item.getByTestId('chat-unread-badge').textContent(), { timeout: 15_000 }).toBe('1');
    await snap(pageA, '08-A-badge-zh-CN');

    await pageA.getByTestId('chat-search').fill('rollout');
    const hit = pageA.getByTestId('global-search').locator('[data-testid^="search-hit-om_"]').filter({ hasText: 'rollout' });
    await hit.click();
    await threadRow(pageA, rolloutText).waitFor();
    await expect.poll(() => highlighted(pageA, rolloutText)).toContain('kite-im-row--highlight');
    // The timeline shows the root beside the thread, without "not available".
    await timelineRow(pageA, plan).waitFor();
    await expect(pageA.locator('.semi-toast-warning').count()).resolves.toBe(0);
    await expect.poll(() => new URL(pageA.url()).searchParams.get('panel')).toBe('thread');
    await expect.poll(() => item.getByTestId('chat-unread-badge').count()).toBe(0);
    // What was unread is in the thread: no "new messages" to jump to in the timeline.
    await expect(pageA.getByTestId('jump-to-unread').count()).resolves.toBe(0);
    await snap(pageA, '09-A-search-hit-thread-zh-CN');

    // Copy a thread reply's link from the panel, for the next test.
    const step1 = threadRow(pageA, threadText);
    await step1.hover();
    await step1.getByTestId('action-copy-link').click();
    copiedLink = await pageA.evaluate(() => navigator.clipboard.readText());
    expect(copiedLink).toContain(`/messenger/${chat.id}?message=om_`);
  });

  it('opens a copied link to a thread reply in its thread, on a desktop and on a phone', async () => {
    await pageA.goto(`${baseUrl}/messenger`);
    await pageA.goto(copiedLink);
    await threadRow(pageA, threadText).waitFor();
    await expect.poll(() => highlighted(pageA, threadText)).toContain('kite-im-row--highlight');
    await timelineRow(pageA, plan).waitFor();
    await expect(pageA.locator('.semi-toast-warning').count()).resolves.toBe(0);
    await snap(pageA, '10-A-link-thread-zh-CN');

    await pageB.goto(copiedLink);
    await threadRow(pageB, threadText).waitFor();
    await expect.poll(() => highlighted(pageB, threadText)).toContain('kite-im-row--highlight');
    await expect.poll(() => pageB.getByTestId('conversation').count()).toBe(0);
    await snap(pageB, '11-B-link-thread-phone');
    // Back from the thread: the timeline, around the root, and no jump back into the thread.
    await pageB.getByTestId('thread-panel').getByRole('button', { name: 'Back' }).click();
    await timelineRow(pageB, plan).waitFor();
    await expect.poll(() => pageB.getByTestId('thread-panel').count()).toBe(0);

    // A search hit at phone width opens the full-screen thread too.
    await pageB.goto(`${baseUrl}/messenger`);
    await pageB.getByTestId('chat-search').fill('rollout');
    await pageB.locator('[data-testid^="search-hit-om_"]').filter({ hasText: 'rollout' }).click();
    await threadRow(pageB, rolloutText).waitFor();
    await expect.poll(() => highlighted(pageB, rolloutText)).toContain('kite-im-row--highlight');
    await snap(pageB, '12-B-search-hit-thread-phone');
  });

  it("marks new replies under the root and on the chat for A, and reading the thread clears them on A's other tab too", async () => {
    const topic = '新话题：发布前检查清单';
    const answer = 'Checklist reviewed, two items left';
    const root = await post(sessionA, topic);
    await pageA.goto(`${baseUrl}/messenger/${chat.id}`);
    const otherTab = await pageA.context().newPage();
    try {
      await otherTab.goto(`${baseUrl}/messenger/${chat.id}`);
      for (const page of [pageA, otherTab]) await timelineRow(page, topic).waitFor();

      await post(sessionB, answer, { parentId: root.id });
      for (const page of [pageA, otherTab]) {
        const mark = timelineRow(page, topic).getByTestId('thread-new-replies');
        await expect.poll(() => mark.count(), { timeout: 15_000 }).toBe(1);
        await expect(mark.textContent()).resolves.toBe('1 条新回复');
        await expect(timelineRow(page, topic).getByTestId('thread-link').textContent()).resolves.toContain('1 条回复');
        const badge = page.getByTestId(`chat-item-${chat.id}`).getByTestId('chat-unread-badge');
        await expect.poll(() => badge.textContent()).toBe('1');
      }
      // The reply is in the thread, not the timeline: no "new messages" to jump to.
      await expect(pageA.getByTestId('jump-to-unread').count()).resolves.toBe(0);
      await snap(pageA, '13-A-new-replies-desktop-zh-CN');

      await timelineRow(pageA, topic).getByTestId('thread-link').click();
      await threadRow(pageA, answer).waitFor();
      for (const page of [pageA, otherTab]) {
        await expect.poll(() => timelineRow(page, topic).getByTestId('thread-new-replies').count(), { timeout: 15_000 }).toBe(0);
        await expect.poll(() => page.getByTestId(`chat-item-${chat.id}`).getByTestId('chat-unread-badge').count()).toBe(0);
      }
      await expect(timelineRow(otherTab, topic).getByTestId('thread-link').textContent()).resolves.toBe('1 条回复');
      await snap(pageA, '14-A-thread-read-desktop-zh-CN');
    } finally {
      await otherTab.close();
    }
  });

  it('shows B the new replies in English at phone width, and A in Chinese at phone width', async () => {
    const topic = 'Release notes draft for 3.2';
    const first = '第一条意见：标题太长';
    const second = '第二条意见：补充回滚步骤';
    const root = await post(sessionB, topic);
    await pageB.setViewportSize({ width: 390, height: 844 });
    await pageB.goto(`${baseUrl}/messenger/${chat.id}`);
    await timelineRow(pageB, topic).waitFor();
    await post(sessionA, first, { parentId: root.id });
    await post(sessionA, second, { parentId: root.id });
    const mark = timelineRow(pageB, topic).getByTestId('thread-new-replies');
    await expect.poll(() => mark.textContent(), { timeout: 15_000 }).toBe('2 new replies');
    await snap(pageB, '15-B-new-replies-phone-en-US');
    await timelineRow(pageB, topic).getByTestId('thread-link').click();
    await threadRow(pageB, second).waitFor();
    await snap(pageB, '16-B-thread-phone-en-US');
    await pageB.goBack();
    await timelineRow(pageB, topic).waitFor();
    await expect.poll(() => mark.count()).toBe(0);

    // B answers: the replies A wrote before it count for A only if A takes part — A replied, so B's reply is A's new reply.
    await post(sessionB, 'Thanks, both fixed', { parentId: root.id });
    await pageA.setViewportSize({ width: 390, height: 844 });
    await pageA.goto(`${baseUrl}/messenger/${chat.id}`);
    await expect
      .poll(() => timelineRow(pageA, topic).getByTestId('thread-new-replies').textContent(), { timeout: 15_000 })
      .toBe('1 条新回复');
    await snap(pageA, '17-A-new-replies-phone-zh-CN');
    await timelineRow(pageA, topic).getByTestId('thread-link').click();
    await threadRow(pageA, 'Thanks, both fixed').waitFor();
    await expect.poll(() => pageA.getByTestId('conversation').count()).toBe(0);
    await snap(pageA, '17b-A-thread-phone-zh-CN');
    await pageA.goBack();
    await expect.poll(() => timelineRow(pageA, topic).getByTestId('thread-new-replies').count()).toBe(0);
    await pageB.setViewportSize({ width: 1280, height: 800 });
    await post(sessionA, 'One more: the date', { parentId: root.id });
    await pageB.goto(`${baseUrl}/messenger/${chat.id}`);
    await expect
      .poll(() => timelineRow(pageB, topic).getByTestId('thread-new-replies').textContent(), { timeout: 15_000 })
      .toBe('1 new reply');
    await snap(pageB, '18-B-new-replies-desktop-en-US');
    await timelineRow(pageB, topic).getByTestId('thread-link').click();
    await threadRow(pageB, 'One more: the date').waitFor();
    await snap(pageB, '19-B-thread-desktop-en-US');
    await pageA.setViewportSize({ width: 1440, height: 900 });
  });

  it('loads older replies of a long thread on scrolling up, and opens a reply deep in it', async () => {
    const topic = '长话题：值班交接记录';
    const label = (index: number) => `交接 #${String(index).padStart(3, '0')}#`;
    const root = await post(sessionA, topic);
    const replies: Array<{ messageId: string }> = [];
    for (let index = 0; index < 130; index++)
      replies.push(await post(index % 3 ? sessionB : sessionA, label(index), { parentId: root.id }));

    await pageA.goto(`${baseUrl}/messenger/${chat.id}`);
    await timelineRow(pageA, topic).getByTestId('thread-link').click();
    // The newest page: the last replies, at the end; the first ones not loaded yet.
    await threadRow(pageA, label(129)).waitFor();
    await expect(threadRow(pageA, label(0)).count()).resolves.toBe(0);
    await expect(pageA.getByTestId('thread-older').count()).resolves.toBe(1);
    await snap(pageA, '20-A-long-thread-desktop-zh-CN');
    const scroller = pageA.getByTestId('thread-scroll');
    await expect
      .poll(
        async () => {
          await scroller.evaluate((element) => {
            element.scrollTop = 0;
          });
          return threadRow(pageA, label(0)).count();
        },
        { timeout: 20_000 },
      )
      .toBe(1);
    await expect.poll(() => pageA.getByTestId('thread-older').count()).toBe(0);
    // Every reply once, in order.
    const texts = await pageA.getByTestId('thread-panel').getByTestId('message-text').allTextContents();
    const labels = texts.filter((text) => text.startsWith('交接 #'));
    expect(labels).toEqual(replies.map((_, index) => label(index)));

    // A link to a reply deep in the thread opens the page around it, highlighted.
    await pageA.goto(`${baseUrl}/messenger/${chat.id}?message=${replies[4]!.messageId}`);
    await threadRow(pageA, label(4)).waitFor();
    await expect.poll(() => highlighted(pageA, label(4))).toContain('kite-im-row--highlight');
    await expect(pageA.locator('.semi-toast-warning').count()).resolves.toBe(0);
    await expect(threadRow(pageA, label(129)).count()).resolves.toBe(0);
    await snap(pageA, '21-A-deep-reply-desktop-zh-CN');

    // B at phone width, in English: the full-screen thread starts at its end and pages up the same way.
    await pageB.setViewportSize({ width: 390, height: 844 });
    await pageB.goto(`${baseUrl}/messenger/${chat.id}`);
    await timelineRow(pageB, topic).getByTestId('thread-link').click();
    await threadRow(pageB, label(129)).waitFor();
    await expect.poll(() => pageB.getByTestId('thread-older').textContent()).toBe('Scroll up for earlier replies');
    await snap(pageB, '22-B-long-thread-phone-en-US');
    const scrollerB = pageB.getByTestId('thread-scroll');
    await expect
      .poll(
        async () => {
          await scrollerB.evaluate((element) => {
            element.scrollTop = 0;
          });
          return threadRow(pageB, label(0)).count();
        },
        { timeout: 20_000 },
      )
      .toBe(1);
    await snap(pageB, '23-B-long-thread-top-phone-en-US');
  });
});
