/**
 * Interactive cards in two real browsers: a bot (the official SDK's WSClient, in this process) sends
 * a leave-request card to a group with A (desktop, zh-CN) and B (phone width, en-US). A fills in
 * the card's form and clicks "批准"; the button shows it is busy, the app answers with a toast for A
 * and a new card, and the new card appears in both browsers without a reload (the card is shared:
 * `update_multi`). B then gets a toast of its own and a clear error when the app fails. Last, a
 * non-shared card (Feishu's 独享卡片): A signs up and sees "you're in" while B keeps the sign-up
 * button, also after a reload, until B signs up too. Screenshots: artifacts/e2e/cards-*.png.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as lark from '@larksuiteoapi/node-sdk';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addPerson, apiCall, chromiumPath, screenshots, setUpOrganisation, useE2eKite } from './e2e-harness.ts';

const alice = { tenant: '风筝科技', name: '陈管理', email: 'admin@kite-cards-e2e.test', password: 'correct horse battery' };
const bob = { name: 'Li Si', email: 'lisi@kite-cards-e2e.test', password: 'another horse battery' };
/** A v2 `card.action.trigger` as the SDK hands it to the handler (header and event flattened). */
interface CardCall {
  operator: { open_id: string };
  action: { tag: string; value: { decision?: string; form?: string }; name?: string; form_value?: unknown };
}

const quiet = { error: () => {}, warn: () => {}, info: () => {}, debug: () => {}, trace: () => {} };
const plain = (content: string) => ({ tag: 'plain_text', content });

const requestCard = {
  config: { wide_screen_mode: true, update_multi: true },
  header: { title: plain('请假审批 · Leave request'), template: 'orange' },
  elements: [
    { tag: 'div', text: { tag: 'lark_md', content: '**王五** 申请年假 **2 天**（11月27日–28日）\n事由：家庭旅行' } },
    { tag: 'hr' },
    {
      tag: 'action',
      actions: [
        { tag: 'button', text: plain('批准'), type: 'primary', value: { decision: 'approve' } },
        { tag: 'button', text: plain('驳回'), type: 'danger', value: { decision: 'reject' } },
        {
          tag: 'select_static',
          placeholder: plain('转交给…'),
          value: { field: 'delegate' },
          options: [
            { text: plain('李四'), value: 'lisi' },
            { text: plain('赵六'), value: 'zhaoliu' },
          ],
        },
      ],
    },
    {
      tag: 'form',
      name: 'comment',
      elements: [
        { tag: 'input', name: 'note', label: plain('审批意见'), placeholder: plain('写下你的意见'), required: true },
        { tag: 'date_picker', name: 'until', placeholder: plain('最晚处理日期') },
        { tag: 'button', text: plain('提交意见'), type: 'primary', action_type: 'form_submit', name: 'submit', value: { form: 'comment' } },
        { tag: 'button', text: plain('清空'), action_type: 'form_reset', name: 'reset' },
      ],
    },
    { tag: 'note', elements: [plain('来自 Kite 审批机器人')] },
  ],
};

const approvedCard = {
  config: { update_multi: true },
  header: { title: plain('已批准 · Approved'), template: 'green' },
  elements: [
    { tag: 'markdown', content: `王五的年假申请已由 **${alice.name}** 批准。\nWang Wu's leave was approved.` },
    {
      tag: 'action',
      actions: [
        { tag: 'button', text: plain('Remind me'), value: { decision: 'remind' } },
        { tag: 'button', text: plain('Sync to HR'), value: { decision: 'sync' } },
        { tag: 'button', text: plain('Policy'), url: 'https://kite.example/leave-policy' },
      ],
    },
  ],
};

/** A non-shared card: each person's click turns it into their own "signed up" card. */
const outingCard = {
  header: { title: plain('团建报名 · Team outing'), template: 'blue' },
  elements: [
    { tag: 'markdown', content: '周六去香山徒步，报名截止周四。\nHiking on Saturday — sign up by Thursday.' },
    { tag: 'action', actions: [{ tag: 'button', text: plain('我参加 · Count me in'), type: 'primary', value: { decision: 'join' } }] },
  ],
};
const joinedCard = {
  header: { title: plain('已报名 · You are in'), template: 'green' },
  elements: [{ tag: 'markdown', content: '你已报名，周六 8:00 东门集合。\nSee you at the east gate, 8:00.' }],
};

