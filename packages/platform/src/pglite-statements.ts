import { type PGlite, parse, protocol, type Results } from '@electric-sql/pglite';

const { serialize } = protocol;

/**
 * One statement that cannot change the schema — a query, a data change, transaction control — with
 * no `;` but a trailing one: prepared like any other. Anything else (migrations, `analyze`, `set`)
 * runs as it is.
 */
const PREPARABLE = /^\s*(select|with|insert|update|delete|begin|commit|rollback|savepoint|release)\b[^;]*;?\s*$/i;

interface Prepared {
  name: string;
  /** Parameter type oids, as the server inferred them: how each value is serialised. */
  paramTypes: number[];
}

/**
 * Parameterised statements on PGlite, each parsed and planned once. `PGlite.query` sends a fresh
 * unnamed statement every time — parse, describe, bind, describe, execute, sync: six calls into
 * the WASM backend and a new plan — which is most of what a short statement costs. Here a statement
 * text is prepared under a name on first use; each later run is one call (bind, describe, execute,
 * sync) against the kept plan. Values and results go through PGlite's own serialisers and parsers,
 * so rows are the same as from `PGlite.query`.
 *
 * Callers serialise access (one connection: `PGlitePool`). A schema change can change what a kept
 * statement returns, so any statement that is not a single query, data change or transaction
 * control forgets them all.
 */
export class PGliteStatements {
  private readonly prepared = new Map<string, Prepared>();
  /** Statements evicted since the last run, closed with the next one. */
  private closing: string[] = [];
  private nextName = 0;

  constructor(
    private readonly pglite: PGlite,
    /** Statement texts kept prepared; beyond this the least recently used one is closed. */
    private readonly capacity = 256,
  ) {}

  async query(sql: string, parameters: readonly unknown[]): Promise<Results> {
    const statement = this.prepared.get(sql) ?? (await this.prepare(sql));
    // Most recently used last: the Map's order is the eviction order.
    this.prepared.delete(sql);
    this.prepared.set(sql, statement);
    const values = parameters.map((value, index) => {
      if (value === null || value === undefined) return null;
      const serializer = this.pglite.serializers[statement.paramTypes[index]!];
      return serializer ? serializer(value) : String(value);
    });
    const closes = this.closing.splice(0).map((name) => serialize.close({ type: 'S', name }));
    const messages = await this.run(sql, [
      ...closes,
      serialize.bind({ statement: statement.name, values }),
      serialize.describe({ type: 'P' }),
      serialize.execute({}),
      serialize.sync(),
    ]);
    return parse.parseResults(messages, this.pglite.parsers, { rowMode: 'object' })[0] ?? { rows: [], fields: [] };
  }

  /**
   * A statement without parameters: one query, data change or transaction control is prepared like
   * the rest; anything else runs as `PGlite.exec` does (simple protocol: several statements,
   * migrations) and, as it may change the schema, first forgets every prepared statement.
   */
  async exec(sql: string): Promise<Results> {
    if (PREPARABLE.test(sql)) return this.query(sql, []);
    await this.forgetAll();
    return (await this.pglite.exec(sql, { rowMode: 'object' })).at(-1) ?? { rows: [], fields: [], affectedRows: 0 };
  }

  private async prepare(sql: string): Promise<Prepared> {
    const name = `kite_${++this.nextName}`;
    const messages = await this.run(sql, [serialize.parse({ name, text: sql }), serialize.describe({ type: 'S', name }), serialize.sync()]);
    const statement = { name, paramTypes: parse.parseDescribeStatementResults(messages) };
    if (this.prepared.size >= this.capacity) {
      const [oldest, evicted] = this.prepared.entries().next().value!;
      this.prepared.delete(oldest);
      this.closing.push(evicted.name);
    }
    this.prepared.set(sql, statement);
    return statement;
  }

  private async forgetAll(): Promise<void> {
    if (this.prepared.size === 0 && this.closing.length === 0) return;
    const names = [...this.closing.splice(0), ...[...this.prepared.values()].map((statement) => statement.name)];
    this.prepared.clear();
    await this.run('close', [...names.map((name) => serialize.close({ type: 'S', name })), serialize.sync()]);
  }

  /** One call into the backend; an error names its statement, as `PGlite.query`'s do. */
  private async run(sql: string, messages: Uint8Array[]) {
    const buffer = new Uint8Array(messages.reduce((total, message) => total + message.length, 0));
    let offset = 0;
    for (const message of messages) {
      buffer.set(message, offset);
      offset += message.length;
    }
    try {
      return await this.pglite.execProtocolStream(buffer, { syncToFs: false });
    } catch (error) {
      if (error instanceof Error && !('query' in error)) Object.assign(error, { query: sql });
      throw error;
    } finally {
      // As PGlite.query: a persistent data directory is synced after every statement.
      await this.pglite.syncToFs();
    }
  }
}
