import { describe, expect, it } from 'vitest';
import { MERGED_OPEN_CONTENT, mergeContent, openContent, parseMergeContent, withoutMentions } from './forward-content.ts';
import type { MentionRow } from './tables.ts';

const mentions: MentionRow[] = [{ key: '@_user_1', kind: 'user', id: 'u1', name: '张三' }];

describe('withoutMentions', () => {
  it('turns text mentions into plain @Name, @all included, and leaves unknown keys', () => {
    const content = JSON.stringify({ text: 'hi @_user_1, @_all and @_user_9' });
    expect(JSON.parse(withoutMentions('text', content, mentions))).toEqual({ text: 'hi @张三, @all and @_user_9' });
  });

  it('turns post `at` elements into text and keeps everything else', () => {
    const content = JSON.stringify({
      zh_cn: {
        title: 'T',
        content: [
          [
            { tag: 'at', user_id: '@_user_1', user_name: '张三' },
            { tag: 'text', text: ' look' },
            { tag: 'img', image_key: 'img_v3_1' },
          ],
          [{ tag: 'at', user_id: '@_all', user_name: 'all' }],
        ],
      },
    });
    expect(JSON.parse(withoutMentions('post', content, mentions))).toEqual({
      zh_cn: {
        title: 'T',
        content: [
          [
            { tag: 'text', text: '@张三' },
            { tag: 'text', text: ' look' },
            { tag: 'img', image_key: 'img_v3_1' },
          ],
          [{ tag: 'text', text: '@all' }],
        ],
      },
    });
  });

  it('returns other types and unreadable content as they are', () => {
    expect(withoutMentions('image', '{"image_key":"img_v3_1"}', mentions)).toBe('{"image_key":"img_v3_1"}');
    expect(withoutMentions('text', 'not json', mentions)).toBe('not json');
  });
});

describe('merge content', () => {
  it('keeps the source, the count and the first four lines, in one line each', () => {
    const entries = Array.from({ length: 6 }, (_, index) => ({
      senderName: `P${index}`,
      msgType: index === 1 ? ('image' as const) : ('text' as const),
      searchText: index === 1 ? '' : `line\n${index}`,
    }));
    const { content, searchText } = mergeContent({ chat_type: 'p2p', names: ['A', 'B'] }, entries);
    const parsed = parseMergeContent(content);
    expect(parsed.count).toBe(6);
    expect(parsed.preview).toEqual([
      { sender: 'P0', msg_type: 'text', text: 'line 0' },
      { sender: 'P1', msg_type: 'image', text: '' },
      { sender: 'P2', msg_type: 'text', text: 'line 2' },
      { sender: 'P3', msg_type: 'text', text: 'line 3' },
    ]);
    expect(searchText).toContain('A B');
    expect(searchText).toContain('line\n5');
  });

  it('reads a damaged header as an empty history, and shows apps Feishu’s fixed text', () => {
    expect(parseMergeContent('nope')).toEqual({ source: { chat_type: 'group', name: '' }, count: 0, preview: [] });
    expect(openContent('merge_forward', '{"source":{}}')).toBe(MERGED_OPEN_CONTENT);
    expect(openContent('text', '{"text":"x"}')).toBe('{"text":"x"}');
  });
});
