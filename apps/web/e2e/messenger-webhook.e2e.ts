/**
 * Custom bots through real browsers: A (desktop, zh-CN) adds a signed webhook bot to a group in the
 * chat's info panel and copies its URL and secret; the test then posts to that URL with plain
 * `fetch`, as an outside system would, and A and B (phone width, en-US) see the bot's message
 * arrive live with its "Bot" tag. B adds a bot from the phone too.
 *
 * Screenshots: artifacts/e2e/webhook-*.png (the add dialog, the URL and secret shown once, the bot
 * list and a bot message, at desktop and phone width).
 */
import { createHmac } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { addPerson, animationsSettled, apiCall, chromiumPath, screenshots, setUpOrganisation, useE2eKite } from './e2e-harness.ts';

const alice = { tenant: '风筝科技', name: '陈管理', email: 'admin@kite-hook-e2e.test', password: 'correct horse battery' };
const bob = { name: 'Bob Lee', email: 'bob@kite-hook-e2e.test', password: 'another horse battery' };

/** What a build server does: sign (Feishu's algorithm) and POST. */
async function postToHook(url: string, secret: string | null, message: Record<string, unknown>) {
  const timestamp = Math.floor(Date.now() / 1000);
  const signature = secret ? { timestamp: String(timestamp), sign: createHmac('sha256', `${timestamp}\n${secret}`).digest('base64') } : {};
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ...message, ...signature }),
  });
  return { status: response.status, body: await response.json() };
}

