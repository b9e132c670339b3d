import { matchName } from './name-match.ts';

/** A name with the characters a search matched in bold blue, e.g. 张三 for "zs". */
export function HighlightedName({ name, query }: { name: string; query?: string }) {
  const matched = query ? new Set(matchName(name, query) ?? []) : new Set<number>();
  if (matched.size === 0) return <>{name}</>;
  return (
    <>
      {Array.from(name).map((character, index) =>
        matched.has(index) ? (
          <mark key={index} className="kite-match">
            {character}
          </mark>
        ) : (
          <span key={index}>{character}</span>
        ),
      )}
    </>
  );
}
