import { describe, expect, it } from 'vitest';
import { panelFromParams, panelParams, threadOfOpenedMessage } from './open-message.ts';
import { fakeMessage } from './view-fixtures.ts';

describe('threadOfOpenedMessage', () => {
  const root = fakeMessage(4, 'alice', '2026-06-01T09:00:00Z', { id: 'root', messageId: 'om_root', threadId: 'omt_1' });
  const page = { items: [fakeMessage(3, 'bob', '2026-06-01T08:59:00Z'), root], threadRootId: 'root' };

  it('opens a thread reply in its root’s thread', () => {
    expect(threadOfOpenedMessage(page, { aroundMessageId: 'om_reply' })).toEqual({ rootId: 'root', replyId: 'om_reply' });
  });

  it('keeps a message of the timeline in the timeline', () => {
    expect(threadOfOpenedMessage({ items: page.items }, { aroundMessageId: 'om_root' })).toBeNull();
    expect(threadOfOpenedMessage(page, { aroundMessageId: 'om_root' })).toBeNull();
    expect(threadOfOpenedMessage(page, { around: 4 })).toBeNull();
  });
});

describe('panelParams and panelFromParams', () => {
  const opened = new URLSearchParams('message=om_reply&q=x');

  it('turns an opened message into a thread at that reply, and back', () => {
    const params = panelParams(opened, { kind: 'thread', rootId: 'root', replyId: 'om_reply' });
    expect(Object.fromEntries(params)).toEqual({ q: 'x', panel: 'thread', root: 'root', reply: 'om_reply' });
    expect(panelFromParams(params)).toEqual({ kind: 'thread', rootId: 'root', replyId: 'om_reply' });
    const closed = panelParams(params, null);
    expect(Object.fromEntries(closed)).toEqual({ q: 'x' });
    expect(panelFromParams(closed)).toBeNull();
  });

  it('opens a thread without a reply, and other panels, keeping the opened message', () => {
    const thread = panelParams(opened, { kind: 'thread', rootId: 'root' });
    expect(Object.fromEntries(thread)).toEqual({ message: 'om_reply', q: 'x', panel: 'thread', root: 'root' });
    expect(panelFromParams(thread)).toEqual({ kind: 'thread', rootId: 'root' });
    const pins = panelParams(panelParams(opened, { kind: 'thread', rootId: 'root', replyId: 'om_reply' }), { kind: 'pins' });
    expect(Object.fromEntries(pins)).toEqual({ q: 'x', panel: 'pins' });
    expect(panelFromParams(new URLSearchParams('panel=thread'))).toBeNull();
  });
});
