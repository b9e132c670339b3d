/**
 * Message search in a real browser: Alice searches a Chinese word from the chat list, sees chats,
 * people and messages with the word marked, and opens an older hit — the conversation loads back to
 * it and highlights it. Then the search inside one chat (side panel), the no-results state, and the
 * same screens at phone width. Screenshots go to artifacts/e2e/search-*.png. Needs Chromium
 * (KITE_CHROMIUM, default /usr/bin/chromium).
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ServerProcess } from '@kite/testing/server-process';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  apiCall,
  buildWebApp,
  chromiumPath,
  launchChromium,
  screenshots,
  setUpOrganisation,
  signIn,
  startKiteServer,
} from './e2e-harness.ts';

const alice = { tenant: '风筝科技', name: '陈晓', email: 'alice@kite-search-e2e.test', password: 'correct horse battery' };
const people = [
  { name: '李四', email: 'lisi@kite-search-e2e.test', title: '前端工程师' },
  { name: '王发布', email: 'wangfabu@kite-search-e2e.test', title: '发布经理' },
];

describe.skipIf(!existsSync(chromiumPath))('message search in the browser', () => {
  let workDir = '';
  let baseUrl = '';
  let server: ServerProcess | undefined;
  let browser: Browser | undefined;
  let desktop: BrowserContext | undefined;
  let phone: BrowserContext | undefined;
  let page: Page;
  let phonePage: Page;
  let group = { id: '', name: '发布小组' };
  let oldHit = '';

  async function snap(target: Page, name: string) {
    await target.screenshot({ path: join(screenshots, `search-${name}.png`), fullPage: false });
  }

  /** Whether the message is inside the visible part of the history (not just rendered somewhere). */
  function onScreen(target: Page, messageId: string) {
    return target.locator(`[data-message-id="${messageId}"]`).evaluate((row) => {
      const history = row.closest('[data-testid="message-history"]')!.getBoundingClientRect();
      const box = row.getBoundingClientRect();
      return box.top >= history.top && box.bottom <= history.bottom;
    });
  }

  beforeAll(async () => {
    mkdirSync(screenshots, { recursive: true });
    workDir = mkdtempSync(join(tmpdir(), 'kite-search-e2e-'));
    const webDist = join(workDir, 'web');
    await buildWebApp(webDist);
    server = await startKiteServer(workDir, webDist);
    baseUrl = server.url;

    const session = await setUpOrganisation(baseUrl, alice);
    const ids: string[] = [];
    for (const person of people) {
      const created = await apiCall<{ user: { id: string } }>(baseUrl, session, 'POST', '/api/contact/users', {
        ...person,
        password: 'another horse battery',
      });
      ids.push(created.user.id);
    }
    // A group whose history holds the word far back, and a 1:1 chat where it is recent.
    group = {
      ...group,
      id: (await apiCall<{ id: string }>(baseUrl, session, 'POST', '/api/im/chats', { chatType: 'group', name: group.name, userIds: ids }))
        .id,
    };
    const say = (chatId: string, text: string) =>
      apiCall<{ messageId: string }>(baseUrl, session, 'POST', `/api/im/chats/${chatId}/messages`, {
        msgType: 'text',
        content: JSON.stringify({ text }),
      });
    oldHit = (await say(group.id, '下周一发布新版本，请大家把 Release notes 补全')).messageId;
    await say(group.id, '发布前记得跑一遍回归测试');
    for (let index = 1; index <= 70; index++) await say(group.id, `第 ${index} 条进度同步：接口联调中`);
    const p2p = await apiCall<{ id: string }>(baseUrl, session, 'POST', '/api/im/chats', { chatType: 'p2p', userId: ids[0] });
    await say(p2p.id, '发布会的场地订好了吗？');

    browser = await launchChromium();
    desktop = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1440, height: 900 } });
    phone = await browser.newContext({ locale: 'en-US', viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    page = await desktop.newPage();
    phonePage = await phone.newPage();
    await signIn(page, baseUrl, alice.email, alice.password);
    await signIn(phonePage, baseUrl, alice.email, alice.password);
  });

  afterEach(async (context) => {
    if (context.task.result?.state === 'fail') {
      const name = context.task.name.replace(/[^a-z0-9]+/gi, '-');
      await page?.screenshot({ path: join(screenshots, `search-failed-${name}.png`) }).catch(() => undefined);
      await phonePage?.screenshot({ path: join(screenshots, `search-failed-phone-${name}.png`) }).catch(() => undefined);
    }
  });

  afterAll(async () => {
    await desktop?.close();
    await phone?.close();
    await browser?.close();
    await server?.stop();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  it('finds a Chinese word across chats, people and messages, and opens an older hit highlighted', async () => {
    await page.goto(`${baseUrl}/messenger`);
    await page.getByTestId('chat-search').fill('发布');
    const results = page.getByTestId('global-search');
    await results.getByTestId('search-chats').waitFor();
    await results.getByTestId('search-people').getByText('王发布').waitFor();
    const hit = results.getByTestId(`search-hit-${oldHit}`);
    await hit.waitFor();
    await expect(results.getByTestId('search-messages').locator('[data-testid^="search-hit-"]').count()).resolves.toBe(3);
    await expect(hit.locator('mark').first().textContent()).resolves.toBe('发布');
    await snap(page, '01-global-zh-CN');

    await hit.click();
    await page.getByTestId('conversation').waitFor();
    await expect.poll(() => page.getByTestId('conversation-name').textContent()).toContain(group.name);
    // 72 messages: the hit is beyond the first page, so the history loads back to it.
    const target = page.locator(`[data-message-id="${oldHit}"]`);
    await target.waitFor({ timeout: 15_000 });
    await expect.poll(() => target.getAttribute('class')).toContain('kite-im-row--highlight');
    await expect.poll(() => onScreen(page, oldHit)).toBe(true);
    await expect(hit.getAttribute('aria-current')).resolves.toBe('true');
    await snap(page, '02-opened-hit');
  });

  it('searches inside the chat from the side panel and jumps to a hit', async () => {
    await page.getByTestId('chat-search').fill('');
    await page.getByTestId('open-chat-search').click();
    const panel = page.getByTestId('chat-search-panel');
    await panel.getByTestId('chat-search-intro').waitFor();
    await panel.getByTestId('chat-search-input').fill('RELEASE');
    const hit = panel.getByTestId(`search-hit-${oldHit}`);
    await hit.waitFor();
    await expect(hit.locator('mark').textContent()).resolves.toBe('Release');
    await snap(page, '03-in-chat-zh-CN');

    await page.locator('[data-message-id]').last().scrollIntoViewIfNeeded();
    await hit.click();
    await expect.poll(() => page.locator(`[data-message-id="${oldHit}"]`).getAttribute('class')).toContain('kite-im-row--highlight');
    await expect.poll(() => onScreen(page, oldHit)).toBe(true);

    await panel.getByTestId('chat-search-input').fill('季度预算');
    await panel.getByTestId('chat-search-empty').waitFor();
    await snap(page, '04-in-chat-no-results');
  });

  it('says so when nothing matches anywhere', async () => {
    await page.getByTestId('chat-search').fill('不存在的词');
    await page.getByTestId('search-empty').waitFor();
    await snap(page, '05-global-no-results');
  });

  it('works at phone width: results, the hit in its chat, and the in-chat panel', async () => {
    await phonePage.goto(`${baseUrl}/messenger`);
    await phonePage.getByTestId('chat-search').fill('发布');
    const hit = phonePage.getByTestId(`search-hit-${oldHit}`);
    await hit.waitFor();
    await snap(phonePage, '06-phone-global-en-US');
    await hit.click();
    await phonePage.getByTestId('conversation').waitFor();
    await expect.poll(() => phonePage.locator(`[data-message-id="${oldHit}"]`).getAttribute('class')).toContain('kite-im-row--highlight');
    await expect.poll(() => onScreen(phonePage, oldHit)).toBe(true);
    await snap(phonePage, '07-phone-opened-hit');

    await phonePage.getByTestId('open-chat-search').click();
    await phonePage.getByTestId('chat-search-input').fill('联调');
    await phonePage.getByTestId('chat-search-panel').locator('[data-testid^="search-hit-"]').first().waitFor();
    await snap(phonePage, '08-phone-in-chat');
    // A hit closes the panel, which covers the conversation at this width, and shows the message.
    await phonePage.getByTestId('chat-search-panel').locator('[data-testid^="search-hit-"]').nth(3).click();
    await phonePage.getByTestId('conversation').waitFor();
    await expect.poll(() => phonePage.getByTestId('chat-search-panel').count()).toBe(0);

    // Back returns to the list with the search as it was.
    await phonePage.getByTestId('conversation-back').click();
    await phonePage.getByTestId(`search-hit-${oldHit}`).waitFor();
  });
});
