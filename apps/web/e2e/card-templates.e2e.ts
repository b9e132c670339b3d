/**
 * Card templates in the admin console, in real browsers: the administrator (desktop, zh-CN) opens
 * an app's card templates from Apps, sees the empty state, writes a leave-approval template with
 * `${…}` placeholders while the preview follows (and says when the JSON is broken), creates it,
 * publishes a second version; the app sends it with the SDK's `createByCard` and the rendered card
 * shows in the messenger. At phone width (en-US) the same page lists it as cards, edits it full
 * width with the preview below, and deletes it. Screenshots: artifacts/e2e/card-templates-*.png.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as lark from '@larksuiteoapi/node-sdk';
import type { Locator, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { type ApiSession, apiCall, chromiumPath, screenshots, setUpOrganisation, useE2eKite } from './e2e-harness.ts';

const admin = { tenant: '风筝科技', name: '陈管理', email: 'admin@kite-templates-e2e.test', password: 'correct horse battery' };
const quiet = { error: () => {}, warn: () => {}, info: () => {}, debug: () => {}, trace: () => {} };
const plain = (content: string) => ({ tag: 'plain_text', content });

const leaveTemplate = {
  config: { update_multi: true },
  header: { title: plain('请假审批 · ${name}'), template: 'orange' },
  elements: [
    { tag: 'div', text: { tag: 'lark_md', content: '**${name}** 申请年假 **${days} 天**\n事由：${reason}' } },
    '${details}',
    {
      tag: 'action',
      actions: [
        { tag: 'button', text: plain('批准'), type: 'primary', value: { decision: 'approve', request: '${requestId}' } },
        { tag: 'button', text: plain('驳回'), type: 'danger', value: { decision: 'reject', request: '${requestId}' } },
      ],
    },
  ],
};
const leaveDefaults = {
  name: '王五',
  days: 2,
  reason: '家庭旅行',
  details: [{ tag: 'hr' }, { tag: 'note', elements: [plain('来自 HR 系统')] }],
};

describe.skipIf(!existsSync(chromiumPath))('card templates in the console', () => {
  const suite = useE2eKite('kite-templates-e2e-', 'card-templates');
  let baseUrl = '';
  let session: ApiSession;
  let desktop: Page;
  let phone: Page;
  let appId = '';
  let client: lark.Client;
  let templateId = '';

  async function snap(page: Page, name: string) {
    // Let Semi's side sheet and toasts finish their entrance before the picture.
    await page.waitForTimeout(400);
    await page.screenshot({ path: join(screenshots, `card-templates-${name}.png`), fullPage: false });
  }

  /** The textarea of a Semi TextArea with this test id (on the textarea itself or its wrapper). */
  const textArea = (page: Page, testId: string): Locator =>
    page.locator(`textarea[data-testid="${testId}"], [data-testid="${testId}"] textarea`).first();

  const preview = (page: Page) => page.getByTestId('card-template-preview');

  beforeAll(async () => {
    baseUrl = await suite.start();
    session = await setUpOrganisation(baseUrl, admin);
    const app = await apiCall<{ app: { appId: string }; appSecret: string }>(baseUrl, session, 'POST', '/api/admin/apps', {
      name: '人事机器人',
    });
    appId = app.app.appId;
    client = new lark.Client({ appId, appSecret: app.appSecret, domain: baseUrl, loggerLevel: lark.LoggerLevel.error, logger: quiet });
    ({ pageA: desktop, pageB: phone } = await suite.openTwoBrowsers(
      { email: admin.email, password: admin.password, locale: 'zh-CN', viewport: { width: 1440, height: 900 } },
      { email: admin.email, password: admin.password, locale: 'en-US', viewport: { width: 390, height: 844 }, phone: true },
    ));
  });

  it('opens an app’s card templates from Apps and shows what the page is for when there are none', async () => {
    await desktop.goto(`${baseUrl}/admin/apps`);
    await desktop.getByTestId(`app-card-templates-${appId}`).click();
    await desktop.getByTestId('card-templates-empty').waitFor();
    await expect(desktop.getByTestId('card-templates-page').textContent()).resolves.toContain('卡片模板 · 人事机器人');
    await expect(desktop.getByTestId('card-templates-empty').textContent()).resolves.toContain('还没有卡片模板');
    expect(desktop.url()).toBe(`${baseUrl}/admin/apps/${appId}/card-templates`);
    await snap(desktop, '01-desktop-empty');
  });

  it('writes a template with a live preview, refuses broken JSON, and creates it', async () => {
    await desktop.getByTestId('new-card-template-empty').click();
    await desktop.getByTestId('card-template-editor').waitFor();
    // The starter card previews at once, filled with its defaults.
    await preview(desktop).getByTestId('message-card').filter({ hasText: '通知' }).waitFor();

    await desktop.getByTestId('card-template-name').fill('请假审批');
    await textArea(desktop, 'card-template-json').fill('{ "elements": [ ');
    await preview(desktop).filter({ hasText: '修正 JSON 后即可预览' }).waitFor();
    await expect(desktop.getByTestId('card-template-editor').textContent()).resolves.toContain('不是 JSON 对象');

    await textArea(desktop, 'card-template-json').fill(JSON.stringify(leaveTemplate, null, 2));
    await textArea(desktop, 'card-template-defaults').fill(JSON.stringify(leaveDefaults, null, 2));
    const card = preview(desktop).getByTestId('message-card');
    await card.filter({ hasText: '请假审批 · 王五' }).waitFor();
    await expect(card.textContent()).resolves.toContain('来自 HR 系统');
    await expect(desktop.getByTestId('card-template-variables').textContent()).resolves.toContain('requestId');
    await snap(desktop, '02-desktop-editor');

    await desktop.getByTestId('card-template-save').click();
    await desktop.locator('.semi-toast-content').filter({ hasText: '模板已创建' }).waitFor();
    const row = desktop.locator('[data-testid^="card-template-AA"]');
    await row.waitFor();
    templateId = ((await row.getAttribute('data-testid')) ?? '').replace('card-template-', '');
    expect(templateId).toMatch(/^AA[0-9A-Za-z]{11}$/);
    await expect(row.textContent()).resolves.toContain('1.0.0');
    await expect(desktop.getByTestId('card-template-usage').textContent()).resolves.toContain(templateId);
    await snap(desktop, '03-desktop-list');
  });

  it('publishes a new version; the app sends the template and the messenger shows the rendered card', async () => {
    await desktop.getByTestId(`edit-card-template-${templateId}`).click();
    await desktop.getByTestId('card-template-versions').waitFor();
    const edited = { ...leaveTemplate, header: { title: plain('年假申请 · ${name}'), template: 'orange' } };
    await textArea(desktop, 'card-template-json').fill(JSON.stringify(edited, null, 2));
    await expect(desktop.getByTestId('card-template-version').inputValue()).resolves.toBe('1.0.1');
    await desktop.getByTestId('card-template-save').click();
    await desktop.locator('.semi-toast-content').filter({ hasText: '已发布版本 1.0.1' }).waitFor();
    await desktop.getByTestId(`card-template-${templateId}`).filter({ hasText: '1.0.1' }).waitFor();

    const me = await apiCall<{ user: { openId: string } }>(baseUrl, session, 'GET', '/api/auth/session');
    const chat = await client.im.v1.chat.create({ data: { name: '请假审批群', user_id_list: [me.user.openId] } });
    const sent = await client.im.v1.message.createByCard({
      params: { receive_id_type: 'chat_id' },
      data: {
        receive_id: chat.data!.chat_id!,
        template_id: templateId,
        template_variable: { name: '赵六 "小六"', days: 3, reason: '<b>搬家</b>', details: [], requestId: 'r-1' },
      },
    });
    expect(sent.code).toBe(0);
    await desktop.goto(`${baseUrl}/messenger`);
    await desktop.locator('[data-testid^="chat-item-"]').filter({ hasText: '请假审批群' }).click();
    const card = desktop.getByTestId('message-card').filter({ hasText: '年假申请 · 赵六 "小六"' });
    await card.waitFor();
    await expect(card.textContent()).resolves.toContain('<b>搬家</b>');
    await snap(desktop, '04-desktop-sent-card');
  });

  it('works at phone width: the list as cards, the editor full width with the preview below, deleting', async () => {
    await phone.goto(`${baseUrl}/admin/apps/${appId}/card-templates`);
    const item = phone.getByTestId(`card-template-${templateId}`);
    await item.waitFor();
    await expect(phone.getByTestId('card-templates-page').textContent()).resolves.toContain('Card templates · 人事机器人');
    await snap(phone, '05-phone-list');

    await phone.getByTestId(`edit-card-template-${templateId}`).click();
    await preview(phone).getByTestId('message-card').filter({ hasText: '年假申请 · 王五' }).waitFor();
    await expect(phone.getByTestId('card-template-editor').textContent()).resolves.toContain('Published versions');
    await snap(phone, '06-phone-editor');
    await preview(phone).scrollIntoViewIfNeeded();
    await snap(phone, '07-phone-preview');
    await phone.keyboard.press('Escape');
    await phone.getByTestId('card-template-editor').waitFor({ state: 'detached' });

    await phone.getByTestId(`delete-card-template-${templateId}`).click();
    await phone.locator('.semi-modal-footer .semi-button-danger').click();
    await phone.getByTestId('card-templates-empty').waitFor();
    await expect(phone.getByTestId('card-templates-empty').textContent()).resolves.toContain('No card templates yet');
    await snap(phone, '08-phone-empty');
    // Deleted for the app too: sending it now fails with Feishu's 230099.
    const chats = await client.im.v1.chat.list({});
    const failed = await client.im.v1.message
      .createByCard({
        params: { receive_id_type: 'chat_id' },
        data: { receive_id: chats.data!.items![0]!.chat_id!, template_id: templateId },
      })
      .catch((error: { response?: { data: { code: number } } }) => error.response?.data);
    expect(failed?.code).toBe(230_099);
  });
});
