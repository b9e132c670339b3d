import { describe, expect, it } from 'vitest';
import { parseContent, type ResolvedMention } from './content.ts';

const people: Record<string, ResolvedMention> = {
  ou_bob: { key: '@_user_1', kind: 'user', id: 'bob', name: 'Bob' },
};
const resolve = (ref: string) => people[ref];

describe('message content', () => {
  it('turns <at> tags into @_user_N keys and keeps search text readable', () => {
    const parsed = parseContent(
      'text',
      JSON.stringify({ text: 'hi <at user_id="ou_bob">B</at> <at id=all>所有人</at> <at user_id="x">Ghost</at>' }),
    );
    expect(parsed.mentions.map((mention) => mention.ref)).toEqual(['ou_bob', 'x']);
    expect(parsed.mentionsAll).toBe(true);
    expect(parsed.render(resolve)).toEqual({
      content: JSON.stringify({ text: 'hi @_user_1 @_all @Ghost' }),
      searchText: 'hi @Bob @all @Ghost',
    });
  });

  it('sanitises rich text: drops unknown attributes, refuses unsafe links and unknown tags', () => {
    const post = (elements: unknown[]) => JSON.stringify({ en_us: { title: 't', content: [elements] } });
    expect(JSON.parse(parseContent('post', post([{ tag: 'text', text: 'a', style: ['bold'], x: 1 }])).render(resolve).content)).toEqual({
      en_us: { title: 't', content: [[{ tag: 'text', text: 'a', style: ['bold'] }]] },
    });
    for (const href of ['javascript:alert(1)', 'data:text/html,x', 'ftp://host']) {
      expect(() => parseContent('post', post([{ tag: 'a', href, text: 'x' }]))).toThrow(/http, https or mailto/);
    }
    expect(parseContent('post', post([{ tag: 'a', href: 'mailto:a@b.test', text: 'x' }])).mentions).toEqual([]);
    expect(() => parseContent('post', post([{ tag: 'iframe', src: 'x' }]))).toThrow(/post content/);
  });

  it('refuses malformed and oversize content with content_invalid', () => {
    expect(() => parseContent('text', '{')).toThrow(expect.objectContaining({ code: 'content_invalid', status: 400 }));
    expect(() => parseContent('image', JSON.stringify({ file_key: 'x' }))).toThrow(expect.objectContaining({ code: 'content_invalid' }));
    expect(() => parseContent('interactive', JSON.stringify([1]))).toThrow(expect.objectContaining({ code: 'content_invalid' }));
    expect(() => parseContent('interactive', JSON.stringify({ x: 'y'.repeat(31 * 1024) }))).toThrow(
      expect.objectContaining({ code: 'content_invalid', status: 413 }),
    );
    expect(() => parseContent('text', JSON.stringify({ text: '字'.repeat(52 * 1024) }))).toThrow(
      expect.objectContaining({ code: 'content_invalid', status: 413 }),
    );
    // JSON spells NUL `\u0000`; PostgreSQL text cannot hold it.
    expect(() => parseContent('text', '{"text":"a\\u0000b"}')).toThrow(expect.objectContaining({ code: 'content_invalid', status: 400 }));
  });
});
