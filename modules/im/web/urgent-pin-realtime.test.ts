import type { MessageEventView, PinView, UrgentAlertView, UrgentEventPayload, UrgentSummary } from '@kite/im/contract';
import { QueryClient } from '@tanstack/react-query';
import { describe, expect, it } from 'vitest';
import { urgentPinQueryKeys } from './urgent-pin-api.ts';
import { applyUrgentPinEvent, urgentPinStaleQueries } from './urgent-pin-realtime.ts';

const CHAT = 'chat-1';
const ALICE = 'user-alice';
const BOB = 'user-bob';
const party = (id: string) => ({ type: 'user' as const, id, openId: `ou_${id}`, unionId: '', userId: '', name: id });

function message(id: string): MessageEventView {
  return {
    id,
    messageId: `om_${id}`,
    chatId: CHAT,
    seq: 1,
    msgType: 'text',
    content: '{"text":"Release at 18:00"}',
    sender: { type: 'user', id: ALICE, name: 'Alice', avatarColor: '#3370ff' },
    parentId: null,
    rootId: null,
    threadId: null,
    inThread: false,
    replyCount: 0,
    mentions: [],
    mentionsAll: false,
    edited: false,
    recalled: false,
    createdAt: '2026-11-23T09:00:00Z',
    updatedAt: '2026-11-23T09:00:00Z',
  };
}

function alert(id: string): UrgentAlertView {
  return {
    message: message(id),
    chat: { id: CHAT, chatId: 'oc_1', chatType: 'group', name: 'Launch' },
    buzzedBy: { type: 'user', id: ALICE, name: 'Alice', avatarColor: '#3370ff' },
    buzzedAt: '2026-11-23T09:01:00Z',
  };
}

function urgentEvent(type: string, id: string, change: { recipientIds: string[]; summary: Omit<UrgentSummary, 'messageId'> }) {
  const payload: UrgentEventPayload = {
    chatId: CHAT,
    chat: { id: CHAT, chatId: 'oc_1', chatType: 'group', name: 'Launch', appIds: [] },
    messageId: id,
    openMessageId: `om_${id}`,
    recipientIds: change.recipientIds,
    watcherIds: [ALICE],
    summary: { messageId: id, ...change.summary },
    operator: party(ALICE),
    ...(type === 'im.urgent.created' ? { alert: alert(id) } : {}),
    actionTime: '2026-11-23T09:01:00Z',
  };
  return { seq: 1, type, payload };
}

/** Caches as the web holds them after fetching: alerts, markers of the chat, its pins. */
function caches(state: { alerts?: UrgentAlertView[]; summaries?: UrgentSummary[]; pins?: PinView[] }) {
  const queryClient = new QueryClient();
  queryClient.setQueryData(urgentPinQueryKeys.alerts, { items: state.alerts ?? [] });
  queryClient.setQueryData(urgentPinQueryKeys.summaries(CHAT), { items: state.summaries ?? [] });
  queryClient.setQueryData(urgentPinQueryKeys.pins(CHAT), { items: state.pins ?? [] });
  const read = () => ({
    alerts: queryClient.getQueryData<{ items: UrgentAlertView[] }>(urgentPinQueryKeys.alerts)?.items.map((item) => item.message.id),
    summaries: queryClient.getQueryData<{ items: UrgentSummary[] }>(urgentPinQueryKeys.summaries(CHAT))?.items,
    pins: queryClient.getQueryData<{ items: PinView[] }>(urgentPinQueryKeys.pins(CHAT))?.items.map((pin) => pin.message.id),
  });
  return { queryClient, read };
}

describe('buzz and pin events in the caches', () => {
  it('gives the recipient the alert and the sender the count, each only their part', () => {
    const bob = caches({ alerts: [alert('older')] });
    const alice = caches({});
    const created = urgentEvent('im.urgent.created', 'm1', { recipientIds: [BOB], summary: { total: 1, acknowledged: 0 } });
    applyUrgentPinEvent(created, { queryClient: bob.queryClient, viewerUserId: BOB });
    applyUrgentPinEvent(created, { queryClient: alice.queryClient, viewerUserId: ALICE });
    expect(bob.read()).toMatchObject({ alerts: ['m1', 'older'], summaries: [] });
    expect(alice.read()).toMatchObject({ alerts: [], summaries: [{ messageId: 'm1', total: 1, acknowledged: 0 }] });

    // A repeated buzz moves the alert up instead of adding a second one.
    applyUrgentPinEvent(urgentEvent('im.urgent.created', 'older', { recipientIds: [BOB], summary: { total: 1, acknowledged: 0 } }), {
      queryClient: bob.queryClient,
      viewerUserId: BOB,
    });
    expect(bob.read().alerts).toEqual(['older', 'm1']);

    const acknowledged = urgentEvent('im.urgent.acknowledged', 'm1', { recipientIds: [BOB], summary: { total: 1, acknowledged: 1 } });
    applyUrgentPinEvent(acknowledged, { queryClient: bob.queryClient, viewerUserId: BOB });
    applyUrgentPinEvent(acknowledged, { queryClient: alice.queryClient, viewerUserId: ALICE });
    expect(bob.read().alerts).toEqual(['older']);
    expect(alice.read().summaries).toEqual([{ messageId: 'm1', total: 1, acknowledged: 1 }]);
    expect(urgentPinStaleQueries(acknowledged)).toEqual([urgentPinQueryKeys.status('m1')]);
  });

  it('takes a recalled message’s alert, marker and pin away', () => {
    const pin: PinView = {
      message: message('m1'),
      pinnedBy: { type: 'user', id: BOB, name: 'Bob', avatarColor: '#000' },
      pinnedAt: '2026-11-23T09:02:00Z',
      canUnpin: true,
    };
    const { queryClient, read } = caches({
      alerts: [alert('m1'), alert('m2')],
      summaries: [{ messageId: 'm1', total: 2, acknowledged: 1 }],
      pins: [pin],
    });
    const payload = { chatId: CHAT, message: { ...message('m1'), recalled: true, content: '' } };
    applyUrgentPinEvent({ seq: 2, type: 'im.message.recalled', payload }, { queryClient, viewerUserId: BOB });
    expect(read()).toEqual({ alerts: ['m2'], summaries: [], pins: [] });
  });

  it('drops an unpinned message at once and refetches the list for a new pin', () => {
    const pin: PinView = {
      message: message('m1'),
      pinnedBy: { type: 'user', id: BOB, name: 'Bob', avatarColor: '#000' },
      pinnedAt: '2026-11-23T09:02:00Z',
      canUnpin: false,
    };
    const { queryClient, read } = caches({ pins: [pin] });
    const payload = { chatId: CHAT, messageId: 'm1', openMessageId: 'om_m1', operator: party(ALICE), actionTime: '' };
    applyUrgentPinEvent({ seq: 3, type: 'im.pin.deleted', payload }, { queryClient, viewerUserId: BOB });
    expect(read().pins).toEqual([]);
    expect(urgentPinStaleQueries({ seq: 4, type: 'im.pin.created', payload })).toEqual([urgentPinQueryKeys.pins(CHAT)]);
  });
});
