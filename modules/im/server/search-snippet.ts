/** Characters a snippet shows; the first match starts about a quarter of the way in. */
const SNIPPET_CHARS = 120;
const LEAD_CHARS = 30;
const ELLIPSIS = '…';

export interface Snippet {
  text: string;
  /** Where the query occurs in `text`, UTF-16 offsets, end exclusive. */
  highlights: Array<{ start: number; end: number }>;
}

function escapeRegExp(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Moves an offset off the low half of a surrogate pair, so a cut never splits a character. */
function atCharacter(text: string, offset: number): number {
  const code = text.charCodeAt(offset);
  return code >= 0xdc00 && code <= 0xdfff ? offset - 1 : offset;
}

/**
 * The part of a message's search text to show for a hit: whitespace collapsed, about 120 characters
 * around the first case-insensitive occurrence of `query`, with `…` where the text was cut, and the
 * ranges of every occurrence inside it. Without an occurrence (the database and JavaScript may
 * lowercase a rare character differently) it is the start of the text, unmarked.
 */
export function snippetOf(searchText: string, query: string): Snippet {
  const text = searchText.replace(/\s+/g, ' ').trim();
  const needle = query.replace(/\s+/g, ' ').trim();
  const occurrences = needle
    ? [...text.matchAll(new RegExp(escapeRegExp(needle), 'giu'))].map((match) => ({
        start: match.index,
        end: match.index + match[0].length,
      }))
    : [];
  const first = occurrences[0];
  let start = first ? Math.max(0, first.start - LEAD_CHARS) : 0;
  // A match near the end pulls the window back so the snippet stays full.
  start = atCharacter(text, Math.max(0, Math.min(start, text.length - SNIPPET_CHARS)));
  const end = atCharacter(text, Math.min(text.length, start + SNIPPET_CHARS));
  const prefix = start > 0 ? ELLIPSIS : '';
  const shift = prefix.length - start;
  return {
    text: `${prefix}${text.slice(start, end)}${end < text.length ? ELLIPSIS : ''}`,
    highlights: occurrences
      .filter((occurrence) => occurrence.start >= start && occurrence.end <= end)
      .map((occurrence) => ({ start: occurrence.start + shift, end: occurrence.end + shift })),
  };
}
