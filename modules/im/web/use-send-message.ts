import { Toast } from '@douyinfe/semi-ui';
import type { ChatView } from '@kite/im/contract';
import { useErrorText } from '@kite/ui/error-text';
import { useViewer } from '@kite/ui/viewer';
import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useState } from 'react';
import { chatWithNewMessage } from './chat-list-model.ts';
import { sendMessage } from './im-api.ts';
import { appendMessage, findCachedMessage, updateCachedChat, writeMessage } from './im-cache.ts';
import { imErrorTexts } from './im-messages.ts';
import { myOpenIds } from './viewer-state.ts';

/** A message on its way: shown at the end of the conversation until the server has it. */
export interface PendingMessage {
  uuid: string;
  text: string;
  /** The message quoted, or the thread's root. */
  parentId: string | null;
  /** A thread reply (shown in the thread panel) rather than a message or quote reply (the timeline). */
  inThread: boolean;
  failed: boolean;
}

function newUuid(): string {
  return typeof crypto !== 'undefined' && 'randomUUID' in crypto
    ? crypto.randomUUID()
    : `${Date.now()}-${Math.random().toString(36).slice(2)}`;
}

/**
 * Sends text messages with a client uuid (so a retry never doubles a message), shows them as
 * pending meanwhile, and writes the server's answer into the caches. With `threadRootId` every
 * message is a reply in that thread; otherwise `send` may quote a message.
 */
export function useSendMessage(chat: ChatView, threadRootId: string | null = null) {
  const queryClient = useQueryClient();
  const viewer = useViewer();
  const errorText = useErrorText(imErrorTexts);
  const [pending, setPending] = useState<PendingMessage[]>([]);

  const deliver = useCallback(
    async (message: PendingMessage) => {
      try {
        const sent = await sendMessage(chat.id, {
          msgType: 'text',
          content: JSON.stringify({ text: message.text }),
          uuid: message.uuid,
          ...(message.parentId ? { parentId: message.parentId, replyInThread: message.inThread } : {}),
        });
        // An own thread reply reads the thread's replies before it.
        const readThreadReplies = sent.rootId ? (findCachedMessage(queryClient, chat.id, sent.rootId)?.unreadReplyCount ?? 0) : 0;
        appendMessage(queryClient, chat.id, sent, 'clear');
        // The realtime event may have arrived first without the sender's read count: take the answer.
        writeMessage(queryClient, chat.id, sent);
        updateCachedChat(queryClient, chat.id, (current) =>
          chatWithNewMessage(current, sent, { userId: viewer.userId, ids: myOpenIds(viewer.userId), readThreadReplies }),
        );
        setPending((list) => list.filter((item) => item.uuid !== message.uuid));
      } catch (error) {
        Toast.error(errorText(error));
        setPending((list) => list.map((item) => (item.uuid === message.uuid ? { ...item, failed: true } : item)));
      }
    },
    [chat.id, queryClient, viewer.userId, errorText],
  );

  const send = useCallback(
    (text: string, quotedId: string | null = null) => {
      const parentId = threadRootId ?? quotedId;
      const message: PendingMessage = { uuid: newUuid(), text, parentId, inThread: threadRootId !== null, failed: false };
      setPending((list) => [...list, message]);
      void deliver(message);
    },
    [deliver, threadRootId],
  );

  const resend = useCallback(
    (uuid: string) => {
      const message = pending.find((item) => item.uuid === uuid);
      if (!message) return;
      setPending((list) => list.map((item) => (item.uuid === uuid ? { ...item, failed: false } : item)));
      void deliver({ ...message, failed: false });
    },
    [pending, deliver],
  );

  const discard = useCallback((uuid: string) => setPending((list) => list.filter((item) => item.uuid !== uuid)), []);

  return { pending, send, resend, discard };
}
