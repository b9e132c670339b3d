import type { MessageView } from '@kite/im/contract';
import { describe, expect, it } from 'vitest';
import { buildTimeline, mergeMessagePages } from './message-timeline.ts';
import { fakeMessage } from './view-fixtures.ts';

let seq = 0;
function message(senderId: string | null, createdAt: string, overrides: Partial<MessageView> = {}): MessageView {
  seq += 1;
  return fakeMessage(seq, senderId, createdAt, { chatId: 'c1', ...overrides });
}

const shape = (items: ReturnType<typeof buildTimeline>) =>
  items.map((item) => (item.kind === 'message' ? `${item.message.sender?.id ?? 'sys'}${item.startsGroup ? '*' : ''}` : item.kind));

describe('buildTimeline', () => {
  it('groups one sender within five minutes and separates days', () => {
    seq = 0;
    const messages = [
      message('a', '2026-11-20T10:00:00Z'),
      message('a', '2026-11-20T10:04:00Z'),
      message('a', '2026-11-20T10:10:00Z'),
      message('b', '2026-11-20T10:11:00Z'),
      message('b', '2026-11-21T10:11:30Z'),
    ];
    expect(shape(buildTimeline(messages, { viewerUserId: 'a', timeZone: 'UTC' }))).toEqual(['day', 'a*', 'a', 'a*', 'b*', 'day', 'b*']);
  });

  it('marks own messages and puts the unread line before the first unread one', () => {
    seq = 0;
    const messages = [message('a', '2026-11-20T10:00:00Z'), message('b', '2026-11-20T10:01:00Z'), message('b', '2026-11-20T10:02:00Z')];
    const items = buildTimeline(messages, { viewerUserId: 'a', firstUnreadSeq: 3, timeZone: 'UTC' });
    expect(shape(items)).toEqual(['day', 'a*', 'b*', 'unread', 'b*']);
    expect(items.filter((item) => item.kind === 'message').map((item) => item.kind === 'message' && item.own)).toEqual([
      true,
      false,
      false,
    ]);
  });

  it('lets system and recalled messages stand alone', () => {
    seq = 0;
    const messages = [
      message('a', '2026-11-20T10:00:00Z'),
      message(null, '2026-11-20T10:00:10Z', { msgType: 'system' }),
      message('a', '2026-11-20T10:00:20Z'),
      message('a', '2026-11-20T10:00:30Z', { recalled: true }),
      message('a', '2026-11-20T10:00:40Z'),
    ];
    expect(shape(buildTimeline(messages, { viewerUserId: 'x', timeZone: 'UTC' }))).toEqual(['day', 'a*', 'sys*', 'a*', 'a*', 'a*']);
  });

  it('uses the reader’s time zone for day boundaries', () => {
    seq = 0;
    const messages = [message('a', '2026-11-20T15:00:00Z'), message('a', '2026-11-20T16:01:00Z')];
    expect(shape(buildTimeline(messages, { viewerUserId: 'x', timeZone: 'Asia/Shanghai' }))).toEqual(['day', 'a*', 'day', 'a*']);
  });
});

describe('mergeMessagePages', () => {
  it('joins newest-first pages into one ascending list without duplicates', () => {
    seq = 0;
    const [m1, m2, m3] = [message('a', '2026-11-20T10:00:00Z'), message('a', '2026-11-20T10:01:00Z'), message('a', '2026-11-20T10:02:00Z')];
    expect(mergeMessagePages([{ items: [m2!, m3!] }, { items: [m1!, m2!] }]).map((m) => m.seq)).toEqual([1, 2, 3]);
  });

  it('keeps cards only the viewer sees beside the message whose seq they share, in the order they came', () => {
    seq = 0;
    const [m1, m2] = [message('a', '2026-11-20T10:00:00Z'), message('a', '2026-11-20T10:05:00Z')];
    const card = (id: string, createdAt: string): MessageView => ({ ...m1!, id, createdAt, ephemeral: true });
    const [late, early] = [card('e2', '2026-11-20T10:02:00Z'), card('e1', '2026-11-20T10:01:00Z')];
    const merged = mergeMessagePages([{ items: [m2!, late, early] }, { items: [m1!, early] }]);
    expect(merged.map((m) => m.id)).toEqual([m1!.id, 'e1', 'e2', m2!.id]);
  });
});
