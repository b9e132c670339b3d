import type { ForwardInput, ForwardResult, MergedHistoryView, MergeForwardInput } from '@kite/im/contract';
import { api } from '@kite/ui/api-client';

/** `POST /api/im/messages/:id/forward`: the forwarder's copy in each chat and person's p2p chat. */
export function forwardMessage(messageId: string, targets: ForwardInput): Promise<ForwardResult> {
  return api.post(`/api/im/messages/${encodeURIComponent(messageId)}/forward`, targets);
}

/** `POST /api/im/messages/merge-forward`: one merged chat history per target. */
export function mergeForward(input: MergeForwardInput): Promise<ForwardResult> {
  return api.post('/api/im/messages/merge-forward', input);
}

/** `GET /api/im/messages/:id/merged`: the snapshot a merge_forward message holds. */
export function fetchMergedHistory(messageId: string): Promise<MergedHistoryView> {
  return api.get(`/api/im/messages/${encodeURIComponent(messageId)}/merged`);
}

export const mergedHistoryKey = (messageId: string) => ['im', 'merged', messageId] as const;
