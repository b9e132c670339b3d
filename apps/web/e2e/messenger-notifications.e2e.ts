/**
 * Desktop notifications, the buzz chime and a group's "who may buzz / pin" settings, through two
 * real browsers. B's browser has notifications granted, and its `window.Notification` and
 * `AudioContext` are replaced (before any page script) by recorders: a headless browser shows no
 * notification and plays no sound, but the recorders see exactly what Kite asked for — titles,
 * bodies, tags, `requireInteraction`, clicks, closes and the chime's tones.
 *
 * B is asked for permission only from the banner's button; a new message notifies unless B looks
 * at its chat; a muted chat stays quiet but an @mention of B breaks through; a click opens the
 * message; with two tabs open only one notifies, and the other takes over when it closes; a buzz
 * raises a lasting notification and chimes until B acknowledges; B's settings (server-side) turn
 * sound and notifications off. Then A (owner) leaves buzzing and pinning to owner and admins, and
 * B (member) sees the settings read-only and loses Buzz and Pin from the message menu.
 *
 * Screenshots: artifacts/e2e/notify-*.png. Needs Chromium (KITE_CHROMIUM, default /usr/bin/chromium).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { type ApiSession, addPerson, apiCall, apiSignIn, chromiumPath, screenshots, setUpOrganisation, useE2eKite } from './e2e-harness.ts';

const alice = { tenant: '风筝科技', name: '陈管理', email: 'admin@kite-notify-e2e.test', password: 'correct horse battery' };
const bob = { name: 'Bob Li', email: 'bob@kite-notify-e2e.test', password: 'another horse battery' };

interface Recorded {
  title: string;
  body: string;
  tag: string;
  requireInteraction: boolean;
  closed: boolean;
}

/** Runs in B's pages before Kite's scripts: records notifications, permission requests and tones. */
function installRecorders(): void {
  type Recorder = { title: string; options: Record<string, unknown>; closed: boolean; onclick: (() => void) | null };
  const page = window as unknown as { __notifications: Recorder[]; __permissionRequests: number; __tones: number } & Record<
    string,
    unknown
  >;
  page.__notifications = [];
  page.__permissionRequests = 0;
  page.__tones = 0;
  // What the person answered stays across reloads, as the browser's answer would.
  const answerKey = 'e2e.notification-permission';
  class RecordedNotification {
    static get permission() {
      return window.localStorage.getItem(answerKey) ?? 'default';
    }
    static requestPermission() {
      page.__permissionRequests++;
      window.localStorage.setItem(answerKey, 'granted');
      return Promise.resolve('granted');
    }
    closed = false;
    onclick: (() => void) | null = null;
    constructor(
      readonly title: string,
      readonly options: Record<string, unknown> = {},
    ) {
      page.__notifications.push(this);
    }
    close() {
      this.closed = true;
    }
  }
  class RecordedAudioContext {
    state = 'running';
    currentTime = 0;
    destination = {};
    resume() {
      return Promise.resolve();
    }
    createOscillator() {
      return {
        type: 'sine',
        frequency: { value: 0 },
        connect: (node: unknown) => node,
        start: () => {
          page.__tones++;
        },
        stop: () => undefined,
      };
    }
    createGain() {
      return { gain: { setValueAtTime: () => undefined, exponentialRampToValueAtTime: () => undefined }, connect: (node: unknown) => node };
    }
  }
  page.Notification = RecordedNotification;
  page.AudioContext = RecordedAudioContext;
}

