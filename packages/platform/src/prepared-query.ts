import { type Compilable, type CompiledQuery, createQueryId, type Kysely, type QueryResult } from 'kysely';

/** The SQL of every prepared query, and the statement name a PostgreSQL connection prepares it under. */
const statementNames = new Map<string, string>();

/**
 * The name to prepare `sql` under on a PostgreSQL connection, when it is a prepared query's (a few
 * dozen hot statements: the server then parses and plans each once per connection); undefined for
 * any other statement.
 */
export function preparedStatementName(sql: string): string | undefined {
  return statementNames.get(sql);
}

/** Stands for one value while a prepared query is built: where it lands among the parameters. */
class Slot {
  constructor(readonly path: readonly string[]) {}
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype;
}

/**
 * The shape of `values`: its defined keys in order, plain objects (rows) followed into. Undefined
 * values are left out, as Kysely leaves them out of an insert or update: other keys, other query.
 */
function shapeOf(values: Record<string, unknown>): string {
  let shape = '';
  for (const key in values) {
    const value = values[key];
    if (value === undefined) continue;
    shape += isPlainObject(value) ? `${key}{${shapeOf(value)}},` : `${key},`;
  }
  return shape;
}

/** A Slot for each value of `values` (of its shape), where `build` puts the value. */
function standIns(values: Record<string, unknown>, path: string[] = []): Record<string, unknown> {
  const standIn: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined) continue;
    standIn[key] = isPlainObject(value) ? standIns(value, [...path, key]) : new Slot([...path, key]);
  }
  return standIn;
}

function valueAt(values: Record<string, unknown>, path: readonly string[]): unknown {
  let value: unknown = values;
  for (const key of path) value = (value as Record<string, unknown>)[key];
  return value;
}

/**
 * A hot statement built and compiled once per shape of its values. Kysely builds a query as a tree
 * of frozen nodes and compiles it to SQL on every run: for a message send's three statements that
 * is a fifth of the request's CPU. Here `build` runs once per shape, with stand-ins for the values;
 * each run binds the real values in their places (constants written into the query stay as they
 * are). So `build` may use each value only as a value — compared, inserted, set — never read it,
 * branch on it or spread it into a list (`in`); rows (plain objects) may be passed whole.
 */
export function preparedQuery<DB, Values extends Record<string, unknown>, Row>(
  build: (db: Kysely<DB>, values: Values) => Compilable<Row>,
): (db: Kysely<DB>, values: Values) => Promise<QueryResult<Row>> {
  const byShape = new Map<string, CompiledQuery<Row>>();
  return (db, values) => {
    const shape = shapeOf(values);
    let compiled = byShape.get(shape);
    if (!compiled) {
      compiled = build(db, standIns(values) as Values).compile();
      byShape.set(shape, compiled);
      if (!statementNames.has(compiled.sql)) statementNames.set(compiled.sql, `kite_${statementNames.size + 1}`);
    }
    const parameters = compiled.parameters.map((parameter) => (parameter instanceof Slot ? valueAt(values, parameter.path) : parameter));
    return db.executeQuery<Row>({ ...compiled, queryId: createQueryId(), parameters });
  };
}
