import { describe, expect, it } from 'vitest';
import { activeMentionQuery, draftToText, insertMention, liveMentions, parseStoredDraft, textToDraft } from './composer-text.ts';

describe('activeMentionQuery', () => {
  it('finds @query before the caret at the start or after a space', () => {
    expect(activeMentionQuery('@zh', 3)).toEqual({ start: 0, query: 'zh' });
    expect(activeMentionQuery('hello @', 7)).toEqual({ start: 6, query: '' });
    expect(activeMentionQuery('hi @张', 5)).toEqual({ start: 3, query: '张' });
  });

  it('ignores e-mail addresses and finished mentions', () => {
    expect(activeMentionQuery('a@b', 3)).toBeNull();
    expect(activeMentionQuery('@zs done', 8)).toBeNull();
  });
});

describe('insertMention and draftToText', () => {
  it('replaces the query with the name and places the caret after it', () => {
    expect(insertMention('hi @zh there', 3, 6, '张三')).toEqual({ text: 'hi @张三  there', caret: 7 });
  });

  it('turns remembered mentions into <at> tags and leaves the rest as text', () => {
    const draft = {
      text: 'hi @张三 and @Ann Lee, see @nobody',
      mentions: [
        { userId: 'ou_1', name: '张三' },
        { userId: 'ou_2', name: 'Ann Lee' },
        { userId: 'ou_3', name: 'Ann' },
      ],
    };
    expect(draftToText(draft)).toBe('hi <at user_id="ou_1">张三</at> and <at user_id="ou_2">Ann Lee</at>, see @nobody');
    expect(liveMentions(draft).map((mention) => mention.userId)).toEqual(['ou_1', 'ou_2', 'ou_3']);
  });

  it('writes @all', () => {
    expect(draftToText({ text: '@所有人 meeting now', mentions: [{ userId: 'all', name: '所有人' }] })).toBe(
      '<at user_id="all">所有人</at> meeting now',
    );
  });

  it('reads the stored @_user_N form back into a draft', () => {
    const draft = textToDraft('hi @_user_1 and @_all', [{ key: '@_user_1', id: 'u1', name: '张三' }], '所有人');
    expect(draft).toEqual({
      text: 'hi @张三 and @所有人',
      mentions: [
        { userId: 'u1', name: '张三' },
        { userId: 'all', name: '所有人' },
      ],
    });
    expect(draftToText(draft)).toBe('hi <at user_id="u1">张三</at> and <at user_id="all">所有人</at>');
  });

  it('round-trips through textToDraft for editing', () => {
    const sent = 'ok <at user_id="ou_1">张三</at>';
    expect(draftToText(textToDraft(sent))).toBe(sent);
  });
});

describe('parseStoredDraft', () => {
  it('reads JSON drafts and plain text from other clients', () => {
    expect(parseStoredDraft('{"text":"hi","mentions":[{"userId":"u","name":"N"}]}')).toEqual({
      text: 'hi',
      mentions: [{ userId: 'u', name: 'N' }],
    });
    expect(parseStoredDraft('just text')).toEqual({ text: 'just text', mentions: [] });
    expect(parseStoredDraft('')).toBeNull();
  });
});