describe.skipIf(!existsSync(chromiumPath))('desktop notifications, the buzz chime and who may buzz or pin', () => {
  const suite = useE2eKite('kite-notify-e2e-', 'notify');
  let baseUrl = '';
  let pageA: Page;
  let pageB: Page;
  let contextB: BrowserContext;
  let sessionA: ApiSession;
  let sessionB: ApiSession;
  let bobId = '';
  let bobOpenId = '';
  let crew: { id: string; chatId: string };
  let random: { id: string };
  let direct: { id: string };

  const snap = (page: Page, name: string) => page.screenshot({ path: join(screenshots, `notify-${name}.png`), fullPage: false });
  const say = (chatId: string, text: string) =>
    apiCall<{ id: string; messageId: string }>(baseUrl, sessionA, 'POST', `/api/im/chats/${chatId}/messages`, {
      msgType: 'text',
      content: JSON.stringify({ text }),
    });
  const recorded = (page: Page): Promise<Recorded[]> =>
    page.evaluate(() =>
      (
        window as unknown as {
          __notifications: Array<{
            title: string;
            options: { body?: string; tag?: string; requireInteraction?: boolean };
            closed: boolean;
          }>;
        }
      ).__notifications.map((notification) => ({
        title: notification.title,
        body: notification.options.body ?? '',
        tag: notification.options.tag ?? '',
        requireInteraction: notification.options.requireInteraction ?? false,
        closed: notification.closed,
      })),
    );
  const tones = (page: Page) => page.evaluate(() => (window as unknown as { __tones: number }).__tones);
  /** Waits for the page's notifications to reach `count` and answers them. */
  async function notificationsOf(page: Page, count: number): Promise<Recorded[]> {
    await expect.poll(async () => (await recorded(page)).length, { timeout: 15_000 }).toBeGreaterThanOrEqual(count);
    return recorded(page);
  }
  /**
   * Some tab of B's browser holds the notifier lock and no tab waits for it (a fresh page takes it a
   * moment after loading; a closing one lets go a moment after closing, and until then the next
   * tab is still waiting).
   */
  const notifierElected = (page: Page) =>
    expect
      .poll(() =>
        page.evaluate(async () => {
          const { held = [], pending = [] } = await navigator.locks.query();
          const notifier = (lock: LockInfo) => lock.name?.startsWith('kite-im-notifier') ?? false;
          return held.some(notifier) && !pending.some(notifier);
        }),
      )
      .toBe(true);
  /** The chat list of `page` shows `text` as a chat's last message: the page has taken the event in. */
  const listShows = (page: Page, text: string) =>
    page.locator('[data-testid^="chat-item-"]').filter({ hasText: text }).waitFor({ timeout: 15_000 });

  beforeAll(async () => {
    baseUrl = await suite.start();
    sessionA = await setUpOrganisation(baseUrl, alice);
    ({ id: bobId, openId: bobOpenId } = await addPerson(baseUrl, sessionA, bob));
    sessionB = await apiSignIn(baseUrl, bob.email, bob.password);
    crew = await apiCall(baseUrl, sessionA, 'POST', '/api/im/chats', { chatType: 'group', name: 'Release crew', userIds: [bobId] });
    random = await apiCall(baseUrl, sessionA, 'POST', '/api/im/chats', { chatType: 'group', name: 'Random', userIds: [bobId] });
    direct = await apiCall(baseUrl, sessionA, 'POST', '/api/im/chats', { chatType: 'p2p', userId: bobId });
    await apiCall(baseUrl, sessionB, 'PATCH', `/api/im/chats/${random.id}/me`, { muted: true });
    ({ pageA, pageB } = await suite.openTwoBrowsers(
      { ...alice, locale: 'zh-CN', viewport: { width: 1440, height: 900 } },
      { ...bob, locale: 'en-US', viewport: { width: 1280, height: 800 }, permissions: ['notifications'] },
    ));
    contextB = pageB.context();
    await contextB.addInitScript(installRecorders);
  });

  it('asks for permission only from the banner’s button, never on its own', async () => {
    await pageB.goto(`${baseUrl}/messenger`);
    const banner = pageB.getByTestId('notification-banner');
    await banner.waitFor();
    await expect(banner.textContent()).resolves.toContain('Get notified of new messages and buzzes?');
    await expect(pageB.evaluate(() => (window as unknown as { __permissionRequests: number }).__permissionRequests)).resolves.toBe(0);
    await snap(pageB, '01-B-banner');
    await notifierElected(pageB);
    await pageB.getByTestId('notification-banner-enable').click();
    await banner.waitFor({ state: 'detached' });
    await expect(pageB.evaluate(() => (window as unknown as { __permissionRequests: number }).__permissionRequests)).resolves.toBe(1);
  });

  it('notifies of a new message, keeps a muted chat quiet, and lets an @mention through', async () => {
    await say(crew.id, 'Release notes are ready for review');
    const [first] = await notificationsOf(pageB, 1);
    expect(first).toMatchObject({
      title: `${alice.name} in Release crew`,
      body: 'Release notes are ready for review',
      tag: `kite-chat-${crew.id}`,
      requireInteraction: false,
    });

    // Random is muted: its plain message notifies nobody; the @mention after it does (events arrive in order).
    await say(random.id, 'Lunch at noon?');
    await say(random.id, `<at user_id="${bobOpenId}">${bob.name}</at> can you take the on-call shift?`);
    const after = await notificationsOf(pageB, 2);
    expect(after).toHaveLength(2);
    expect(after[1]).toMatchObject({ title: `${alice.name} in Random`, tag: `kite-chat-${random.id}` });
    expect(after[1]?.body).toBe(`[@You] @${bob.name} can you take the on-call shift?`);
  });

  it('stays quiet about the chat B is looking at, and a click opens the message', async () => {
    await pageB.goto(`${baseUrl}/messenger/${crew.id}`);
    await pageB.getByTestId('conversation').waitFor();
    await notifierElected(pageB);
    await say(crew.id, 'Build 42 is green');
    const direct1 = await say(direct.id, 'Can we talk about the rollout?');
    const all = await notificationsOf(pageB, 1);
    // A fresh page: only the direct message, not the one in the open chat before it.
    expect(all).toEqual([
      {
        title: alice.name,
        body: 'Can we talk about the rollout?',
        tag: `kite-chat-${direct.id}`,
        requireInteraction: false,
        closed: false,
      },
    ]);

    await pageB.evaluate(() => (window as unknown as { __notifications: Array<{ onclick: () => void }> }).__notifications[0]?.onclick());
    await pageB.waitForURL(`${baseUrl}/messenger/${direct.id}?message=${direct1.messageId}`);
    await pageB.locator('.kite-im-row--highlight').filter({ hasText: 'Can we talk about the rollout?' }).waitFor();
    await expect.poll(async () => (await recorded(pageB))[0]?.closed).toBe(true);
  });

  it('notifies in one tab only, and in the other once the first has closed', async () => {
    await pageB.goto(`${baseUrl}/messenger`);
    await pageB.getByTestId('chat-list').waitFor();
    await notifierElected(pageB);
    const second = await contextB.newPage();
    await second.goto(`${baseUrl}/messenger`);
    await second.getByTestId('chat-list').waitFor();

    await say(crew.id, 'Freeze starts at 18:00');
    await say(direct.id, 'Thanks!');
    await listShows(second, 'Thanks!');
    await listShows(pageB, 'Thanks!');
    const inFirst = await recorded(pageB);
    const inSecond = await recorded(second);
    expect([...inFirst, ...inSecond].map((notification) => notification.body)).toEqual(['Freeze starts at 18:00', 'Thanks!']);
    expect(inSecond).toEqual([]);

    // The notifying tab closes: the browser hands its lock to the other one, which takes over.
    await pageB.close();
    await notifierElected(second);
    await say(crew.id, 'Freeze lifted');
    const [taken] = await notificationsOf(second, 1);
    expect(taken).toMatchObject({ title: `${alice.name} in Release crew`, body: 'Freeze lifted' });
    pageB = second;
  });

  it('raises a lasting notification for a buzz and chimes until B acknowledges', async () => {
    // B has used this tab (sound is allowed after a click or key press).
    await pageB.getByTestId('chat-search').click();
    const before = (await recorded(pageB)).length;
    const urgent = await say(crew.id, 'Prod database is at 95% disk');
    await apiCall(baseUrl, sessionA, 'POST', `/api/im/messages/${urgent.id}/urgent`, { userIds: [bobId] });
    const all = await notificationsOf(pageB, before + 2);
    const buzz = all.find((notification) => notification.tag === `kite-buzz-${urgent.id}`);
    expect(buzz).toMatchObject({
      title: `${alice.name} buzzed you in Release crew`,
      body: 'Prod database is at 95% disk',
      requireInteraction: true,
      closed: false,
    });
    // The chime: two tones, at once.
    await expect(tones(pageB)).resolves.toBeGreaterThanOrEqual(2);
    await pageB.getByTestId('buzz-alert').waitFor();
    await snap(pageB, '02-B-buzz-alert');

    await pageB.getByTestId('buzz-acknowledge').click();
    await expect
      .poll(async () => (await recorded(pageB)).find((notification) => notification.tag === `kite-buzz-${urgent.id}`)?.closed)
      .toBe(true);
  });

  it('keeps B’s choices on the server: no sound, then no notifications', async () => {
    await pageB.getByTestId('messenger-settings-button').click();
    const dialog = pageB.getByTestId('messenger-settings-body');
    await dialog.waitFor();
    await expect(dialog.getByTestId('notification-permission').getAttribute('data-permission')).resolves.toBe('granted');
    await snap(pageB, '03-B-settings-desktop');
    await dialog.getByTestId('setting-sound').click();
    await expect.poll(async () => (await apiCall<{ sound: boolean }>(baseUrl, sessionB, 'GET', '/api/im/user-settings')).sound).toBe(false);
    await pageB.keyboard.press('Escape');

    const silent = await say(direct.id, 'One more thing');
    const tonesBefore = await tones(pageB);
    await apiCall(baseUrl, sessionA, 'POST', `/api/im/messages/${silent.id}/urgent`, { userIds: [bobId] });
    await expect
      .poll(async () => (await recorded(pageB)).some((notification) => notification.tag === `kite-buzz-${silent.id}`), { timeout: 15_000 })
      .toBe(true);
    // The buzz notified without a tone (the first chime sounds together with the notification).
    await expect(tones(pageB)).resolves.toBe(tonesBefore);
    await pageB.getByTestId('buzz-acknowledge').click();

    // Notifications off, from another device: this tab follows at once.
    await apiCall(baseUrl, sessionB, 'PATCH', '/api/im/user-settings', { desktopNotifications: false });
    await pageB.getByTestId('messenger-settings-button').click();
    await expect.poll(() => pageB.getByTestId('setting-desktop-notifications').locator('input').isChecked()).toBe(false);
    await pageB.keyboard.press('Escape');
    const count = (await recorded(pageB)).length;
    await say(direct.id, 'Quiet now');
    await listShows(pageB, 'Quiet now');
    expect(await recorded(pageB)).toHaveLength(count);

    await pageB.setViewportSize({ width: 390, height: 844 });
    await pageB.getByTestId('messenger-settings-button').click();
    await pageB.getByTestId('messenger-settings-body').waitFor();
    await snap(pageB, '04-B-settings-phone');
    await pageB.keyboard.press('Escape');
    await pageB.setViewportSize({ width: 1280, height: 800 });
  });

  it('lets the owner leave buzzing and pinning to owner and admins; a member sees it and loses both', async () => {
    const bobs = await apiCall<{ id: string }>(baseUrl, sessionB, 'POST', `/api/im/chats/${crew.id}/messages`, {
      msgType: 'text',
      content: JSON.stringify({ text: 'Who takes the rollback?' }),
    });
    await pageB.goto(`${baseUrl}/messenger/${crew.id}?panel=settings`);
    const row = pageB.getByTestId('message').filter({ hasText: 'Who takes the rollback?' });
    await row.hover();
    await row.getByTestId('action-more').click();
    await pageB.getByTestId('action-buzz').waitFor();
    await expect(pageB.getByTestId('action-pin').count()).resolves.toBe(1);
    // Closes the menu (Escape would close the side panel too).
    await pageB.getByTestId('conversation-name').click();
    await pageB.getByTestId('action-buzz').waitFor({ state: 'detached' });

    await pageA.goto(`${baseUrl}/messenger/${crew.id}?panel=settings`);
    const choose = async (testId: string, option: string) => {
      await pageA.getByTestId(testId).click();
      await pageA.locator('.semi-select-option').filter({ hasText: option }).click();
      await expect.poll(() => pageA.getByTestId(testId).textContent()).toContain(option);
    };
    await choose('setting-buzz-policy', '仅群主和管理员');
    await choose('setting-pin-policy', '仅群主和管理员');
    await expect
      .poll(
        async () => (await apiCall<{ settings: Record<string, string> }>(baseUrl, sessionA, 'GET', `/api/im/chats/${crew.id}`)).settings,
      )
      .toMatchObject({ buzzPolicy: 'admins', pinPolicy: 'admins' });
    await snap(pageA, '05-A-group-settings-zh-CN');

    // B's open panel follows live, read-only; Buzz and Pin leave B's menu.
    const settings = pageB.getByTestId('settings-panel');
    await expect.poll(() => settings.getByTestId('setting-buzz-policy').textContent(), { timeout: 15_000 }).toContain('Owner and admins');
    await expect.poll(() => settings.getByTestId('setting-pin-policy').textContent()).toContain('Owner and admins');
    await row.hover();
    await row.getByTestId('action-more').click();
    await pageB.getByTestId('action-recall').waitFor();
    await expect(pageB.getByTestId('action-buzz').count()).resolves.toBe(0);
    await expect(pageB.getByTestId('action-pin').count()).resolves.toBe(0);
    await pageB.getByTestId('conversation-name').click();
    // The server says the same.
    const refused = await fetch(`${baseUrl}/api/im/messages/${bobs.id}/pin`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: sessionB.cookie, 'x-csrf-token': sessionB.csrf },
      body: '{}',
    });
    expect(refused.status).toBe(403);
    await expect(refused.json()).resolves.toMatchObject({ error: { code: 'pin_not_allowed' } });
    await snap(pageB, '06-B-group-settings-desktop');

    await pageB.setViewportSize({ width: 390, height: 844 });
    await settings.getByTestId('setting-pin-policy').scrollIntoViewIfNeeded();
    await snap(pageB, '07-B-group-settings-phone');
  });
});