describe.skipIf(!existsSync(chromiumPath))('interactive cards in two browsers', () => {
  const suite = useE2eKite('kite-cards-e2e-', 'cards');
  let baseUrl = '';
  let pageA: Page;
  let pageB: Page;
  let ws: lark.WSClient | undefined;
  let appId = '';
  let client: lark.Client;
  let chatId = '';
  const calls: CardCall[] = [];

  async function snap(page: Page, name: string) {
    await page.screenshot({ path: join(screenshots, `cards-${name}.png`), fullPage: false });
  }

  /** The bot's answers, as an app written with the SDK would give them. */
  async function onCardAction(data: CardCall) {
    calls.push(data);
    switch (data.action.value.decision ?? data.action.value.form) {
      case 'approve':
        // Slow enough to see the button busy.
        await new Promise((resolve) => setTimeout(resolve, 1_500));
        return {
          toast: { type: 'success', content: 'Approved', i18n: { zh_cn: '已批准，已通知王五', en_us: 'Approved — Wang Wu was told' } },
          card: { type: 'raw', data: approvedCard },
        };
      case 'comment':
        return { toast: { type: 'info', content: 'Comment saved', i18n: { zh_cn: '意见已提交', en_us: 'Comment saved' } } };
      case 'remind':
        return { toast: { type: 'info', content: 'Reminder set', i18n: { zh_cn: '已设置提醒', en_us: 'Reminder set for tomorrow 9:00' } } };
      case 'sync':
        throw new Error('HR system is down');
      case 'join':
        return { card: { type: 'raw', data: joinedCard } };
      default:
        return {};
    }
  }

  beforeAll(async () => {
    baseUrl = await suite.start();

    const session = await setUpOrganisation(baseUrl, alice);
    const bobOpenId = (await addPerson(baseUrl, session, bob)).openId;
    const users = await apiCall<{ items: Array<{ email: string; openId: string }> }>(
      baseUrl,
      session,
      'GET',
      '/api/contact/users?limit=50',
    );
    const aliceOpenId = users.items.find((user) => user.email === alice.email)!.openId;

    // The bot: an app on the long connection, answering card.action.trigger with the SDK.
    const app = await apiCall<{ app: { appId: string }; appSecret: string }>(baseUrl, session, 'POST', '/api/admin/apps', {
      name: '审批机器人',
    });
    appId = app.app.appId;
    ws = new lark.WSClient({ appId, appSecret: app.appSecret, domain: baseUrl, loggerLevel: lark.LoggerLevel.error, logger: quiet });
    await ws.start({ eventDispatcher: new lark.EventDispatcher({ logger: quiet }).register({ 'card.action.trigger': onCardAction }) });
    client = new lark.Client({
      appId,
      appSecret: app.appSecret,
      domain: baseUrl,
      loggerLevel: lark.LoggerLevel.error,
      logger: quiet,
    });
    const chat = await client.im.v1.chat.create({ data: { name: '请假审批', user_id_list: [aliceOpenId, bobOpenId] } });
    chatId = chat.data!.chat_id!;
    await sendCard(requestCard);

    ({ pageA, pageB } = await suite.openTwoBrowsers(
      { ...alice, locale: 'zh-CN', viewport: { width: 1440, height: 900 } },
      { ...bob, locale: 'en-US', viewport: { width: 390, height: 844 }, phone: true },
    ));
  });

  async function sendCard(card: object) {
    const sent = await client.im.v1.message.create({
      params: { receive_id_type: 'chat_id' },
      data: { receive_id: chatId, msg_type: 'interactive', content: JSON.stringify(card) },
    });
    expect(sent.code).toBe(0);
  }

  // Registered after the harness's teardown, so it runs before it: the bot leaves before the server stops.
  afterAll(() => ws?.close({ force: true }));

  async function openChat(page: Page) {
    await page.goto(`${baseUrl}/messenger`);
    await page.locator('[data-testid^="chat-item-"]').filter({ hasText: '请假审批' }).click();
    await page.getByTestId('message-card').first().waitFor();
  }

  const cardOf = (page: Page) => page.getByTestId('message-card').last();
  const toast = (page: Page, text: string) => page.locator('.semi-toast-content').filter({ hasText: text });
  /** Waits for a toast and for its entrance animation, so the screenshot shows it settled. */
  async function toastShown(page: Page, text: string, timeout?: number) {
    await toast(page, text).waitFor({ timeout });
    await page.waitForTimeout(400);
  }

  it('shows the bot’s card with live controls in both browsers', async () => {
    await openChat(pageA);
    await openChat(pageB);
    await expect(cardOf(pageA).getByTestId('card-button').filter({ hasText: '批准' }).isEnabled()).resolves.toBe(true);
    await expect(cardOf(pageB).getByTestId('card-form').count()).resolves.toBe(1);
    await snap(pageA, '01-A-card-before');
    await cardOf(pageB).scrollIntoViewIfNeeded();
    await snap(pageB, '02-B-phone-card-before');
  });

  it('checks the form’s required field, then sends the form', async () => {
    const card = cardOf(pageA);
    await card.getByTestId('card-button').filter({ hasText: '提交意见' }).click();
    await toast(pageA, '请填写带 * 的必填项').waitFor();
    expect(calls).toHaveLength(0);
    await card.getByTestId('card-input').fill('同意，注意交接工作');
    await card.getByTestId('card-button').filter({ hasText: '提交意见' }).click();
    await toastShown(pageA, '意见已提交');
    expect(calls.at(-1)).toMatchObject({ action: { tag: 'button', name: 'submit', form_value: { note: '同意，注意交接工作' } } });
    await snap(pageA, '03-A-form-sent');
  });

  it('lets A approve: busy button, toast for A, new card for A and B', async () => {
    const approve = cardOf(pageA).getByTestId('card-button').filter({ hasText: '批准' });
    await approve.click();
    await expect.poll(() => approve.getAttribute('class')).toContain('loading');
    await snap(pageA, '04-A-approving');
    await toastShown(pageA, '已批准，已通知王五', 10_000);
    await cardOf(pageA).filter({ hasText: '已批准 · Approved' }).waitFor();
    await snap(pageA, '05-A-approved-toast');
    const onB = cardOf(pageB).filter({ hasText: '已批准 · Approved' });
    await onB.waitFor({ timeout: 15_000 });
    // The toast was A's alone.
    await expect(toast(pageB, 'Wang Wu was told').count()).resolves.toBe(0);
    await onB.scrollIntoViewIfNeeded();
    await snap(pageB, '06-B-phone-card-after');
    expect(calls.at(-1)).toMatchObject({
      operator: { open_id: expect.stringMatching(/^ou_/) },
      action: { value: { decision: 'approve' } },
    });
  });

  it('gives B its own toast, and a clear error when the app fails', async () => {
    await cardOf(pageB).getByTestId('card-button').filter({ hasText: 'Remind me' }).click();
    await toastShown(pageB, 'Reminder set for tomorrow 9:00');
    await snap(pageB, '07-B-phone-toast');
    await toast(pageB, 'Reminder set for tomorrow 9:00').waitFor({ state: 'detached' });
    await cardOf(pageB).getByTestId('card-button').filter({ hasText: 'Sync to HR' }).click();
    await toastShown(pageB, 'The app ran into an error handling this action.');
    await snap(pageB, '08-B-phone-app-error');
  });

  it('shows a non-shared card’s update to the clicker alone: A and B each see their own view', async () => {
    await sendCard(outingCard);
    const outingOf = (page: Page) => cardOf(page).filter({ hasText: /团建报名|已报名/ });
    await outingOf(pageA).filter({ hasText: '团建报名' }).waitFor();
    await outingOf(pageB).filter({ hasText: '团建报名' }).waitFor();
    await outingOf(pageA).getByTestId('card-button').filter({ hasText: 'Count me in' }).click();
    await outingOf(pageA).filter({ hasText: '已报名 · You are in' }).waitFor();
    await snap(pageA, '10-A-own-view');
    // B keeps the sign-up button, live and after a reload.
    await pageB.waitForTimeout(1_000);
    await expect(outingOf(pageB).filter({ hasText: '团建报名' }).count()).resolves.toBe(1);
    await openChat(pageB);
    const joinOnB = outingOf(pageB).getByTestId('card-button').filter({ hasText: 'Count me in' });
    await joinOnB.waitFor();
    await outingOf(pageB).scrollIntoViewIfNeeded();
    await snap(pageB, '11-B-phone-still-open');
    await joinOnB.click();
    await outingOf(pageB).filter({ hasText: '已报名 · You are in' }).waitFor();
    await snap(pageB, '12-B-phone-own-view');
    // A's view stays A's after a reload too.
    await openChat(pageA);
    await outingOf(pageA).filter({ hasText: '已报名 · You are in' }).waitFor();
    expect(calls.filter((call) => call.action.value.decision === 'join')).toHaveLength(2);
  });

  it('shows the card request URL next to the event URL in the app settings', async () => {
    await pageA.goto(`${baseUrl}/admin/apps`);
    await pageA.getByTestId(`edit-app-${appId}`).click();
    const field = pageA.getByTestId('app-card-url-input');
    await field.waitFor();
    await field.scrollIntoViewIfNeeded();
    await snap(pageA, '09-A-app-card-url-setting');
  });
});
