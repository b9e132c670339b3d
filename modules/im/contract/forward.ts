import { z } from 'zod';
import type { MsgType } from './msg-types.ts';

/**
 * Forwarding: one message copied to other chats, several messages of one chat sent as one
 * `merge_forward` message (a snapshot of the chat history), and the snapshot read back.
 */

/** Most messages one merge-forward takes (Feishu's limit too). */
export const MAX_MERGE_FORWARD_MESSAGES = 100;
/** Most chats and people one forward goes to. */
export const MAX_FORWARD_TARGETS = 20;
/** Lines of the merged history a `merge_forward` bubble shows. */
export const MERGE_PREVIEW_LINES = 4;

const idList = z
  .array(z.string().min(1).max(64))
  .max(MAX_FORWARD_TARGETS, `Forward to at most ${MAX_FORWARD_TARGETS} chats and people at once`);

/** Where a forward goes: chats the caller is in (`id` or `oc_…`) and people (their p2p chat, opened when new). */
const targets = {
  chatIds: idList.optional(),
  userIds: idList.optional(),
};

function checkTargets(value: { chatIds?: string[]; userIds?: string[] }, context: z.RefinementCtx): void {
  const count = new Set(value.chatIds ?? []).size + new Set(value.userIds ?? []).size;
  if (count === 0) context.addIssue({ code: 'custom', message: 'Name at least one chat or person to forward to', path: ['chatIds'] });
  if (count > MAX_FORWARD_TARGETS) {
    context.addIssue({ code: 'custom', message: `Forward to at most ${MAX_FORWARD_TARGETS} chats and people at once`, path: ['chatIds'] });
  }
}

export const ForwardInput = z.object(targets).superRefine(checkTargets);
export type ForwardInput = z.infer<typeof ForwardInput>;

export const MergeForwardInput = z
  .object({
    /** Messages of one chat (`id` or `om_…`), in any order: the snapshot keeps the chat's order. */
    messageIds: z
      .array(z.string().min(1).max(64))
      .min(1, 'Pick at least one message')
      .max(MAX_MERGE_FORWARD_MESSAGES, `Merge-forward at most ${MAX_MERGE_FORWARD_MESSAGES} messages at once`),
    ...targets,
  })
  .superRefine(checkTargets);
export type MergeForwardInput = z.infer<typeof MergeForwardInput>;

/**
 * The `content` of a `merge_forward` message as stored and as the web reads it (JSON, snake_case
 * like Feishu's content). The open API shows Feishu's fixed text instead.
 */
export interface MergeForwardContent {
  /** Where the messages came from: a group's name, or the people of a p2p chat. */
  source: { chat_type: 'group'; name: string } | { chat_type: 'p2p'; names: string[] };
  /** Messages at the top level of the snapshot. */
  count: number;
  /** The first few of them, for the bubble. `text` is empty for content without text (images, files, cards). */
  preview: Array<{ sender: string; msg_type: MsgType; text: string }>;
}

/** One message of a merged history, as it was when it was forwarded. */
export interface MergedMessageView {
  /** `om_…` of the original message. */
  messageId: string;
  /** `om_…` of the `merge_forward` message it sits in: the one opened, or a merge-forward nested in it. */
  upperMessageId: string;
  msgType: MsgType;
  /** Content with mentions turned into plain `@Name` text. */
  content: string;
  sender: { type: 'user' | 'app' | 'webhook'; id: string; name: string; avatarColor: string } | null;
  createdAt: string;
}

/** `GET /api/im/messages/:id/merged`: the snapshot a `merge_forward` message holds, nested ones included. */
export interface MergedHistoryView {
  /** `om_…` of the `merge_forward` message. */
  messageId: string;
  content: MergeForwardContent;
  /** In order: each nested `merge_forward` item is followed by its own items. */
  items: MergedMessageView[];
}
