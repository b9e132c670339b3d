/**
 * The terms a message is indexed by (`im_message.search_terms`, a GIN index) and the terms a query
 * looks up. Terms only narrow the candidates; the exact test is a case-insensitive substring match on
 * `search_text`, so a term set only has to be a necessary condition of a match:
 *
 * - Scripts written without spaces (Han, kana, Hangul): every character and every pair of
 *   neighbours. A query of one character looks up that character, a longer one its pairs — so a 1- or
 *   2-character Chinese query is one lookup, and any substring of a run is found.
 * - Other words (letters and digits, lowercased): their first one and first two characters, and
 *   every three-character slice. A query word of three or more characters looks up its slices and
 *   matches anywhere inside a word (`lease` finds `release`); a query word of one or two characters
 *   looks itself up as a word start (`ok` finds `okay`, not `book`).
 *
 * Indexing and querying share `segments`, so both sides split text the same way. The index keys
 * every term by its chat (`im_search_keys` in migrations/202611231500_im_search.ts, mirrored by
 * `chatKeys`), so a lookup reads the postings of the chats asked about and no others.
 */

/** Characters of scripts written without spaces between words. */
const UNSPACED = String.raw`\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Bopomofo}`;
/** A run of unspaced characters, or a word of other letters, marks and digits. */
const SEGMENT = new RegExp(String.raw`([${UNSPACED}]+)|((?:(?![${UNSPACED}])[\p{L}\p{M}\p{N}])+)`, 'gu');

/** Text beyond this is not indexed (a pasted log of 150 KB would otherwise make tens of thousands of terms). */
export const MAX_INDEXED_CHARS = 10_000;
/** Slices of longer words are taken from their start only (long tokens: hashes, base64). */
const MAX_WORD_CHARS = 64;
/** A query looks up at most this many terms; the substring test does the rest. */
export const MAX_QUERY_TERMS = 8;

type Segment = { kind: 'unspaced' | 'word'; chars: string[] };

/** Splits lowercased text into runs of unspaced script and words; everything else separates them. */
function segments(text: string): Segment[] {
  const found: Segment[] = [];
  for (const match of text.toLowerCase().matchAll(SEGMENT)) {
    if (match[1]) found.push({ kind: 'unspaced', chars: [...match[1]] });
    else if (match[2]) found.push({ kind: 'word', chars: [...match[2]].slice(0, MAX_WORD_CHARS) });
  }
  return found;
}

/** Every slice of `size` consecutive characters. */
function slices(chars: readonly string[], size: number): string[] {
  const out: string[] = [];
  for (let start = 0; start + size <= chars.length; start++) out.push(chars.slice(start, start + size).join(''));
  return out;
}

/** The distinct terms a message with this search text is indexed by. */
export function indexTerms(searchText: string): string[] {
  const terms = new Set<string>();
  for (const { kind, chars } of segments(searchText.slice(0, MAX_INDEXED_CHARS))) {
    if (kind === 'unspaced') {
      for (const term of [...chars, ...slices(chars, 2)]) terms.add(term);
    } else {
      terms.add(chars[0]!);
      if (chars.length > 1) terms.add(chars.slice(0, 2).join(''));
      for (const term of slices(chars, 3)) terms.add(term);
    }
  }
  return [...terms];
}

/** The value of `im_message.search_terms` for this search text: its terms, space-separated. */
export function searchTermsOf(searchText: string): string {
  return indexTerms(searchText).join(' ');
}

/** The index keys of `term` in these chats: what `im_search_keys(chat_id, …)` makes of it in SQL. */
export function chatKeys(chatIds: readonly string[], term: string): string[] {
  return [...new Set(chatIds.map((chatId) => `${chatId.slice(0, 8)}${term}`))];
}

/**
 * The terms a message must hold to contain `query`. Empty when the query has no letter, digit or
 * unspaced character: such a query matches nothing (there is nothing to look up).
 */
export function queryTerms(query: string): string[] {
  const terms = new Set<string>();
  for (const { kind, chars } of segments(query)) {
    if (kind === 'unspaced') {
      for (const term of chars.length === 1 ? chars : slices(chars, 2)) terms.add(term);
    } else {
      for (const term of chars.length < 3 ? [chars.join('')] : slices(chars, 3)) terms.add(term);
    }
  }
  return spread([...terms], MAX_QUERY_TERMS);
}

/**
 * The query's words of one or two letters or digits. Containing the query does not make a message
 * match them: it needs a word starting with each (`ok` in `okay`, not in `book`), as its terms say.
 * Every other term of a query is implied by containing it.
 */
export function wordStarts(query: string): string[] {
  return segments(query)
    .filter((segment) => segment.kind === 'word' && segment.chars.length < 3)
    .map((segment) => segment.chars.join(''));
}

/** At most `count` items, taken evenly from the whole list (a long query keeps its start and end). */
export function spread<T>(items: readonly T[], count: number): T[] {
  if (items.length <= count) return [...items];
  if (count <= 1) return items.slice(0, count);
  return Array.from({ length: count }, (_, index) => items[Math.round((index * (items.length - 1)) / (count - 1))]!);
}
