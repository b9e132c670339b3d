/**
 * Cards only one person sees (Feishu's 仅特定人可见的消息卡片) in two real browsers: a bot (the
 * official SDK's `client.request` to `/open-apis/ephemeral/v1/send`, a `WSClient` answering clicks)
 * sends a card to A (desktop, zh-CN) in a group with B (phone width, en-US). A sees it live, labelled
 * 仅对你可见, after the message that was last; B sees nothing, live or after a reload. A's click
 * calls the app back and its answer changes A's card. Then a card for B alone at phone width, which
 * A does not get; last, the app deletes A's card and it leaves A's history live.
 * Screenshots: artifacts/e2e/ephemeral-*.png.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as lark from '@larksuiteoapi/node-sdk';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addPerson, apiCall, chromiumPath, screenshots, setUpOrganisation, useE2eKite } from './e2e-harness.ts';

const alice = { tenant: '风筝科技', name: '陈管理', email: 'admin@kite-ephemeral-e2e.test', password: 'correct horse battery' };
const bob = { name: 'Li Si', email: 'lisi@kite-ephemeral-e2e.test', password: 'another horse battery' };
const quiet = { error: () => {}, warn: () => {}, info: () => {}, debug: () => {}, trace: () => {} };
const plain = (content: string) => ({ tag: 'plain_text', content });

const reminderCard = {
  header: { title: plain('设置提醒 · Set a reminder'), template: 'blue' },
  elements: [
    { tag: 'markdown', content: '选好时间后，机器人会把提醒发给全群。\nPick a time; the bot then tells the whole group.' },
    { tag: 'action', actions: [{ tag: 'button', text: plain('明天 9:00 · Tomorrow 9:00'), type: 'primary', value: { when: 'tomorrow' } }] },
  ],
};
const setCard = {
  header: { title: plain('已设置 · Reminder set'), template: 'green' },
  elements: [{ tag: 'markdown', content: '明天 9:00 提醒全群。\nThe group hears of it tomorrow at 9:00.' }],
};
const bobCard = {
  header: { title: plain('Your draft · 你的草稿'), template: 'purple' },
  elements: [{ tag: 'markdown', content: 'Only you can see this draft until you share it.' }],
};

describe.skipIf(!existsSync(chromiumPath))('cards only one person sees, in two browsers', () => {
  const suite = useE2eKite('kite-ephemeral-e2e-', 'ephemeral');
  let baseUrl = '';
  let pageA: Page;
  let pageB: Page;
  let ws: lark.WSClient | undefined;
  let client: lark.Client;
  let chatId = '';
  let aliceOpenId = '';
  let bobOpenId = '';
  const clicks: Array<{ operator: { open_id: string }; context: { open_message_id: string } }> = [];
  let aliceCardId = '';

  async function snap(page: Page, name: string) {
    await page.screenshot({ path: join(screenshots, `ephemeral-${name}.png`), fullPage: false });
  }

  async function sendEphemeral(openId: string, card: object): Promise<string> {
    const answer = await client.request<{ code: number; data: { message_id: string } }>({
      method: 'POST',
      url: '/open-apis/ephemeral/v1/send',
      data: { chat_id: chatId, msg_type: 'interactive', open_id: openId, card },
    });
    expect(answer.code).toBe(0);
    return answer.data.message_id;
  }

  beforeAll(async () => {
    baseUrl = await suite.start();
    const session = await setUpOrganisation(baseUrl, alice);
    bobOpenId = (await addPerson(baseUrl, session, bob)).openId;
    const users = await apiCall<{ items: Array<{ email: string; openId: string }> }>(
      baseUrl,
      session,
      'GET',
      '/api/contact/users?limit=50',
    );
    aliceOpenId = users.items.find((user) => user.email === alice.email)!.openId;

    const app = await apiCall<{ app: { appId: string }; appSecret: string }>(baseUrl, session, 'POST', '/api/admin/apps', {
      name: '提醒机器人',
    });
    const appId = app.app.appId;
    ws = new lark.WSClient({ appId, appSecret: app.appSecret, domain: baseUrl, loggerLevel: lark.LoggerLevel.error, logger: quiet });
    await ws.start({
      eventDispatcher: new lark.EventDispatcher({ logger: quiet }).register({
        'card.action.trigger': async (data: (typeof clicks)[number]) => {
          clicks.push(data);
          return {
            toast: { type: 'success', content: 'Saved', i18n: { zh_cn: '已保存', en_us: 'Saved' } },
            card: { type: 'raw', data: setCard },
          };
        },
      }),
    });
    client = new lark.Client({ appId, appSecret: app.appSecret, domain: baseUrl, loggerLevel: lark.LoggerLevel.error, logger: quiet });
    const chat = await client.im.v1.chat.create({ data: { name: '周会提醒', user_id_list: [aliceOpenId, bobOpenId] } });
    chatId = chat.data!.chat_id!;
    await client.im.v1.message.create({
      params: { receive_id_type: 'chat_id' },
      data: { receive_id: chatId, msg_type: 'text', content: JSON.stringify({ text: '大家好，我来帮忙设置周会提醒' }) },
    });

    ({ pageA, pageB } = await suite.openTwoBrowsers(
      { ...alice, locale: 'zh-CN', viewport: { width: 1440, height: 900 } },
      { ...bob, locale: 'en-US', viewport: { width: 390, height: 844 }, phone: true },
    ));
  });

  // Registered after the harness's teardown, so it runs before it: the bot leaves before the server stops.
  afterAll(() => ws?.close({ force: true }));

  async function openChat(page: Page) {
    await page.goto(`${baseUrl}/messenger`);
    await page.locator('[data-testid^="chat-item-"]').filter({ hasText: '周会提醒' }).click();
    await page.getByTestId('message').filter({ hasText: '大家好' }).waitFor();
  }
  const cardsOf = (page: Page) => page.getByTestId('message').filter({ has: page.getByTestId('message-card') });

  it('shows A the card live with its label, after the last message, and B nothing', async () => {
    await openChat(pageA);
    await openChat(pageB);
    aliceCardId = await sendEphemeral(aliceOpenId, reminderCard);
    const onA = cardsOf(pageA).filter({ hasText: '设置提醒' });
    await onA.waitFor();
    await expect(onA.getByTestId('ephemeral-label').textContent()).resolves.toBe('仅对你可见');
    // After the text that was last, and with no actions to react, reply or forward.
    const rows = pageA.getByTestId('message');
    await expect(rows.last().getAttribute('data-message-id')).resolves.toBe(aliceCardId);
    await expect(rows.nth((await rows.count()) - 2).textContent()).resolves.toContain('大家好');
    await expect(onA.getByTestId('action-react').count()).resolves.toBe(0);
    await snap(pageA, '01-A-card');

    // B: nothing live, nothing after a reload.
    await pageB.waitForTimeout(1_000);
    await expect(cardsOf(pageB).count()).resolves.toBe(0);
    await openChat(pageB);
    await expect(cardsOf(pageB).count()).resolves.toBe(0);
    await expect(pageB.getByTestId('ephemeral-label').count()).resolves.toBe(0);
    await snap(pageB, '02-B-phone-nothing');
  });

  it('calls the app back on A’s click and shows A the app’s answer, still for A alone', async () => {
    const onA = cardsOf(pageA).filter({ hasText: '设置提醒' });
    await onA.getByTestId('card-button').filter({ hasText: 'Tomorrow 9:00' }).click();
    await cardsOf(pageA).filter({ hasText: '已设置 · Reminder set' }).waitFor();
    await pageA.locator('.semi-toast-content').filter({ hasText: '已保存' }).waitFor();
    expect(clicks).toEqual([expect.objectContaining({ operator: expect.objectContaining({ open_id: aliceOpenId }) })]);
    expect(clicks[0]!.context.open_message_id).toBe(aliceCardId);
    await pageA.waitForTimeout(400);
    await snap(pageA, '03-A-answered');
    // After a reload: the answer, labelled, in its place.
    await openChat(pageA);
    const kept = cardsOf(pageA).filter({ hasText: '已设置 · Reminder set' });
    await kept.getByTestId('ephemeral-label').waitFor();
    await expect(cardsOf(pageB).count()).resolves.toBe(0);
  });

  it('shows B a card of its own at phone width, which A does not get', async () => {
    await sendEphemeral(bobOpenId, bobCard);
    const onB = cardsOf(pageB).filter({ hasText: 'Your draft' });
    await onB.waitFor();
    await expect(onB.getByTestId('ephemeral-label').textContent()).resolves.toBe('Only visible to you');
    await onB.scrollIntoViewIfNeeded();
    await snap(pageB, '04-B-phone-card');
    await pageA.waitForTimeout(1_000);
    await expect(cardsOf(pageA).filter({ hasText: 'Your draft' }).count()).resolves.toBe(0);
  });

  it('takes A’s card away live when the app deletes it', async () => {
    const deleted = await client.request<{ code: number }>({
      method: 'POST',
      url: '/open-apis/ephemeral/v1/delete',
      data: { message_id: aliceCardId },
    });
    expect(deleted.code).toBe(0);
    await cardsOf(pageA).filter({ hasText: '已设置' }).waitFor({ state: 'detached' });
    await expect(pageA.getByTestId('ephemeral-label').count()).resolves.toBe(0);
    await snap(pageA, '05-A-deleted');
  });
});
