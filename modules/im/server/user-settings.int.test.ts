import type { UserSettingsEventPayload, UserSettingsView } from '@kite/im/contract';
import { type SignedIn, startTwoPeople, type TestServer, testEngines, WebClient, waitFor } from '@kite/testing/test-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';

/**
 * A person's own messenger settings (`/api/im/user-settings`): desktop notifications and sound,
 * on until turned off, kept per person on the server, announced to that person's other tabs only.
 */

type ErrorBody = { error: { code: string } };
interface Frame {
  t: string;
  type?: string;
  payload?: UserSettingsEventPayload;
}

describe.each(testEngines())('messenger user settings (%s)', (engine) => {
  let server: TestServer;
  let admin: WebClient;
  let alice: SignedIn;
  let bob: SignedIn;
  const sockets: WebSocket[] = [];

  const settingsOf = async (who: SignedIn) => (await who.client.get<UserSettingsView>('/api/im/user-settings')).body;
  const change = (who: SignedIn, body: unknown) => who.client.patch<UserSettingsView & ErrorBody>('/api/im/user-settings', body);

  async function listen(who: SignedIn) {
    const frames: Frame[] = [];
    const socket = new WebSocket(`${server.url.replace('http', 'ws')}/ws/client`, { headers: { cookie: who.client.cookieHeader() } });
    sockets.push(socket);
    socket.on('message', (data) => frames.push(JSON.parse(String(data)) as Frame));
    await waitFor(() => (frames.some((frame) => frame.t === 'hello') ? true : undefined), 'hello');
    return frames;
  }

  beforeAll(async () => {
    ({ server, admin, alice, bob } = await startTwoPeople({ engine }));
  });

  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await server?.close();
  });

  it('starts with everything on and keeps each person’s changes for them alone', async () => {
    expect(await settingsOf(alice)).toEqual({ desktopNotifications: true, sound: true });
    const aliceFrames = await listen(alice);
    const bobFrames = await listen(bob);

    const quiet = await change(alice, { sound: false });
    expect(quiet.status).toBe(200);
    expect(quiet.body).toEqual({ desktopNotifications: true, sound: false });
    expect(await settingsOf(alice)).toEqual({ desktopNotifications: true, sound: false });
    expect(await settingsOf(bob)).toEqual({ desktopNotifications: true, sound: true });

    // Her other tabs hear of it; Bob's do not.
    const event = await waitFor(() => aliceFrames.find((frame) => frame.type === 'im.user_settings.updated'), 'settings event');
    expect(event.payload).toEqual({
      userId: alice.user.id,
      settings: { desktopNotifications: true, sound: false },
      before: { desktopNotifications: true, sound: true },
    });

    expect((await change(alice, { desktopNotifications: false, sound: true })).body).toEqual({ desktopNotifications: false, sound: true });
    // The same again, or nothing at all, changes nothing and announces nothing.
    expect((await change(alice, { desktopNotifications: false })).body).toEqual({ desktopNotifications: false, sound: true });
    expect((await change(alice, {})).body).toEqual({ desktopNotifications: false, sound: true });
    // Events arrive in order: once the next real change is here, any from the no-ops would be too.
    await change(alice, { sound: false });
    const updates = () => aliceFrames.filter((frame) => frame.type === 'im.user_settings.updated');
    await waitFor(() => (updates().length >= 3 ? true : undefined), 'third settings event');
    expect(updates().map((frame) => frame.payload?.settings)).toEqual([
      { desktopNotifications: true, sound: false },
      { desktopNotifications: false, sound: true },
      { desktopNotifications: false, sound: false },
    ]);
    expect(bobFrames.some((frame) => frame.type === 'im.user_settings.updated')).toBe(false);

    // A matter of taste, not administration: the audit log stays out of it.
    await server.kite.dispatcher.settle();
    const audit = await admin.get<{ items: Array<{ action: string }> }>('/api/admin/audit?limit=200');
    expect(audit.body.items.some((entry) => entry.action.startsWith('im.user_settings'))).toBe(false);
  });

  it('refuses bad input and strangers, changing nothing', async () => {
    const before = await settingsOf(bob);
    for (const body of [{ sound: 'off' }, { desktopNotifications: null }, { volume: 3 }, []]) {
      const refused = await change(bob, body);
      expect(refused.status).toBe(400);
      expect(refused.body.error.code).toBe('validation_failed');
    }
    expect(await settingsOf(bob)).toEqual(before);

    const stranger = new WebClient(server.url);
    expect((await stranger.get('/api/im/user-settings')).status).toBe(401);
    // No CSRF token: refused before anything is read.
    const noCsrf = await bob.client.request('PATCH', '/api/im/user-settings', { sound: false }, { 'x-csrf-token': 'wrong' });
    expect(noCsrf.status).toBe(403);
    expect(await settingsOf(bob)).toEqual(before);
  });
});