describe.skipIf(!existsSync(chromiumPath))('custom webhook bots in the browser', () => {
  const suite = useE2eKite('kite-hook-e2e-', 'webhook');
  let baseUrl = '';
  let pageA: Page;
  let pageB: Page;
  let chatId = '';
  let hook = { url: '', secret: '' };

  async function snap(page: Page, name: string) {
    await animationsSettled(page);
    await page.screenshot({ path: join(screenshots, `webhook-${name}.png`), fullPage: false });
  }

  beforeAll(async () => {
    baseUrl = await suite.start();

    const session = await setUpOrganisation(baseUrl, alice);
    const bobId = (await addPerson(baseUrl, session, bob)).id;
    const group = await apiCall<{ id: string }>(baseUrl, session, 'POST', '/api/im/chats', {
      chatType: 'group',
      name: '发布流水线',
      description: 'CI/CD',
      userIds: [bobId],
    });
    chatId = group.id;

    ({ pageA, pageB } = await suite.openTwoBrowsers(
      { ...alice, locale: 'zh-CN', viewport: { width: 1440, height: 900 } },
      { ...bob, locale: 'en-US', viewport: { width: 390, height: 844 }, phone: true },
    ));
  });

  it('lets A add a signed custom bot in the chat’s info panel and shows its URL and secret once', async () => {
    await pageA.goto(`${baseUrl}/messenger/${chatId}`);
    await pageA.getByTestId('conversation').waitFor();
    await pageA.getByTestId('open-settings').click();
    await pageA.getByTestId('webhook-bots-empty').waitFor();
    await pageA.getByTestId('add-webhook-bot').click();
    await pageA.getByTestId('webhook-bot-name').fill('构建通知');
    await pageA.getByTestId('webhook-bot-description').fill('Jenkins 构建结果');
    await pageA.getByTestId('webhook-bot-signed').click();
    await snap(pageA, '01-desktop-add-dialog');
    await pageA.getByTestId('webhook-bot-submit').click();

    await pageA.getByTestId('webhook-credentials').waitFor();
    hook = {
      url: (await pageA.getByTestId('webhook-url').textContent()) ?? '',
      secret: (await pageA.getByTestId('webhook-secret').textContent()) ?? '',
    };
    expect(hook.url).toMatch(new RegExp(`^${baseUrl}/open-apis/bot/v2/hook/[0-9a-f]{40}$`));
    expect(hook.secret).toMatch(/^[\w-]{22}$/);
    await snap(pageA, '02-desktop-url-and-secret');
    await pageA.getByTestId('webhook-credentials-done').click();

    const item = pageA.locator('[data-testid^="webhook-bot-cli_"]').filter({ hasText: '构建通知' });
    await item.waitFor();
    await expect(item.textContent()).resolves.toContain('已签名');
    await snap(pageA, '03-desktop-bot-list');
  });

  it('delivers what an outside system posts to A and B live, as the bot', async () => {
    // B follows the chat on a phone.
    await pageB.goto(`${baseUrl}/messenger`);
    await pageB.locator('[data-testid^="chat-item-"]').filter({ hasText: '发布流水线' }).click();
    await pageB.getByTestId('conversation').waitFor();
    await pageA.getByTestId('close-panel').click();

    const unsigned = await postToHook(hook.url, null, { msg_type: 'text', content: { text: 'not signed' } });
    expect(unsigned).toMatchObject({ status: 400, body: { code: 19_021 } });
    expect(
      await postToHook(hook.url, hook.secret, { msg_type: 'text', content: { text: '构建 #128 成功：main 分支已部署到预发环境' } }),
    ).toEqual({ status: 200, body: { code: 0, msg: 'success', data: {} } });
    expect(
      await postToHook(hook.url, hook.secret, {
        msg_type: 'interactive',
        card: {
          header: { title: { tag: 'plain_text', content: 'Deploy finished' }, template: 'green' },
          elements: [{ tag: 'div', text: { tag: 'lark_md', content: '**api** v2.3.0 is live on staging' } }],
        },
      }),
    ).toMatchObject({ status: 200 });

    for (const page of [pageA, pageB]) {
      const row = page.getByTestId('message').filter({ hasText: '构建 #128 成功' });
      await row.waitFor({ timeout: 15_000 });
      await expect(row.getByTestId('bot-tag').count()).resolves.toBe(1);
      await expect(row.textContent()).resolves.toContain('构建通知');
      await page.getByTestId('message').filter({ hasText: 'v2.3.0 is live' }).waitFor({ timeout: 15_000 });
    }
    await expect(pageA.getByTestId('message').filter({ hasText: 'not signed' }).count()).resolves.toBe(0);
    await snap(pageA, '04-desktop-bot-message');
    await snap(pageB, '05-phone-bot-message');
  });

  it('lets B add a bot from a phone and see the list there', async () => {
    await pageB.getByTestId('open-settings').click();
    const list = pageB.getByTestId('webhook-bots');
    await list.locator('[data-testid^="webhook-bot-cli_"]').first().waitFor();
    await list.scrollIntoViewIfNeeded();
    await pageB.getByTestId('add-webhook-bot').click();
    await pageB.getByTestId('webhook-bot-name').fill('Uptime monitor');
    await pageB.getByTestId('webhook-bot-keywords').locator('input').fill('DOWN');
    await pageB.getByTestId('webhook-bot-keywords').locator('input').press('Enter');
    await snap(pageB, '06-phone-add-dialog');
    await pageB.getByTestId('webhook-bot-submit').click();
    await pageB.getByTestId('webhook-credentials').waitFor();
    const url = (await pageB.getByTestId('webhook-url').textContent()) ?? '';
    await expect(pageB.getByTestId('webhook-secret').count()).resolves.toBe(0);
    await snap(pageB, '07-phone-url');
    await pageB.getByTestId('webhook-credentials-done').click();

    // Its keyword filter holds: only a message that names it goes through.
    expect((await postToHook(url, null, { msg_type: 'text', content: { text: 'all fine' } })).body).toMatchObject({ code: 19_024 });
    expect((await postToHook(url, null, { msg_type: 'text', content: { text: 'api.example.com is DOWN' } })).status).toBe(200);

    const item = pageB.locator('[data-testid^="webhook-bot-cli_"]').filter({ hasText: 'Uptime monitor' });
    await item.waitFor();
    await item.scrollIntoViewIfNeeded();
    await snap(pageB, '08-phone-bot-list');
    // A sees B's bot appear in the panel without reloading.
    await pageA.getByTestId('open-settings').click();
    await pageA.locator('[data-testid^="webhook-bot-cli_"]').filter({ hasText: 'Uptime monitor' }).waitFor({ timeout: 15_000 });
  });
});
