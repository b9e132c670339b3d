/**
 * A topic group (话题群) in two real browsers: A (zh-CN, desktop) creates a group with the message
 * form "话题"; the header says so and the composer offers a new topic. A posts a topic; B (en-US, at
 * phone width) sees it with "Reply" under it and no quote action, opens the thread from there and
 * answers; A sees "1 条回复" under the topic, live, and the answer only in the thread. Then A switches
 * the group back to a conversation in its settings, and B, back from the thread, reads the line.
 *
 * Builds the web app into a temp folder and starts a real Kite server (fresh data dir, free port).
 * Screenshots go to artifacts/e2e/topics-*.png. Needs Chromium (KITE_CHROMIUM, default /usr/bin/chromium).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { addPerson, animationsSettled, chromiumPath, screenshots, setUpOrganisation, timelineRow, useE2eKite } from './e2e-harness.ts';

const alice = { tenant: '风筝科技', name: '陈管理', email: 'admin@kite-topics-e2e.test', password: 'correct horse battery' };
const bob = { name: 'Bob Li', email: 'bob@kite-topics-e2e.test', password: 'another horse battery' };
const topicText = '下周一起切换到新的发布流程，大家有问题在这里讨论';
const answerText = 'Does the freeze start on Thursday?';

describe.skipIf(!existsSync(chromiumPath))('topic groups in two browsers', () => {
  const suite = useE2eKite('kite-topics-e2e-', 'topics');
  let baseUrl = '';
  let pageA: Page;
  let pageB: Page;
  let bobId = '';

  async function snap(page: Page, name: string) {
    await animationsSettled(page);
    await page.screenshot({ path: join(screenshots, `topics-${name}.png`), fullPage: false });
  }

  beforeAll(async () => {
    baseUrl = await suite.start();
    const session = await setUpOrganisation(baseUrl, alice);
    bobId = (await addPerson(baseUrl, session, bob)).id;
    ({ pageA, pageB } = await suite.openTwoBrowsers(
      { ...alice, locale: 'zh-CN', viewport: { width: 1440, height: 900 } },
      { ...bob, locale: 'en-US', viewport: { width: 390, height: 844 }, phone: true },
    ));
  });

  it('creates a topic group and posts a topic', async () => {
    await pageA.goto(`${baseUrl}/messenger`);
    await pageA.getByTestId('new-chat').click();
    await pageA.getByTestId('new-group').click();
    await pageA.getByTestId('group-name-input').fill('发布流程讨论');
    await pageA.getByTestId('group-message-form-thread').click();
    await pageA.getByText('每条消息都是一个话题，回复收在话题内。').waitFor();
    await pageA.getByTestId('people-search-input').fill('bob');
    await pageA.getByTestId(`pick-person-${bobId}`).click();
    await snap(pageA, '01-A-create-zh-CN');
    await pageA.getByTestId('create-group-submit').click();
    await pageA.getByTestId('conversation').waitFor();
    await pageA.getByTestId('topic-group-tag').waitFor();
    await expect(pageA.getByTestId('composer-input').getAttribute('placeholder')).resolves.toBe('在 发布流程讨论 发布新话题');
    await pageA.getByTestId('composer-input').fill(topicText);
    await pageA.getByTestId('composer-input').press('Enter');
    const topic = timelineRow(pageA, topicText);
    await expect.poll(() => topic.getByTestId('thread-link').textContent()).toContain('回复');
    await snap(pageA, '02-A-topic-zh-CN');
  });

  it('lets B answer a topic only in its thread, live for A', async () => {
    await pageB.goto(`${baseUrl}/messenger`);
    const item = pageB.locator('[data-testid^="chat-item-"]').filter({ hasText: '发布流程讨论' });
    await item.waitFor({ timeout: 15_000 });
    await item.click();
    const topic = timelineRow(pageB, topicText);
    await topic.waitFor();
    await expect(topic.getByTestId('action-reply').count()).resolves.toBe(0);
    await expect(topic.getByTestId('thread-link').textContent()).resolves.toContain('Reply');
    await snap(pageB, '03-B-topic-phone-en-US');
    await topic.getByTestId('thread-link').click();
    const panel = pageB.getByTestId('thread-panel');
    await panel.getByTestId('thread-composer-input').fill(answerText);
    await panel.getByTestId('thread-composer-input').press('Enter');
    await panel.getByTestId('message').filter({ hasText: answerText }).waitFor();
    await snap(pageB, '04-B-thread-phone-en-US');

    const link = timelineRow(pageA, topicText).getByTestId('thread-link');
    await expect.poll(() => link.textContent(), { timeout: 15_000 }).toContain('1 条回复');
    await expect(timelineRow(pageA, answerText).count()).resolves.toBe(0);
    await snap(pageA, '05-A-replied-zh-CN');
  });

  it('switches back to a conversation in the settings, with a line for everyone', async () => {
    await pageA.getByTestId('open-settings').click();
    await pageA.getByTestId('setting-message-form').click();
    await pageA.getByRole('option', { name: '对话' }).click();
    await expect.poll(() => pageA.getByTestId('topic-group-tag').count()).toBe(0);
    // B closes the thread (Back) and reads the line in the timeline.
    await pageB.goBack();
    await pageB.getByTestId('thread-panel').waitFor({ state: 'detached' });
    await pageB.getByText('changed the group settings: messages are shown as a conversation').waitFor({ timeout: 15_000 });
  });
});
