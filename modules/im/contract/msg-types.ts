/** Message types, in Feishu's names. */
export const MSG_TYPES = ['text', 'post', 'image', 'file', 'interactive', 'share_chat', 'share_user', 'system', 'merge_forward'] as const;
export type MsgType = (typeof MSG_TYPES)[number];

/** Types the server writes itself: nobody sends them (a `merge_forward` comes from merge-forwarding). */
export const SERVER_MSG_TYPES = ['system', 'merge_forward'] as const;
