import { describe, expect, it } from 'vitest';
import { chatKeys, indexTerms, MAX_INDEXED_CHARS, MAX_QUERY_TERMS, queryTerms, searchTermsOf, spread, wordStarts } from './search-terms.ts';

/** A query finds a text only when every query term is among the text's terms. */
function findable(text: string, query: string): boolean {
  const terms = new Set(indexTerms(text));
  const wanted = queryTerms(query);
  return wanted.length > 0 && wanted.every((term) => terms.has(term));
}

describe('search terms', () => {
  it('indexes every character and neighbouring pair of Chinese, Japanese and Korean runs', () => {
    expect(indexTerms('发布会')).toEqual(['发', '布', '会', '发布', '布会']);
    expect(indexTerms('カタカナ').sort()).toEqual(['カ', 'タ', 'ナ', 'カタ', 'タカ', 'カナ'].sort());
    expect(indexTerms('한국어')).toEqual(['한', '국', '어', '한국', '국어']);
  });

  it('indexes other words by their first one and two characters and every three-character slice, lowercased', () => {
    expect(indexTerms('Release v2')).toEqual(['r', 're', 'rel', 'ele', 'lea', 'eas', 'ase', 'v', 'v2']);
    expect(indexTerms('Ärger')).toEqual(['ä', 'är', 'ärg', 'rge', 'ger']);
  });

  it('splits mixed text where the script changes and at punctuation, and keeps no term twice', () => {
    expect(indexTerms('v2发布!!v2')).toEqual(['v', 'v2', '发', '布', '发布']);
    expect(indexTerms('  …!? ')).toEqual([]);
  });

  it('finds every substring of a Chinese run, one and two characters included', () => {
    const text = '明天下午三点开发布会';
    for (let start = 0; start < text.length; start++) {
      for (let end = start + 1; end <= text.length; end++) expect(findable(text, text.slice(start, end))).toBe(true);
    }
    expect(findable(text, '会议')).toBe(false);
  });

  it('finds Latin words by any slice of three or more characters, and short queries by word start', () => {
    expect(findable('Please read the RELEASE notes', 'lease')).toBe(true);
    expect(findable('Please read the RELEASE notes', 'release NOTES')).toBe(true);
    expect(findable('ok, shipping', 'ok')).toBe(true);
    expect(findable('okay', 'ok')).toBe(true);
    expect(findable('book', 'ok')).toBe(false);
    expect(findable('v2.1 is out', 'v2')).toBe(true);
    expect(findable('Release notes', 'relaese')).toBe(false);
  });

  it('names the short words of a query, which must start a word of a match', () => {
    expect(wordStarts('ok v2 release 发布 a')).toEqual(['ok', 'v2', 'a']);
    expect(wordStarts('发布会')).toEqual([]);
  });

  it('looks nothing up for a query of only punctuation or symbols', () => {
    expect(queryTerms('%')).toEqual([]);
    expect(queryTerms('🎉 !')).toEqual([]);
  });

  it('looks up one term for one or two Chinese characters, and at most a few for long queries', () => {
    expect(queryTerms('发')).toEqual(['发']);
    expect(queryTerms('发布')).toEqual(['发布']);
    expect(queryTerms('发布会')).toEqual(['发布', '布会']);
    const long = queryTerms('internationalisation quick wxyz');
    expect(long).toHaveLength(MAX_QUERY_TERMS);
    expect(long[0]).toBe('int');
    expect(long.at(-1)).toBe('xyz');
  });

  it('stores terms space-separated and stops indexing after the first 10,000 characters', () => {
    expect(searchTermsOf('hi 你好')).toBe('h hi 你 好 你好');
    expect(searchTermsOf('')).toBe('');
    const long = `${'a '.repeat(MAX_INDEXED_CHARS / 2)}zebra`;
    expect(indexTerms(long)).toEqual(['a']);
  });

  it('keys a term by the first 8 characters of each chat id, once per key', () => {
    expect(chatKeys(['0123456789ab', '01234567ffff', 'fedcba9876'], '发布')).toEqual(['01234567发布', 'fedcba98发布']);
  });

  it('spreads a long list evenly, keeping its ends', () => {
    expect(spread([1, 2, 3, 4, 5, 6, 7, 8, 9], 3)).toEqual([1, 5, 9]);
    expect(spread([1, 2, 3], 1)).toEqual([1]);
    expect(spread([1, 2], 5)).toEqual([1, 2]);
  });
});
