import { PGlite } from '@electric-sql/pglite';
import { PGliteStatements } from '@kite/platform/pglite-statements';
import pg from 'pg';

type Method = (...args: unknown[]) => unknown;
type Listener = (text: string) => void;

const listeners = new Set<Listener>();
let patched = false;

/** The SQL text of a driver call: a string, or a `{text}` query config. */
function textOf(query: unknown): string {
  return typeof query === 'string' ? query : String((query as { text?: string } | undefined)?.text);
}

/**
 * Calls `listener` with the text of every SQL statement this process sends, on either engine: on
 * PGlite, statements with parameters and transaction control run prepared (`PGliteStatements.query`),
 * the rest through `PGlite.exec`; on PostgreSQL, `pg.Client.query`. For benchmarks and tests that
 * say what a request costs in SQL; the drivers are patched on first use, in this process only.
 * Returns a function that stops listening.
 */
export function onEveryStatement(listener: Listener): () => void {
  if (!patched) {
    patched = true;
    const targets: Array<[Record<string, Method>, string]> = [
      [PGliteStatements.prototype as unknown as Record<string, Method>, 'query'],
      [PGlite.prototype as unknown as Record<string, Method>, 'exec'],
      [pg.Client.prototype as unknown as Record<string, Method>, 'query'],
    ];
    for (const [target, method] of targets) {
      const original = target[method]!;
      target[method] = function (this: unknown, ...args: unknown[]) {
        if (listeners.size > 0) {
          const text = textOf(args[0]);
          for (const each of listeners) each(text);
        }
        return original.apply(this, args);
      };
    }
  }
  listeners.add(listener);
  return () => listeners.delete(listener);
}
