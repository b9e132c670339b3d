import { describe, expect, it } from 'vitest';
import { parseContent, plainText, previewText, safeHref } from './message-content.ts';

const labels = { image: '[Image]', file: '[File]', card: '[Card]', recalled: 'Message recalled', unsupported: '[Message]' };
const text = (value: string) => JSON.stringify({ text: value });

describe('parseContent', () => {
  it('splits text into lines, mentions and links', () => {
    const model = parseContent(
      'text',
      text('hi <at user_id="ou_1">张三</at> see https://kite.example/a.\nbye <at user_id="all">所有人</at>'),
    );
    expect(model).toEqual({
      kind: 'text',
      lines: [
        [
          { kind: 'text', text: 'hi ' },
          { kind: 'mention', userId: 'ou_1', name: '张三', isAll: false },
          { kind: 'text', text: ' see ' },
          { kind: 'link', text: 'https://kite.example/a', href: 'https://kite.example/a' },
          { kind: 'text', text: '.' },
        ],
        [
          { kind: 'text', text: 'bye ' },
          { kind: 'mention', userId: 'all', name: '所有人', isAll: true },
        ],
      ],
    });
  });

  it('resolves the stored @_user_N and @_all placeholders through mentions', () => {
    const model = parseContent('text', text('@_user_1 ping @_all, not @_user_9'), {
      mentions: [{ key: '@_user_1', id: 'u1', name: '李四' }],
      allName: '所有人',
    });
    expect(model).toEqual({
      kind: 'text',
      lines: [
        [
          { kind: 'mention', userId: 'u1', name: '李四', isAll: false },
          { kind: 'text', text: ' ping ' },
          { kind: 'mention', userId: 'all', name: '所有人', isAll: true },
          { kind: 'text', text: ', not @_user_9' },
        ],
      ],
    });
  });

  it('keeps markup in text as text, never as tags', () => {
    const model = parseContent('text', text('<img src=x onerror=alert(1)> <b>bold</b>'));
    expect(model).toEqual({ kind: 'text', lines: [[{ kind: 'text', text: '<img src=x onerror=alert(1)> <b>bold</b>' }]] });
  });

  it('reads posts in both the send and the read shape, dropping unsafe links', () => {
    const content = [
      [
        { tag: 'text', text: 'Release ', style: ['bold'] },
        { tag: 'a', text: 'notes', href: 'https://kite.example/notes' },
        { tag: 'a', text: 'evil', href: 'javascript:alert(1)' },
      ],
      [
        { tag: 'at', user_id: 'ou_2', user_name: 'Li' },
        { tag: 'code_block', language: 'ts', text: 'let a = 1;' },
      ],
    ];
    const sent = parseContent('post', JSON.stringify({ zh_cn: { title: '周报', content } }));
    const read = parseContent('post', JSON.stringify({ title: '周报', content }));
    expect(sent).toEqual(read);
    expect(read).toEqual({
      kind: 'post',
      title: '周报',
      lines: [
        [
          { kind: 'text', text: 'Release ', bold: true },
          { kind: 'link', text: 'notes', href: 'https://kite.example/notes' },
          { kind: 'text', text: 'evil' },
        ],
        [{ kind: 'mention', userId: 'ou_2', name: 'Li', isAll: false }],
        [{ kind: 'code', text: 'let a = 1;', language: 'ts' }],
      ],
    });
  });

  it('reads a card’s header and keeps the card for the card view', () => {
    const card = { header: { title: { tag: 'plain_text', content: 'Approval' }, template: 'green' }, elements: [{ tag: 'hr' }] };
    expect(parseContent('interactive', JSON.stringify(card))).toEqual({ kind: 'card', title: 'Approval', template: 'green', card });
    expect(parseContent('interactive', JSON.stringify({ elements: [] }))).toMatchObject({ title: '', template: 'blue' });
  });

  it('answers unknown for content that is not JSON', () => {
    expect(parseContent('text', 'not json')).toEqual({ kind: 'unknown', msgType: 'text' });
  });
});

describe('previewText', () => {
  const message = (msgType: string, content: string, recalled = false) => ({ msgType: msgType as 'text', content, recalled });

  it('shows the text with mentions as @Name on one line', () => {
    expect(previewText(message('text', text('hi <at user_id="ou_1">张三</at>\nmore')), labels)).toBe('hi @张三 more');
  });

  it('uses placeholders for images, files and cards', () => {
    expect(previewText(message('image', JSON.stringify({ image_key: 'img_1' })), labels)).toBe('[Image]');
    expect(previewText(message('file', JSON.stringify({ file_key: 'f', file_name: 'a.pdf' })), labels)).toBe('[File] a.pdf');
    expect(previewText(message('interactive', JSON.stringify({ header: { title: { content: 'Hi' } } })), labels)).toBe('[Card] Hi');
  });

  it('says a recalled message was recalled, whatever its content', () => {
    expect(previewText(message('text', text('secret'), true), labels)).toBe('Message recalled');
  });

  it('previews a post by title and text', () => {
    expect(previewText(message('post', JSON.stringify({ title: 'T', content: [[{ tag: 'text', text: 'body' }]] })), labels)).toBe('T body');
  });
});

describe('plainText and safeHref', () => {
  it('gives the editable text of a message', () => {
    expect(plainText({ msgType: 'text', content: text('a <at user_id="ou_1">Li</at>\nb') })).toBe('a @Li\nb');
  });

  it('accepts only http, https and mailto', () => {
    expect(safeHref('https://a.example/x')).toBe('https://a.example/x');
    expect(safeHref('mailto:a@b.example')).toBe('mailto:a@b.example');
    expect(safeHref('javascript:alert(1)')).toBeNull();
    expect(safeHref('data:text/html,hi')).toBeNull();
    expect(safeHref('/relative')).toBeNull();
  });
});
