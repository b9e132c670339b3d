import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect, type PostgresPool, type PostgresPoolClient, type PostgresQueryResult } from 'kysely';
import pg from 'pg';
import { PGliteStatements } from './pglite-statements.ts';
import type { PlatformTables } from './platform-tables.ts';
import { preparedStatementName } from './prepared-query.ts';

export type DatabaseEngine = 'pglite' | 'postgres';

export interface Database {
  readonly db: Kysely<PlatformTables>;
  readonly engine: DatabaseEngine;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** PostgreSQL connection string; when absent, PGlite runs in-process. */
  url?: string;
  /** PGlite data directory; `memory://` for an in-memory database (tests). */
  dataDir?: string;
  /** PostgreSQL pool size. */
  maxConnections?: number;
  /** Told when the server drops an idle pooled connection. */
  onIdleError?: (error: Error) => void;
}

// Both engines return the same JS types: int8 and numeric as strings are unhandy for counts and
// sequence numbers, which stay far below 2^53, so int8 becomes a number; date stays a 'YYYY-MM-DD'.
const INT8 = 20;
const DATE = 1082;
const parseInt8 = (value: string) => Number(value);
const keepString = (value: string) => value;

export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  if (options.url) {
    const pool = new pg.Pool({
      connectionString: options.url,
      max: options.maxConnections ?? 10,
      types: {
        getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
          if (oid === INT8) return parseInt8;
          if (oid === DATE) return keepString;
          return pg.types.getTypeParser(oid, format);
        }) as typeof pg.types.getTypeParser,
      },
    });
    // An idle connection can be cut by the server (restart, failover, admin); the pool replaces it.
    // Without a listener, node-postgres would crash the process on that error.
    pool.on('error', (error) => options.onIdleError?.(error));
    const db = new Kysely<PlatformTables>({ dialect: new PostgresDialect({ pool: preparingPool(pool) }) });
    return { db, engine: 'postgres', close: () => db.destroy() };
  }
  const dataDir = options.dataDir ?? 'memory://';
  if (!dataDir.startsWith('memory://')) mkdirSync(dataDir, { recursive: true });
  const pglite = await PGlite.create(dataDir, { parsers: { [INT8]: parseInt8, [DATE]: keepString } });
  const db = new Kysely<PlatformTables>({ dialect: new PostgresDialect({ pool: new PGlitePool(pglite) }) });
  return { db, engine: 'pglite', close: () => db.destroy() };
}

/**
 * The node-postgres pool, with the hot statements of `preparedQuery` run as named prepared
 * statements: each connection parses and plans them once, not on every run. Other statements stay
 * unnamed (their texts are unbounded: `in` lists of every length).
 */
function preparingPool(pool: pg.Pool): PostgresPool {
  // One wrapper per pooled client: Kysely keeps its connection object per client it is handed.
  const wrappers = new WeakMap<pg.PoolClient, PostgresPoolClient>();
  const wrap = (client: pg.PoolClient): PostgresPoolClient =>
    ({
      query: (query: string | object, parameters?: ReadonlyArray<unknown>) => {
        const name = typeof query === 'string' ? preparedStatementName(query) : undefined;
        if (name) return client.query({ name, text: query as string, values: [...(parameters ?? [])] });
        return typeof query === 'string' ? client.query(query, [...(parameters ?? [])]) : client.query(query as never);
      },
      release: () => client.release(),
    }) as unknown as PostgresPoolClient;
  return {
    async connect() {
      const client = await pool.connect();
      let wrapper = wrappers.get(client);
      if (!wrapper) {
        wrapper = wrap(client);
        wrappers.set(client, wrapper);
      }
      return wrapper;
    },
    end: () => pool.end(),
  };
}

/**
 * A pool of one over PGlite. PGlite is a single session, so the one connection is handed out under a
 * mutex and a transaction holds it from BEGIN to COMMIT. Code inside a transaction must use the
 * transaction object, never the outer `db`, or it waits for itself: the acquire timeout turns that
 * bug into an error instead of a hang.
 */
class PGlitePool implements PostgresPool {
  private queue: Array<() => void> = [];
  private busy = false;
  private readonly statements: PGliteStatements;

  constructor(
    private readonly pglite: PGlite,
    private readonly acquireTimeoutMs = 30_000,
  ) {
    this.statements = new PGliteStatements(pglite);
  }

  async connect(): Promise<PostgresPoolClient> {
    await this.acquire();
    let released = false;
    const statements = this.statements;
    const client = {
      query: async (sql: string, parameters: ReadonlyArray<unknown>) => {
        // Like node-postgres: without parameters, use the simple protocol, which allows several
        // statements (migrations); with parameters, the extended protocol, prepared once per text.
        const result = parameters.length === 0 ? await statements.exec(sql) : await statements.query(sql, parameters);
        return {
          command: commandOf(sql),
          rowCount: result.affectedRows ?? result.rows.length,
          rows: result.rows,
        } as PostgresQueryResult<unknown>;
      },
      release: () => {
        if (released) return;
        released = true;
        this.releaseLock();
      },
    };
    return client as unknown as PostgresPoolClient;
  }

  async end(): Promise<void> {
    await this.pglite.close();
  }

  private acquire(): Promise<void> {
    if (!this.busy) {
      this.busy = true;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const waiter = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        this.queue = this.queue.filter((entry) => entry !== waiter);
        reject(new Error('PGlite connection not released in time (is the outer db used inside a transaction?)'));
      }, this.acquireTimeoutMs);
      this.queue.push(waiter);
    });
  }

  private releaseLock(): void {
    const next = this.queue.shift();
    if (next) next();
    else this.busy = false;
  }
}

function commandOf(sql: string): PostgresQueryResult<unknown>['command'] {
  const word = sql.trimStart().slice(0, 6).toUpperCase();
  if (word === 'INSERT' || word === 'UPDATE' || word === 'DELETE' || word === 'SELECT') return word;
  if (word.startsWith('MERGE')) return 'MERGE';
  return 'SELECT';
}

/**
 * The unique index or constraint a write ran into (PostgreSQL 23505) on either engine, '' when the
 * driver did not name it; undefined for any other error. Check-then-insert code uses it for the race
 * its own check cannot see: two requests inserting the same value at once.
 */
export function uniqueViolation(error: unknown): string | undefined {
  const { code, constraint } = (error ?? {}) as { code?: unknown; constraint?: unknown };
  if (code !== '23505') return undefined;
  return typeof constraint === 'string' ? constraint : '';
}
