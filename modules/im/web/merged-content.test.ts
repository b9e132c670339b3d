import { describe, expect, it } from 'vitest';
import { parseContent, previewText } from './message-content.ts';

/** How the web reads a `merge_forward` message's header (written by the server, read defensively). */
describe('merged chat history content', () => {
  const labels = {
    image: '[Image]',
    file: '[File]',
    card: '[Card]',
    recalled: 'Recalled',
    unsupported: '[Message]',
    chatHistory: '[Chat history]',
  };
  const message = (content: string) => ({ msgType: 'merge_forward' as const, content, recalled: false });

  it('reads the source, the count and the preview lines', () => {
    const content = JSON.stringify({
      source: { chat_type: 'p2p', names: ['Alice', 'Bob'] },
      count: 5,
      preview: [{ sender: 'Alice', msg_type: 'image', text: '' }],
    });
    expect(parseContent('merge_forward', content)).toEqual({
      kind: 'merge_forward',
      source: { chat_type: 'p2p', names: ['Alice', 'Bob'] },
      count: 5,
      preview: [{ sender: 'Alice', msg_type: 'image', text: '' }],
    });
    expect(previewText(message(content), labels)).toBe('[Chat history]');
  });

  it('makes do with a damaged header, and falls back to the generic label', () => {
    expect(parseContent('merge_forward', JSON.stringify({ source: 7, preview: [{ sender: 1 }, 'x'] }))).toEqual({
      kind: 'merge_forward',
      source: { chat_type: 'group', name: '' },
      count: 1,
      preview: [{ sender: '', msg_type: '', text: '' }],
    });
    expect(previewText(message('{}'), { ...labels, chatHistory: undefined })).toBe('[Message]');
  });
});
